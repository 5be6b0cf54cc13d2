// SPDX-License-Identifier: Apache-2.0
#include "commands/doctor.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <cstdlib>
#include <utility>

#include "cache/dir.h"
#include "commands/azure.h"
#include "commands/doctor/advice.h"
#include "commands/doctor/probes.h"
#include "commands/subject.h"
#include "config/config.h"
#include "config/endpoints.h"
#include "config/profile.h"
#include "fedcred/module.h"
#include "files/policy.h"
#include "files/secret_file.h"
#include "flows/credential_config_rules.h"
#include "flows/aws.h"
#include "flows/subject_token.h"
#include "module_messages.h"
#include "time_format.h"

namespace fedcred {
namespace {

constexpr char kAllowExecutables[] = "GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES";

std::string signed_seconds(std::int64_t s) { return (s >= 0 ? "+" : "") + std::to_string(s) + " s"; }

std::string value_or_none(std::string const& v) { return v.empty() ? "(none)" : v; }


class Doctor {
 public:
  Doctor(CommandInputs const& in, DoctorOptions const& options, CommandContext const& context, ModuleRunner& modules)
      : in_(in), options_(options), context_(context), modules_(modules) {}

  DoctorReport run() {
    if (!check_config()) return steps_.take();
    if (gcp_) check_allow_executables();
    check_cache();
    if (!check_metadata()) return steps_.take();
    if (!check_subject_token()) return steps_.take();
    bool sts_ok = gcp_ || azure_ || check_sts_endpoint(probe_run(), aws_.sts, steps_);
    check_clock();
    if (azure_) {
      check_entra_exchange();
    } else if (!gcp_ && sts_ok) {
      check_exchange();
    }
    return steps_.take();
  }

 private:
  void ok(std::string name, std::string detail) { steps_.ok(std::move(name), std::move(detail)); }
  void warn(std::string name, std::string detail, std::string fix) {
    steps_.warn(std::move(name), std::move(detail), std::move(fix));
  }
  void fail(std::string name, Status status, std::string detail, std::string fix) {
    steps_.fail(std::move(name), status, std::move(detail), std::move(fix));
  }

  std::int64_t deadline() const { return context_.clock.monotonic_ms() + timeout_seconds_ * 1000; }
  ProbeRun probe_run() const { return ProbeRun{modules_, context_.log, context_.clock, deadline()}; }

  bool check_config() {
    auto files = config_search_list(context_.env, in_.config_file, context_.sysconfdir);
    auto config = load_config(files);
    if (!config) {
      fail("config", config.error().status, config.error().message,
           "fix the file and line named above (fedcred.conf(5)); 'fedcred doctor --config FILE' checks one file");
      return false;
    }
    for (auto const& skipped : config->warnings) {
      warn("user config", skipped,
           "run as the user who owns HOME, or point XDG_CONFIG_HOME at a directory this user can read");
    }
    std::string read;
    for (auto const& f : config->files_read) read += (read.empty() ? "" : ", ") + f;
    if (read.empty()) {
      std::string searched;
      for (auto const& f : files) searched += (searched.empty() ? "" : ", ") + f.path;
      read = "no configuration file (searched " + searched + ")";
    } else {
      read = "read " + read;
    }
    auto settings = effective_settings(*config, in_.profile, in_.explicit_settings, context_.env);
    if (!settings) {
      fail("config", settings.error().status, read + "; " + settings.error().message,
           "define [profile " + in_.profile + "] in one of the files read, or pass the settings as flags");
      return false;
    }
    if (!check_credential_config(*settings)) return false;
    auto const* audience = setting_value(*settings, "audience");
    gcp_ = options_.gcp || (audience != nullptr && gcp_provider_audience(*audience).ok());
    azure_ = options_.azure || (!gcp_ && settings->count("tenant_id") != 0 && settings->count("role_arn") == 0);
    std::string effective;
    for (auto const& [key, setting] : *settings) {
      effective += (effective.empty() ? "" : ", ") + key + "=" + setting.value + " (" + setting.origin + ")";
    }
    std::string const profile = in_.profile.empty() ? std::string("(none: [default] and flags)") : in_.profile;
    // An Azure VM's managed identity (source azure) reaches AWS and GCP too.
    auto const* source = setting_value(*settings, "source");
    bool const from_azure = source != nullptr && *source == "azure";
    std::string const direction = azure_  ? "-> Azure (fedcred azure)"
                                  : gcp_  ? std::string(from_azure ? "Azure" : "AWS") + " -> GCP (fedcred gcp)"
                                          : std::string(from_azure ? "Azure" : "GCP") + " -> AWS (fedcred aws)";
    std::string detail = read + "; profile " + profile + ", direction " + direction + ": " +
                         (effective.empty() ? std::string("no settings") : effective);

    if (azure_) {
      auto req = resolve_entra_request(in_, context_);
      if (!req) {
        fail("config", req.error().status, detail + "; " + req.error().message,
             "set tenant_id and client_id in the profile or pass --tenant-id and --client-id (fedcred.conf(5))");
        return false;
      }
      entra_ = req->target;
      token_req_ = req->assertion;
      timeout_seconds_ = req->timeout_seconds;
      cache_enabled_ = req->cache;
      detail += "; source " + token_req_.source + ", audience " + token_req_.audience + ", tenant " +
                entra_.tenant_id + ", application " + entra_.client_id + ", scope " + entra_.scope + ", Entra ID " +
                url_authority(entra_.authority);
    } else if (gcp_) {
      auto req =
          resolve_subject_request(SubjectCommand::gcp, *config, in_, context_.env, context_.default_timeout_seconds);
      if (!req) {
        fail("config", req.error().status, detail + "; " + req.error().message,
             "set audience to the workload identity provider (in the profile, --audience, or "
             "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE)");
        return false;
      }
      token_req_ = req->token;
      timeout_seconds_ = req->timeout_seconds;
      cache_enabled_ = req->cache;
      detail += "; source " + token_req_.source + ", audience " + token_req_.audience;
    } else {
      auto req = resolve_aws_request(*config, in_.profile, in_.explicit_settings, context_.env,
                                     context_.default_timeout_seconds);
      if (!req) {
        fail("config", req.error().status, detail + "; " + req.error().message,
             "set role_arn in [profile NAME] or pass --role-arn; for AWS -> GCP run 'fedcred doctor --gcp'");
        return false;
      }
      aws_ = *req;
      token_req_.source = aws_.source;
      token_req_.audience = aws_.audience;
      token_req_.token_file = aws_.token_file;
      token_req_.metadata_host = aws_.metadata_host.url;
      token_req_.azure = aws_.azure;
      timeout_seconds_ = aws_.timeout_seconds;
      cache_enabled_ = aws_.cache;
      detail += "; source " + aws_.source + ", audience " + aws_.audience + ", role " + aws_.role_arn + ", STS " +
                url_authority(aws_.sts.url) + " (" + aws_.sts.origin + ")";
    }
    ok("config", detail);
    return true;
  }

