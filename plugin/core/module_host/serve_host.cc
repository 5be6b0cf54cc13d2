// SPDX-License-Identifier: Apache-2.0
#include "module_host/serve_host.h"

#include <dlfcn.h>
#include <stdio.h>

#include "fedcred/fedcred.h"

namespace fedcred {

struct RunningServer::Callbacks {
  fedcred_serve_api const* api = nullptr;
  std::function<std::optional<Secret>()> authorization_changed;
  std::function<void(fedcred_serve_audit const&)> audit;
  std::function<Result<AzureServedToken>(std::string const&)> azure_token;
};

namespace {

void check_authorization(void* user, fedcred_server* server) {
  auto* c = static_cast<RunningServer::Callbacks*>(user);
  if (!c->authorization_changed) return;
  if (auto value = c->authorization_changed()) {
    c->api->publish(server, FEDCRED_SERVE_AWS_AUTHORIZATION, value->reveal().data(), value->size(), 0);
  }
}

int azure_token(void* user, char const* resource, void* sink,
                void (*deliver)(void*, char const*, std::size_t, std::int64_t), char* error, std::size_t error_size) {
  auto* c = static_cast<RunningServer::Callbacks*>(user);
  try {
    auto token = c->azure_token(resource);
    if (!token) {
      snprintf(error, error_size, "%s", token.error().message.c_str());
      return static_cast<int>(token.error().status);
    }
    deliver(sink, token->access_token.reveal().data(), token->access_token.size(), token->expiration);
    return FEDCRED_OK;
  } catch (...) {
    // Nothing may throw into the module's threads.
    snprintf(error, error_size, "unexpected error getting the token");
    return FEDCRED_E_INTERNAL;
  }
}

void audit_from_module(void* user, fedcred_serve_audit const* event) {
  auto* c = static_cast<RunningServer::Callbacks*>(user);
  if (c->audit) c->audit(*event);
}

void log_from_module(void* user, int level, char const* message) {
  static_cast<Logger const*>(user)->log(level, message);
}

std::string joined(std::vector<std::string> const& lines) {
  std::string out;
  for (auto const& l : lines) out += l + "\n";
  return out;
}

}  // namespace

RunningServer::RunningServer(ModuleHandle module, fedcred_serve_api const* api, fedcred_server* server,
                             std::unique_ptr<Logger> log, std::unique_ptr<Callbacks> callbacks)
    : module_(std::move(module)), api_(api), server_(server), log_(std::move(log)), callbacks_(std::move(callbacks)) {}

RunningServer::~RunningServer() { api_->stop(server_); }

void RunningServer::publish(int what, Secret const& value, std::int64_t expiration) {
  api_->publish(server_, what, value.reveal().data(), value.size(), expiration);
}

void RunningServer::note_refresh(bool succeeded) { api_->note_refresh(server_, succeeded ? 1 : 0); }

fedcred_serve_stats RunningServer::stats() const {
  fedcred_serve_stats s{};
  api_->stats(server_, &s);
  return s;
}

void RunningServer::notify(char const* state) { api_->notify(server_, state); }

Result<std::unique_ptr<RunningServer>> start_server(std::string const& module_dir, ServerOptions const& options,
                                                     Logger const& log) {
  std::string path = module_dir + "/fedcred-serve.so";
  auto handle = open_module_file(module_dir, path);
  if (!handle) return std::move(handle).error();
  auto entry = reinterpret_cast<fedcred_serve_entry_fn>(dlsym(handle->get(), FEDCRED_SERVE_ENTRY_SYMBOL));
  fedcred_serve_api const* api = entry == nullptr ? nullptr : entry();
  if (api == nullptr || api->abi_version != FEDCRED_SERVE_ABI_VERSION) {
    return make_error(Status::internal, path + " is not fedcred's serve module of ABI version " +
                                            std::to_string(FEDCRED_SERVE_ABI_VERSION));
  }
  std::vector<fedcred_serve_listen> listen;
  for (auto const& l : options.listen) listen.push_back({l.address.c_str(), l.port, l.optional ? 1 : 0});
  std::string scopes = options.google ? joined(options.google->scopes) : std::string();
  auto module_log = std::make_unique<Logger>(log);
  fedcred_serve_options o{};
  o.listen = listen.data();
  o.listen_count = listen.size();
  o.client_token = options.client_token ? options.client_token->reveal().c_str() : nullptr;
  o.serve_aws = options.aws ? 1 : 0;
  if (options.google) {
    o.google_email = options.google->email.c_str();
    o.google_scopes = scopes.c_str();
    o.google_project_id = options.google->project_id.c_str();
    o.google_numeric_project_id = options.google->numeric_project_id.c_str();
  }
  o.log = log_from_module;
  o.log_user = module_log.get();
  o.allowed_uids = options.allowed_uids.data();
  o.allowed_uid_count = options.allowed_uids.size();
  o.allowed_gids = options.allowed_gids.data();
  o.allowed_gid_count = options.allowed_gids.size();
  o.first_fetch_seconds = options.first_fetch_seconds;
  auto callbacks = std::make_unique<RunningServer::Callbacks>();
  callbacks->api = api;
  callbacks->authorization_changed = options.authorization_changed;
  callbacks->audit = options.audit;
  callbacks->azure_token = options.azure ? options.azure->token : nullptr;
  if (options.azure) {
    o.azure_client_id = options.azure->client_id.c_str();
    o.azure_token = azure_token;
  }
  o.check_authorization = check_authorization;
  o.audit = audit_from_module;
  o.callback_user = callbacks.get();
  fedcred_server* server = nullptr;
  char error[512] = "";
  int rc = api->start(&o, &server, error, sizeof(error));
  if (rc != FEDCRED_OK || server == nullptr) {
    return make_error(rc > FEDCRED_OK && rc <= FEDCRED_E_IO ? static_cast<Status>(rc) : Status::internal,
                      error[0] != '\0' ? std::string(error) : "the server did not start");
  }
  return std::make_unique<RunningServer>(std::move(*handle), api, server, std::move(module_log),
                                         std::move(callbacks));
}

}  // namespace fedcred
