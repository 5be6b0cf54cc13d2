// SPDX-License-Identifier: Apache-2.0
#include "commands/serve.h"

#include <signal.h>
#include <sys/prctl.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <mutex>
#include <vector>

#include "commands/aws.h"
#include "commands/registry.h"
#include "commands/serve_azure.h"
#include "commands/serve_google.h"
#include "commands/serve_schedule.h"
#include "commands/serve_stats.h"
#include "commands/served_credentials.h"
#include "config/config.h"
#include "config/serve_settings.h"
#include "files/group.h"
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

// The [serve] settings given as flags, each with the flag as its origin:
// every option of serve's row (commands/registry.cc) but --stats.
Settings explicit_serve_settings(CommandOptions const& options) {
  Settings s;
  auto const* row = find_any_row("serve");
  for (auto const& [key, value] : options) {
    auto const* flag = row != nullptr ? find_flag_by_key(*row, key) : nullptr;
    if (key != "stats") s[key] = Setting{value, flag != nullptr ? flag_origin(*flag) : key};
  }
  return s;
}

std::string stats_line(fedcred_serve_stats const& s) {
  return "stats: requests=" + std::to_string(s.requests) + " 2xx=" + std::to_string(s.status_2xx) +
         " 4xx=" + std::to_string(s.status_4xx) + " 5xx=" + std::to_string(s.status_5xx) +
         " issued=" + std::to_string(s.published) + " refreshes=" + std::to_string(s.refreshes) +
         " refresh_failures=" + std::to_string(s.refresh_failures);
}

// [serve] allow_users / allow_groups as ids (issue 21.3): names through the
// name service, numbers as they are. Neither set: the server's own user and
// root.
Result<void> resolve_callers(ServeSettings const& settings, ServerOptions& out) {
  auto id_of = [](std::string const& word, auto lookup) -> Result<std::uint32_t> {
    std::uint32_t n = 0;
    auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
    if (ec == std::errc() && end == word.data() + word.size()) return n;
    auto found = lookup(word);
    if (!found) return std::move(found).error();
    return static_cast<std::uint32_t>(*found);
  };
  for (auto const& u : settings.allow_users) {
    auto id = id_of(u, lookup_user);
    if (!id) return std::move(id).error().prefix("[serve] allow_users");
    out.allowed_uids.push_back(*id);
  }
  for (auto const& g : settings.allow_groups) {
    auto id = id_of(g, lookup_group);
    if (!id) return std::move(id).error().prefix("[serve] allow_groups");
    out.allowed_gids.push_back(*id);
  }
  if (settings.allow_users.empty() && settings.allow_groups.empty()) out.allowed_uids = {geteuid(), 0};
  return {};
}

// The token file as the AWS route checks it before each request (issue
// 21.4): re-read when it changed, so rotating it revokes the old token; a
// file that became unusable matches no request until it is fixed.
class TokenFileRefresher {
 public:
  TokenFileRefresher(std::string path, Logger const& log) : watch_(std::move(path)), log_(log) {}
  std::optional<Secret> changed() {
    std::lock_guard<std::mutex> lock(mutex_);
    bool changed = false;
    auto token = watch_.current(changed);
    if (!changed) return std::nullopt;
    bool const first = !primed_;
    primed_ = true;
    if (!token) {
      log_.warning(token.error().message + "; the AWS route and the Azure App Service form refuse every request until it is fixed");
      return Secret(std::string());
    }
    if (!first) log_.info("token file read again: the previous token no longer authorizes");
    return std::move(*token);
  }

 private:
  std::mutex mutex_;  // the server's threads ask concurrently
  bool primed_ = false;
  WatchedTokenFile watch_;
  Logger const& log_;
};

// One audit line per caller and route a minute (the module counts): who was
// served, or refused.
void audit_caller(fedcred_serve_audit const& event, std::vector<std::string> const& profiles, Env const& env) {
  AuditRecord audit;
  audit.command = "serve";
  audit.event = event.served ? "served" : "refused";
  audit.client_uid = static_cast<std::int64_t>(event.uid);
  audit.route = event.route == FEDCRED_SERVE_AWS      ? "aws"
                : event.route == FEDCRED_SERVE_GOOGLE ? "google"
                : event.route == FEDCRED_SERVE_AZURE  ? "azure"
                                                      : "other";
  if (event.route >= 0 && static_cast<std::size_t>(event.route) < profiles.size()) audit.profile = profiles[static_cast<std::size_t>(event.route)];
  audit.count = event.count;
  write_audit(audit, event.served ? Status::ok : Status::denied,
              event.served ? "" : "caller not in [serve] allow_users / allow_groups", env, false);
}

