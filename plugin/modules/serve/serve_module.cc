// SPDX-License-Identifier: Apache-2.0
// fedcred-serve.so's entry point: the serve_abi.h functions over Router,
// ListenSockets and HttpDaemons. Nothing may throw across the C ABI.
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include <memory>
#include <new>
#include <string>

#include "fedcred/fedcred.h"
#include "fedcred/module.h"
#include "caller_policy.h"
#include "http_daemon.h"
#include "listen.h"
#include "router.h"
#include "serve_abi.h"

struct fedcred_server {
  fedcred_server(fedcred::serve::RouterConfig config, std::unique_ptr<fedcred::serve::CallerPolicy> policy,
                 fedcred::Logger log)
      : callers(std::move(policy)), router(std::move(config)), daemons(router, std::move(log)) {}
  std::unique_ptr<fedcred::serve::CallerPolicy> callers;
  fedcred::serve::Router router;
  fedcred::serve::HttpDaemons daemons;  // declared last: stopped before the router goes
};

namespace {

using fedcred::serve::GoogleIdentity;
using fedcred::serve::RouterConfig;

std::vector<std::string> split_lines(char const* text) {
  std::vector<std::string> out;
  std::string s = text == nullptr ? "" : text;
  std::size_t start = 0;
  while (start < s.size()) {
    auto end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

using AzureTokenFn = int (*)(void*, char const*, void*, void (*)(void*, char const*, std::size_t, std::int64_t),
                            char*, std::size_t);

// The library's azure_token callback as the router asks it.
std::function<fedcred::serve::AzureTokenAnswer(std::string const&)> azure_fetcher(AzureTokenFn fetch, void* user) {
  return [fetch, user](std::string const& resource) {
    fedcred::serve::AzureTokenAnswer answer;
    auto deliver = [](void* sink, char const* token, std::size_t len, std::int64_t expiration) {
      static_cast<fedcred::serve::AzureTokenAnswer*>(sink)->token =
          std::make_unique<fedcred::serve::Published>(std::string(token, len), expiration);
    };
    char error[1024] = "";
    answer.status = fetch(user, resource.c_str(), &answer, deliver, error, sizeof(error));
    if (answer.status != FEDCRED_OK) {
      answer.token.reset();
      answer.error = error;
    }
    return answer;
  };
}

int fail(char* error, std::size_t size, int status, std::string const& message) {
  if (error != nullptr && size > 0) snprintf(error, size, "%s", message.c_str());
  return status;
}

int serve_start(fedcred_serve_options const* o, fedcred_server** out, char* error, std::size_t error_size) noexcept {
  try {
    *out = nullptr;
    RouterConfig config;
    if (o->client_token != nullptr) config.client_token = std::string(o->client_token);
    config.aws = o->serve_aws != 0 && o->client_token != nullptr;
    if (o->google_email != nullptr) {
      config.google = GoogleIdentity{o->google_email, split_lines(o->google_scopes),
                                     o->google_project_id == nullptr ? "" : o->google_project_id,
                                     o->google_numeric_project_id == nullptr ? "" : o->google_numeric_project_id};
    }
    auto policy = std::make_unique<fedcred::serve::CallerPolicy>(
        std::vector<uid_t>(o->allowed_uids, o->allowed_uids + o->allowed_uid_count),
        std::vector<gid_t>(o->allowed_gids, o->allowed_gids + o->allowed_gid_count));
    config.caller_allowed = [p = policy.get()](uid_t uid) { return p->allows(uid); };
    void* user = o->callback_user;
    // The server exists before any request can arrive: the router's callback
    // reaches it through this cell, set below.
    auto self = std::make_shared<fedcred_server*>(nullptr);
    if (auto check = o->check_authorization) {
      config.check_authorization = [check, user, self] {
        if (*self != nullptr) check(user, *self);
      };
    }
    if (o->azure_client_id != nullptr && o->azure_token != nullptr) {
      config.azure = fedcred::serve::AzureIdentity{o->azure_client_id, azure_fetcher(o->azure_token, user)};
    }
    if (auto audit = o->audit) {
      config.audit = [audit, user](uid_t uid, int route, bool served, std::uint64_t count) {
        fedcred_serve_audit event{static_cast<std::uint32_t>(uid), route, served ? 1 : 0, count};
        audit(user, &event);
      };
    }
    config.hold_until_unix = static_cast<std::int64_t>(time(nullptr)) + o->first_fetch_seconds;
    auto log_fn = o->log;
    void* log_user = o->log_user;
    fedcred::Logger log([log_fn, log_user](int level, std::string const& m) {
      if (log_fn != nullptr) log_fn(log_user, level, m.c_str());
    });
    auto listening = fedcred::serve::open_listen_sockets(o->listen, o->listen_count);
    if (!listening.error.empty()) return fail(error, error_size, FEDCRED_E_USAGE, listening.error);
    auto server = std::make_unique<fedcred_server>(std::move(config), std::move(policy), log);
    *self = server.get();
    for (int fd : listening.sockets.release()) {
      auto started = server->daemons.start(fd);
      if (!started.empty()) return fail(error, error_size, FEDCRED_E_INTERNAL, started);
    }
    for (auto const& where : listening.bound) log.info("listening on " + where);
    *out = server.release();
    return FEDCRED_OK;
  } catch (std::bad_alloc const&) {
    return fail(error, error_size, FEDCRED_E_INTERNAL, "out of memory");
  } catch (...) {
    return fail(error, error_size, FEDCRED_E_INTERNAL, "unexpected error starting the server");
  }
}

void serve_publish(fedcred_server* s, int what, char const* value, std::size_t len, std::int64_t expiration) noexcept {
  try {
    if (what == FEDCRED_SERVE_AWS_AUTHORIZATION) {
      s->router.authorization().publish(std::string(value, len), INT64_MAX);
      return;
    }
    auto& slot = what == FEDCRED_SERVE_GOOGLE ? s->router.google() : s->router.aws();
    slot.publish(std::string(value, len), expiration);
    s->router.counters().published.fetch_add(1, std::memory_order_relaxed);
    s->daemons.release_held();
  } catch (...) {
    // Out of memory: the previous value stays; the next refresh tries again.
  }
}

void serve_note_refresh(fedcred_server* s, int succeeded) noexcept {
  auto& c = s->router.counters();
  c.refreshes.fetch_add(1, std::memory_order_relaxed);
  if (succeeded == 0) c.refresh_failures.fetch_add(1, std::memory_order_relaxed);
}

void serve_stats(fedcred_server* s, fedcred_serve_stats* out) noexcept {
  auto const& c = s->router.counters();
  auto r = [](std::atomic<std::uint64_t> const& a) { return a.load(std::memory_order_relaxed); };
  *out = fedcred_serve_stats{r(c.requests), r(c.status_2xx), r(c.status_4xx), r(c.status_5xx),
                             r(c.published), r(c.refreshes), r(c.refresh_failures)};
}

void serve_notify(fedcred_server*, char const* state) noexcept { sd_notify(0, state); }

void serve_stop(fedcred_server* s) noexcept { delete s; }

constexpr fedcred_serve_api kApi{FEDCRED_SERVE_ABI_VERSION, serve_start,  serve_publish, serve_note_refresh,
                                 serve_stats,              serve_notify, serve_stop};

}  // namespace

extern "C" __attribute__((visibility("default"))) fedcred_serve_api const* fedcred_serve_entry_v1(void);

extern "C" fedcred_serve_api const* fedcred_serve_entry_v1(void) {
  return &kApi;
}
