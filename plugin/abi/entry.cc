// SPDX-License-Identifier: Apache-2.0
// The C ABI: argument checks, a try/catch around every call into the core,
// and nothing else. Nothing may throw across extern "C".
#include <stdlib.h>
#include <string.h>

#include <new>
#include <optional>
#include <string>

#include "fedcred/fedcred.h"
#include "fedcred_build_config.h"
#include "base/process_hardening.h"
#include "commands/request.h"

struct fedcred_request {
  fedcred::Request request;
  fedcred_log_fn log_fn = nullptr;
  void* log_user = nullptr;
  std::string error;
};

namespace {

int fail(fedcred_request* req, fedcred::Error const& e) {
  if (req != nullptr) req->error = fedcred::scrub_secrets(e.message);
  return static_cast<int>(e.status);
}

template <typename Fn>
int guarded(fedcred_request* req, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (std::bad_alloc const&) {
    return fail(req, fedcred::make_error(fedcred::Status::internal, "out of memory"));
  } catch (...) {
    return fail(req, fedcred::make_error(fedcred::Status::internal, "unexpected internal error"));
  }
}

// NULL for nullopt; documents hold secrets, so the caller frees them with
// fedcred_string_free, which wipes.
char* copy_out(std::optional<fedcred::Secret> const& s) {
  if (!s) return nullptr;
  std::string const& text = s->reveal();
  char* out = static_cast<char*>(malloc(text.size() + 1));
  if (out != nullptr) memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int fedcred_request_new(char const* command, fedcred_request** out) {
  if (out == nullptr) return FEDCRED_E_USAGE;
  *out = nullptr;
  if (command == nullptr || !fedcred::is_known_command(command)) return FEDCRED_E_USAGE;
  return guarded(nullptr, [&] {
    auto* req = new fedcred_request;
    req->request.command = command;
    *out = req;
    return FEDCRED_OK;
  });
}

__attribute__((visibility("default"))) int fedcred_request_set(fedcred_request* req, char const* key,
                                                               char const* value) {
  if (req == nullptr || key == nullptr || value == nullptr) return FEDCRED_E_USAGE;
  return guarded(req, [&] {
    auto set = fedcred::set_request_key(req->request, key, value);
    return set ? FEDCRED_OK : fail(req, set.error());
  });
}

__attribute__((visibility("default"))) void fedcred_request_set_log(fedcred_request* req, fedcred_log_fn fn,
                                                                    void* user) {
  if (req == nullptr) return;
  req->log_fn = fn;
  req->log_user = user;
}

__attribute__((visibility("default"))) int fedcred_request_run(fedcred_request* req, char** document) {
  if (document != nullptr) *document = nullptr;
  if (req == nullptr || document == nullptr) return FEDCRED_E_USAGE;
  // Before anything is read: every command whose row says it may hold a
  // token or key in memory (all but setup, which only prints configuration;
  // libfedcred(3)).
  if (fedcred::command_holds_secrets(req->request.command)) fedcred::harden_process_for_secrets();
  return guarded(req, [&] {
    req->error.clear();
    fedcred::Logger log;
    if (req->log_fn != nullptr) {
      log = fedcred::Logger([req](int level, std::string const& m) { req->log_fn(req->log_user, level, m.c_str()); });
    }
    fedcred::ProcessEnv env;
    std::optional<fedcred::Secret> on_failure;
    auto doc = fedcred::run_request(req->request, env, log, on_failure);
    if (!doc) {
      *document = copy_out(on_failure);
      return fail(req, doc.error());
    }
    *document = copy_out(std::move(*doc));
    if (*document == nullptr) return fail(req, fedcred::make_error(fedcred::Status::internal, "out of memory"));
    return FEDCRED_OK;
  });
}

__attribute__((visibility("default"))) int fedcred_failure_document(char const* command, int status,
                                                                    char const* message, char** document) {
  if (document != nullptr) *document = nullptr;
  if (command == nullptr || message == nullptr || document == nullptr || status <= FEDCRED_OK ||
      status > FEDCRED_E_IO) {
    return FEDCRED_E_USAGE;
  }
  return guarded(nullptr, [&] {
    *document = copy_out(
        fedcred::failure_document_for(command, fedcred::make_error(static_cast<fedcred::Status>(status), message)));
    return FEDCRED_OK;
  });
}

__attribute__((visibility("default"))) char const* fedcred_request_error(fedcred_request const* req) {
  return req == nullptr ? "" : req->error.c_str();
}

__attribute__((visibility("default"))) void fedcred_request_free(fedcred_request* req) { delete req; }

__attribute__((visibility("default"))) void fedcred_string_free(char* s) {
  if (s == nullptr) return;
  explicit_bzero(s, strlen(s));
  free(s);
}

__attribute__((visibility("default"))) char const* fedcred_strerror(int status) {
  switch (status) {
    case FEDCRED_OK: return "success";
    case FEDCRED_E_INTERNAL: return "internal error";
    case FEDCRED_E_USAGE: return "usage or configuration error";
    case FEDCRED_E_SOURCE: return "subject-token source unavailable";
    case FEDCRED_E_DENIED: return "token exchange denied";
    case FEDCRED_E_TRANSIENT: return "transient failure, retries exhausted";
    case FEDCRED_E_RESPONSE: return "unusable response from the exchange service";
    case FEDCRED_E_IO: return "local file error";
    default: return "unknown status";
  }
}

__attribute__((visibility("default"))) char const* fedcred_version(void) { return FEDCRED_VERSION; }

__attribute__((visibility("default"))) int fedcred_abi_version(void) { return FEDCRED_ABI_VERSION; }

}  // extern "C"