  // The profile's external_account config (access-token, serve --gcp-profile):
  // read under the same rules, so a refusal names the rule that refused it.
  bool check_credential_config(Settings const& settings) {
    auto const* path = setting_value(settings, "credential_config");
    if (path == nullptr) return true;
    auto config = load_checked_credential_config(*path, settings);
    if (!config) {
      fail("credential config", config.error().status, config.error().message,
           "fix the rule named above: the file root's or yours, not writable by others, in such a directory; "
           "Google endpoints only, or name another in a root-owned fedcred.conf (fedcred.conf(5))");
      return false;
    }
    std::string detail = *path + ": token_url " + config->token_url;
    if (!config->impersonation_url.empty()) detail += ", impersonation " + url_authority(config->impersonation_url);
    if (config->source == CredentialConfig::Source::file) {
      auto token = read_secret_file(config->file, "credential_source.file of " + *path, SecretFileOwner::trusted);
      if (!token) {
        fail("credential config", token.error().status, detail + "; " + token.error().message,
             "make the token file root's or yours, not writable by others");
        return false;
      }
      detail += ", token file " + config->file;
    }
    ok("credential config", detail);
    return true;
  }

  void check_allow_executables() {
    auto value = context_.env.get(kAllowExecutables);
    if (value == std::optional<std::string>("1")) {
      ok("allow-executables", std::string(kAllowExecutables) + "=1");
    } else if (value) {
      fail("allow-executables", Status::usage,
           std::string(kAllowExecutables) + "=" + *value + ": Google's libraries refuse to run fedcred unless it is "
           "exactly 1",
           "set " + std::string(kAllowExecutables) + "=1 in the environment of the program that uses the "
           "credential config");
    } else {
      warn("allow-executables", std::string(kAllowExecutables) + " is not set here",
           "it must be 1 in the environment of the program that uses the credential config (export " +
               std::string(kAllowExecutables) + "=1), or Google's libraries refuse to run fedcred");
    }
  }

