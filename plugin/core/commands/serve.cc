// SPDX-License-Identifier: Apache-2.0
#include "commands/serve.h"

#include <signal.h>
#include <sys/prctl.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "commands/aws.h"
#include "commands/serve_google.h"
#include "commands/serve_schedule.h"
#include "commands/serve_stats.h"
#include "commands/served_credentials.h"
#include "config/config.h"
#include "config/serve_settings.h"
#include "files/token_file.h"
#include "module_host/serve_host.h"
#include "time_format.h"

namespace fedcred {
namespace {

// One route's state in the refresh loop.
struct Slot {
  std::unique_ptr<ServedCredential> served;
  Secret last_value;  // what is published now, to audit issuances only
  std::int64_t expiration = 0;
  RefreshPlan plan{0, 0};
  int failures = 0;
};

// Signals the loop waits for; blocked before the server's threads start so
// that they inherit the mask and only sigtimedwait() below receives them.
class BlockedSignals {
 public:
  BlockedSignals() {
    sigemptyset(&set_);
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&set_, s);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  BlockedSignals(BlockedSignals const&) = delete;
  BlockedSignals& operator=(BlockedSignals const&) = delete;
  ~BlockedSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  // The signal received within `seconds`, or 0.
  int wait(std::int64_t seconds) const {
    timespec ts{static_cast<time_t>(std::max<std::int64_t>(seconds, 0)), 0};
    int s = sigtimedwait(&set_, nullptr, &ts);
    return s < 0 ? 0 : s;
  }

 private:
  sigset_t set_{};
  sigset_t old_{};
};

Settings explicit_serve_settings(CommandOptions const& options) {
  Settings s;
  for (char const* key : {"listen", "aws_profile", "gcp_profile", "token_file", "token_group"}) {
    if (auto it = options.find(key); it != options.end()) s[key] = Setting{it->second, "--" + std::string(key)};
  }
  return s;
}

std::string stats_line(fedcred_serve_stats const& s) {
  return "stats: requests=" + std::to_string(s.requests) + " 2xx=" + std::to_string(s.status_2xx) +
         " 4xx=" + std::to_string(s.status_4xx) + " 5xx=" + std::to_string(s.status_5xx) +
         " issued=" + std::to_string(s.published) + " refreshes=" + std::to_string(s.refreshes) +
         " refresh_failures=" + std::to_string(s.refresh_failures);
}

class ServeLoop {
 public:
  ServeLoop(RunningServer& server, CommandDeps const& deps) : server_(server), deps_(deps) {}

  void add(std::unique_ptr<ServedCredential> served) { slots_.push_back(Slot{std::move(served), {}, 0, {0, 0}, 0}); }

  // The first credentials of every route: any failure stops the server.
  Result<void> first_fetch() {
    for (auto& slot : slots_) {
      auto issued = slot.served->fetch(slot.served->cache_margin());
      if (!issued) {
        Error e = std::move(issued).error();
        AuditRecord audit;
        audit.command = "serve";
        write_audit(audit, e.status, scrub_secrets(e.message), deps_.env, false);
        return make_error(e.status, "cannot get the first credentials of " + slot.served->describe() + ": " + e.message);
      }
      publish(slot, std::move(*issued));
    }
    return {};
  }

  // Until a stop signal.
  void run(BlockedSignals const& signals) {
    for (;;) {
      std::int64_t now = deps_.clock.unix_seconds();
      std::int64_t next = now + 3600;
      for (auto const& slot : slots_) next = std::min(next, slot.plan.at_unix);
      int sig = signals.wait(next - now);
      if (sig == SIGUSR1) {
        deps_.log.warning(stats_line(server_.stats()));
        continue;
      }
      if (sig != 0) {
        deps_.log.info(std::string("stopping on ") + sigabbrev_np(sig));
        return;
      }
      now = deps_.clock.unix_seconds();
      for (auto& slot : slots_) {
        if (slot.plan.at_unix <= now) refresh(slot, now);
      }
    }
  }

 private:
  void publish(Slot& slot, Issued issued) {
    bool changed = issued.value.reveal() != slot.last_value.reveal();
    slot.failures = 0;
    slot.expiration = issued.expiration;
    slot.plan = plan_refresh(deps_.clock.unix_seconds(), issued.expiration, slot.served->cache_margin(), deps_.random);
    if (!changed) return;
    server_.publish(slot.served->route(), issued.value, issued.expiration);
    slot.last_value = std::move(issued.value);
    // One audit line per issuance, however many requests it then answers.
    write_audit(issued.audit, Status::ok, "", deps_.env, false);
    deps_.log.info("serving " + slot.served->describe() + " until " + format_rfc3339_utc(issued.expiration) +
                   ", next refresh at " + format_rfc3339_utc(slot.plan.at_unix));
  }