class ServeLoop {
 public:
  ServeLoop(RunningServer& server, CredentialDeps const& deps) : server_(server), deps_(deps) {}

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
  CredentialDeps const& deps_;
  std::vector<Slot> slots_;
};

}  // namespace

Result<Secret> run_serve_command(CommandInputs const& in, CommandOptions const& options, CredentialDeps const& deps) {
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
  if (auto callers = resolve_callers(*settings, server_options); !callers) return std::move(callers).error();
  // By FEDCRED_SERVE_* route (FEDCRED_SERVE_AWS_AUTHORIZATION is none).
  std::vector<std::string> profiles{settings->aws_profile, settings->gcp_profile, "", settings->azure_profile};
  server_options.audit = [profiles, &deps](fedcred_serve_audit const& e) { audit_caller(e, profiles, deps.env); };
  std::unique_ptr<TokenFileRefresher> token_refresher;
  std::vector<std::unique_ptr<ServedCredential>> served;
  auto google_source = make_google_token_source(in.config_file, deps);
  if (!settings->gcp_profile.empty()) {
    auto id = google_source->identity(settings->gcp_profile);
    if (!id) return std::move(id).error();
    server_options.google = ServerOptions::Google{id->email, id->scopes, id->project_id, id->numeric_project_id};
    served.push_back(make_served_google(settings->gcp_profile, *google_source, id->timeout_seconds));
  }
  auto azure_source = make_azure_token_source(in.config_file, deps);
  if (!settings->azure_profile.empty()) {
    auto azure = served_azure(settings->azure_profile, *azure_source, deps);
    if (!azure) return std::move(azure).error();
    server_options.azure = std::move(*azure);
  }
  if (!settings->aws_profile.empty()) {
    auto req = resolve_aws_command(CommandInputs{settings->aws_profile, in.config_file, {}}, deps);
    if (!req) return std::move(req).error();
    served.push_back(make_served_aws(std::move(*req), deps));
    server_options.aws = true;
  }
  // The AWS route's Authorization and the App Service form's X-IDENTITY-HEADER.
  if (server_options.aws || server_options.azure) {
    auto token = ensure_token_file(settings->token_file, settings->token_group);
    if (!token) return std::move(token).error();
    token_refresher = std::make_unique<TokenFileRefresher>(settings->token_file, deps.log);
    // The state the watch starts from: later calls report changes only.
    auto primed = token_refresher->changed();
    server_options.client_token = primed && !primed->empty() ? std::move(*primed) : std::move(*token);
    server_options.authorization_changed = [r = token_refresher.get()] { return r->changed(); };
  }
  // Early requests wait as long as the first fetches may take, by the
  // profiles' own deadlines (issue 21.8).
  std::vector<std::int64_t> fetch_timeouts;
  for (auto const& s : served) fetch_timeouts.push_back(s->fetch_timeout_seconds());
  server_options.first_fetch_seconds = static_cast<unsigned>(first_fetch_hold_seconds(fetch_timeouts));

  BlockedSignals signals;
  auto server = start_server(module_directory(deps.env), server_options, deps.log);
  if (!server) return std::move(server).error();
  ServeLoop loop(**server, deps);
  for (auto& s : served) loop.add(std::move(s));
  auto first = loop.first_fetch();
  if (!first) return std::move(first).error();
  if (server_options.azure) {
    deps.log.info("serving Entra tokens of Azure profile " + settings->azure_profile + " (application " +
                  server_options.azure->client_id + ") at /msi/token and /metadata/identity/oauth2/token");
  }
  (*server)->notify("READY=1\nSTATUS=serving credentials");
  loop.run(signals);
  (*server)->notify("STOPPING=1");
  deps.log.info(stats_line((*server)->stats()));
  return Secret(std::string());
}

}  // namespace fedcred