  void check_cache() {
    if (!cache_enabled_) {
      ok("cache", "disabled for this profile (cache = false): every call goes to the network");
      return;
    }
    auto path = cache_dir_path(context_.env);
    if (!path) {
      warn("cache", path.error().message, "set FEDCRED_CACHE_DIR to an absolute path; until then fedcred runs uncached");
      return;
    }
    struct stat st {};
    if (lstat(path->c_str(), &st) != 0) {
      int err = errno;
      if (err == ENOENT) {
        ok("cache", *path + " does not exist yet; fedcred creates it (mode 0700) on first use");
      } else {
        warn("cache", "cannot inspect " + *path + ": " + strerror(err), "fix the directory's permissions");
      }
      return;
    }
    auto policy = CachePolicy::current_user();
    if (auto problem = private_object_problem(st, policy, PrivateKind::directory)) {
      warn("cache", *path + " " + *problem + ": fedcred refuses it and runs uncached (a network round trip on every call)",
           "remove it (fedcred recreates it) or make it a directory of yours with mode 0700: chmod 700 " + *path);
      return;
    }
    auto dir = CacheDir::open_path(*path, policy);
    if (!dir) {
      warn("cache", dir.error().message, "fix the directory (fedcred runs uncached meanwhile)");
      return;
    }
    auto entries = dir->list();
    std::int64_t const now = context_.clock.unix_seconds();
    int mine = 0, fresh = 0;
    for (auto const& e : entries) {
      if (e.profile != in_.profile) continue;
      ++mine;
      if (e.expiration > now) ++fresh;
    }
    ok("cache", *path + ": private (0700, yours), " + std::to_string(entries.size()) + " entries, " +
                    std::to_string(mine) + " for this profile (" + std::to_string(fresh) + " unexpired)");
  }

  // The source's metadata service; false when the walk cannot go on.
  bool check_metadata() {
    std::string const& source = token_req_.source;
    if (source == "gce") return check_gce_metadata(probe_run(), token_req_.metadata_host, steps_);
    if (source == "aws") {
      if (token_req_.aws_link.link != "imds" && !token_req_.region.empty()) {
        ok("imds", "not needed: the AWS credentials come from " + token_req_.aws_link.identity +
                       " and the region is given");
        return true;
      }
      return check_imds(probe_run(), token_req_.imds_endpoint, steps_);
    }
    return true;  // file and third-party sources: the subject-token step says it all
  }

  bool check_subject_token() {
    SubjectTokenRequest t = token_req_;
    t.deadline_ms = deadline();
    // Straight from the source, never through the cache: doctor writes nothing.
    auto token = fetch_subject_token(t, context_.env, modules_, context_.log);
    if (!token) {
      fail("subject-token", token.error().status, token.error().message, source_fix(t.source, token.error().status));
      return false;
    }
    claims_ = token->claims;
    expiration_ = token->expiration;
    have_token_ = true;
    token_ = token->token;
    JwtClaims const& c = claims_;
    std::int64_t const now = context_.clock.unix_seconds();
    std::string detail = "source " + t.source + " issued a JWT: iss=" + value_or_none(c.iss) +
                         " aud=" + value_or_none(c.aud) + " azp=" + value_or_none(c.azp) +
                         " sub=" + value_or_none(c.sub) + " email=" + value_or_none(c.email) + " exp=" +
                         (c.exp ? format_rfc3339_utc(*c.exp) + " (in " + std::to_string((*c.exp - now) / 60) + " min)"
                                : std::string("(none)"));
    if (!token->identity.empty()) {
      detail += "; signed with AWS credentials from the " + token->credential_link + " link of the chain (" +
                token->identity + ")";
    }
    if (!t.audience.empty() && !c.aud.empty() && c.aud != t.audience) {
      warn("subject-token", detail, "the token's aud is not the audience requested (" + t.audience + ")");
      return true;
    }
    ok("subject-token", detail);
    return true;
  }

  void check_clock() {
    std::int64_t const now = context_.clock.unix_seconds();
    std::string detail;
    std::int64_t worst = 0;
    std::string worst_what;
    auto consider = [&](std::string const& what, std::int64_t offset) {
      detail += (detail.empty() ? "" : ", ") + what + " " + signed_seconds(offset);
      if (std::llabs(offset) > std::llabs(worst)) {
        worst = offset;
        worst_what = what;
      }
    };
    if (have_token_ && claims_.iat) {
      // A token may be older than now (issuers cache them), never younger.
      std::int64_t const ahead = *claims_.iat - now;
      detail += std::string(detail.empty() ? "" : ", ") + "token iat " + signed_seconds(ahead);
      if (ahead > std::llabs(worst)) {
        worst = ahead;
        worst_what = "the token's iat";
      }
    }
    for (auto const& [what, offset] : steps_.server_offsets()) consider(what + " Date", offset);
    std::string const fix =
        "synchronise this machine's clock (timedatectl; chronyc tracking): on GCE with metadata.google.internal as "
        "NTP server, on EC2 with 169.254.169.123";
    if (have_token_ && claims_.exp && *claims_.exp <= now) {
      fail("clock", Status::usage,
           "the token's exp " + format_rfc3339_utc(*claims_.exp) + " is already past by this machine's clock " +
               format_rfc3339_utc(now) + " (" + detail + ")",
           fix);
      return;
    }
    if (detail.empty()) {
      ok("clock", "nothing to compare with (no iat, no Date header)");
      return;
    }
    std::string const summary = "offsets from this machine's clock: " + detail;
    if (std::llabs(worst) > kClockFailSeconds) {
      fail("clock", Status::usage,
           "this machine's clock is " + std::to_string(std::llabs(worst)) + " s " + (worst > 0 ? "behind " : "ahead of ") +
               worst_what + " (" + summary + "); STS and Google refuse tokens and signatures beyond a few minutes",
           fix);
    } else if (std::llabs(worst) > kClockWarnSeconds) {
      warn("clock", summary, fix);
    } else {
      ok("clock", summary);
    }
  }