  void refresh(Slot& slot, std::int64_t now) {
    auto issued = slot.served->fetch(slot.plan.margin_seconds);
    // The cache hands back still-valid credentials when the fetch failed
    // (stale-on-error): a failed refresh all the same, retried soon.
    bool stale = issued && issued->audit.cache == CacheUse::stale;
    server_.note_refresh(issued && !stale);
    if (issued && !stale) {
      publish(slot, std::move(*issued));
      return;
    }
    ++slot.failures;
    std::string why = issued ? std::string("the exchange failed; the cache kept the current credentials")
                             : scrub_secrets(issued.error().message);
    if (!issued) {
      AuditRecord audit;
      audit.command = "serve";
      write_audit(audit, issued.error().status, why, deps_.env, false);
    }
    std::int64_t delay = retry_delay_seconds(slot.failures, now, slot.expiration);
    slot.plan.at_unix = now + delay;
    deps_.log.warning("refresh of " + slot.served->describe() + " failed: " + why + "; " +
                      (slot.expiration > now ? "serving the current credentials until " +
                                                   format_rfc3339_utc(slot.expiration)
                                             : std::string("nothing valid to serve (503)")) +
                      ", next attempt in " + std::to_string(delay) + " s");
  }

  RunningServer& server_;
  CommandDeps const& deps_;
  std::vector<Slot> slots_;
};

}  // namespace

bool is_serve_option(std::string_view key) {
  return key == "listen" || key == "aws_profile" || key == "gcp_profile" || key == "token_file" ||
         key == "token_group" || key == "stats" || key == "health";
}

Result<void> validate_serve_option(std::string_view key, std::string_view value) {
  if (key == "stats" || key == "health") {
    if (value != "true" && value != "false") {
      return make_error(Status::usage, std::string(key) + ": expected true or false");
    }
    return {};
  }
  return validate_serve_setting(key, value);
}

Result<Secret> run_serve_command(CommandInputs const& in, CommandOptions const& options, CommandDeps const& deps) {
  // It holds credentials for its whole life: no core dumps, no ptrace by
  // other processes of the same user.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  auto config = load_command_config(in, deps);
  if (!config) return std::move(config).error();
  auto explicit_values = explicit_serve_settings(options);
  auto asked = [&](char const* key) {
    auto it = options.find(key);
    return it != options.end() && it->second == "true";
  };
  if (asked("stats") || asked("health")) {
    // Only the address matters here: no profile is needed to ask for counters or health.
    ListenAddress where{"127.0.0.1", kDefaultServePort, false};
    auto listen = explicit_values.count("listen") ? explicit_values["listen"] : Setting{};
    if (auto const* v = setting_value(config->serve, "listen"); v != nullptr && listen.value.empty()) listen.value = *v;
    if (!listen.value.empty()) {
      auto first = listen.value.substr(0, listen.value.find_first_of(" ,\n"));
      auto parsed = parse_listen_address(first);
      if (!parsed) return std::move(parsed).error();
      where = *parsed;
    }
    return query_serve(where, asked("health") ? "/healthz" : "/stats", deps.default_timeout_seconds);
  }
  auto settings = resolve_serve_settings(config->serve, explicit_values, deps.env);
  if (!settings) return std::move(settings).error();

  ServerOptions server_options;
  server_options.listen = settings->listen;
  std::vector<std::unique_ptr<ServedCredential>> served;
  auto google_source = make_google_token_source(in.config_file, deps);
  if (!settings->gcp_profile.empty()) {
    auto id = google_source->identity(settings->gcp_profile);
    if (!id) return std::move(id).error();
    server_options.google = ServerOptions::Google{id->email, id->scopes, id->project_id, id->numeric_project_id};
    served.push_back(make_served_google(settings->gcp_profile, *google_source));
  }
  if (!settings->aws_profile.empty()) {
    auto req = resolve_aws_command(CommandInputs{settings->aws_profile, in.config_file, {}}, deps);
    if (!req) return std::move(req).error();
    auto token = ensure_token_file(settings->token_file, settings->token_group);
    if (!token) return std::move(token).error();
    server_options.aws_authorization = std::move(*token);
    served.push_back(make_served_aws(std::move(*req), deps));
  }

  BlockedSignals signals;
  auto server = start_server(module_directory(deps.env), server_options, deps.log);
  if (!server) return std::move(server).error();
  ServeLoop loop(**server, deps);
  for (auto& s : served) loop.add(std::move(s));
  auto first = loop.first_fetch();
  if (!first) return std::move(first).error();
  (*server)->notify("READY=1\nSTATUS=serving credentials");
  loop.run(signals);
  (*server)->notify("STOPPING=1");
  deps.log.info(stats_line((*server)->stats()));
  return Secret(std::string());
}

}  // namespace fedcred
