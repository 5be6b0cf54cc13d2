// SPDX-License-Identifier: Apache-2.0
// fedcred-serve.so's entry point: the serve_abi.h functions over Router,
// ListenSockets and HttpDaemons. Nothing may throw across the C ABI.
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include <memory>
#include <new>
#include <string>

#include "fedcred/fedcred.h"
#include "fedcred/module.h"
#include "http_daemon.h"
#include "listen.h"
#include "router.h"
#include "serve_abi.h"

struct fedcred_server {
  explicit fedcred_server(fedcred::serve::RouterConfig config, fedcred::Logger log)
      : router(std::move(config)), daemons(router, std::move(log)) {}
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

int fail(char* error, std::size_t size, int status, std::string const& message) {
  if (error != nullptr && size > 0) snprintf(error, size, "%s", message.c_str());
  return status;
}

int serve_start(fedcred_serve_options const* o, fedcred_server** out, char* error, std::size_t error_size) noexcept {
  try {
    *out = nullptr;
    RouterConfig config;
    if (o->aws_authorization != nullptr) config.aws_authorization = std::string(o->aws_authorization);
    if (o->google_email != nullptr) {
      config.google = GoogleIdentity{o->google_email, split_lines(o->google_scopes),
                                     o->google_project_id == nullptr ? "" : o->google_project_id,
                                     o->google_numeric_project_id == nullptr ? "" : o->google_numeric_project_id};
    }
    auto log_fn = o->log;
    void* log_user = o->log_user;
    fedcred::Logger log([log_fn, log_user](int level, std::string const& m) {
      if (log_fn != nullptr) log_fn(log_user, level, m.c_str());
    });
    auto listening = fedcred::serve::open_listen_sockets(o->listen, o->listen_count);
    if (!listening.error.empty()) return fail(error, error_size, FEDCRED_E_USAGE, listening.error);
    auto server = std::make_unique<fedcred_server>(std::move(config), log);
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
    auto& slot = what == FEDCRED_SERVE_GOOGLE ? s->router.google() : s->router.aws();
    slot.publish(std::string(value, len), expiration);
    s->router.counters().published.fetch_add(1, std::memory_order_relaxed);
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