  void check_exchange() {
    std::string const session_name =
        aws_.session_name ? *aws_.session_name : default_session_name(claims_, context_.clock.unix_seconds());
    auto exchanged = modules_.run("sts", FEDCRED_OP_ASSUME_ROLE,
                                       messages::encode(assume_role_params(aws_, session_name, token_, deadline())),
                                       context_.log);
    if (!exchanged) {
      fail("exchange", exchanged.error().status,
           "AssumeRoleWithWebIdentity for " + aws_.role_arn + " failed: " + exchanged.error().message,
           exchange_fix(exchanged.error(), claims_, aws_.role_arn));
      return;
    }
    // The credentials stay in `result` (wiped when it dies): never printed, never cached.
    auto result = messages::decode_assume_role_result(messages::reader_of(*exchanged));
    if (!result) {
      fail("exchange", result.error().status, "STS " + result.error().message,
           "check the STS endpoint (AWS_ENDPOINT_URL_STS): it did not answer as AWS STS does");
      return;
    }
    std::string detail = "AssumeRoleWithWebIdentity for " + aws_.role_arn + " (session " + session_name +
                         ") succeeded";
    if (!result->assumed_role_arn.empty()) detail += ": " + result->assumed_role_arn;
    detail += ", credentials until " + format_rfc3339_utc(result->expiration);
    if (!result->request_id.empty()) detail += " (STS request id " + result->request_id + ")";
    ok("exchange", detail + "; nothing was cached");
  }

  // Entra's token request with this token as the assertion; the token it
  // issues stays in `result` (wiped when it dies): never printed, never cached.
  void check_entra_exchange() {
    SubjectToken assertion;
    assertion.token = token_;
    assertion.claims = claims_;
    auto result = exchange_entra_assertion(entra_, std::move(assertion), deadline(), modules_, context_.log);
    if (!result) {
      fail("exchange", result.error().status,
           "Entra ID token for application " + entra_.client_id + " failed: " + result.error().message,
           entra_exchange_fix(result.error(), claims_, entra_.tenant_id, entra_.client_id));
      return;
    }
    ok("exchange", "Entra ID issued a token for application " + entra_.client_id + " (" + entra_.scope + ") until " +
                       format_rfc3339_utc(result->expiration) + "; nothing was cached");
  }

  CommandInputs const& in_;
  DoctorOptions const& options_;
  CommandContext const& context_;
  ModuleRunner& modules_;
  StepRecorder steps_;
  bool gcp_ = false;
  bool azure_ = false;
  EntraTarget entra_;
  bool cache_enabled_ = true;
  std::int64_t timeout_seconds_ = 15;
  AwsRequest aws_;
  SubjectTokenRequest token_req_;
  bool have_token_ = false;
  JwtClaims claims_;
  std::int64_t expiration_ = 0;
  Secret token_;
};

}  // namespace

DoctorReport run_doctor(CommandInputs const& in, DoctorOptions const& options, CommandContext const& context,
                        ModuleRunner& modules) {
  return Doctor(in, options, context, modules).run();
}

Result<Secret> run_doctor_command(CommandInputs const& in, CommandOptions const& options, CommandContext const& context,
                                  ModuleRunner& modules, Secret& report_out) {
  DoctorOptions o;
  if (auto it = options.find("json"); it != options.end()) o.json = it->second == "true";
  if (auto it = options.find("gcp"); it != options.end()) o.gcp = it->second == "true";
  if (auto it = options.find("azure"); it != options.end()) o.azure = it->second == "true";
  DoctorReport report = run_doctor(in, o, context, modules);
  std::string text;
  if (o.json) {
    auto json = render_doctor_json(report);
    if (!json) return std::move(json).error();
    text = std::move(*json);
  } else {
    text = render_doctor_text(report);
  }
  report_out = Secret(std::move(text));
  Status const status = report.status();
  if (status == Status::ok) return report_out;
  int failed = 0;
  std::string first;
  for (auto const& s : report.steps) {
    if (s.state != StepState::fail) continue;
    if (failed++ == 0) first = s.name;
  }
  return make_error(status, "doctor: " + std::to_string(failed) + " check(s) failed, the first one: " + first);
}

}  // namespace fedcred
