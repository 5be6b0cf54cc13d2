// SPDX-License-Identifier: Apache-2.0
#include "commands/doctor.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/stat.h>

#include <cstdlib>
#include <utility>

#include "flows/aws.h"
#include "cache/dir.h"
#include "files/policy.h"
#include "config/config.h"
#include "config/endpoints.h"
#include "base/json_handle.h"
#include "output/logger.h"
#include "config/profile.h"
#include "commands/subject.h"
#include "flows/subject_token.h"
#include "time_format.h"

namespace fedcred {
namespace {

constexpr char kAllowExecutables[] = "GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES";

std::string signed_seconds(std::int64_t s) { return (s >= 0 ? "+" : "") + std::to_string(s) + " s"; }

std::string value_or_none(std::string const& v) { return v.empty() ? "(none)" : v; }

std::optional<std::string> result_of(Values const& v, char const* key) {
  auto it = v.find(key);
  if (it == v.end() || it->second.empty()) return std::nullopt;
  return it->second.reveal();
}

std::int64_t int_result(Values const& v, char const* key) {
  auto text = result_of(v, key);
  return text ? std::strtoll(text->c_str(), nullptr, 10) : 0;
}

// The fix that fits a failure of the source, by status.
std::string source_fix(std::string const& source, Status status) {
  if (status == Status::usage) return "correct the setting named in the message (fedcred.conf(5))";
  if (source == "file") return "check token_file: the file must exist, be readable by this user and hold a JWT";
  if (source == "aws" && status == Status::denied) {
    return "enable outbound identity federation for the account (aws iam enable-outbound-web-identity-federation) "
           "and allow sts:GetWebIdentityToken to the instance role";
  }
  if (source == "aws") {
    return "check the instance role (an instance profile must be attached) and that the STS regional endpoint is "
           "reachable; AWS_REGION picks the region";
  }
  return "check that the VM has a service account attached and that the metadata server answers (GCE_METADATA_HOST "
         "overrides the address)";
}

std::string exchange_fix(Error const& error, JwtClaims const& claims, std::string const& role_arn) {
  if (error.message.find("AccessDenied") != std::string::npos) {
    std::string fix = "the trust policy of " + role_arn + " does not accept this token. It must allow "
                      "sts:AssumeRoleWithWebIdentity to Principal Federated " +
                      std::string(is_google_issuer(claims.iss) ? "accounts.google.com" : "the issuer's OIDC provider");
    auto conditions = aws_trust_conditions(claims);
    if (conditions) {
      fix += " with conditions this token satisfies: StringEquals";
      bool first = true;
      for (auto const& [key, value] : *conditions) {
        fix += std::string(first ? " " : ", ") + key + " = " + value;
        first = false;
      }
    }
    return fix + ". 'fedcred setup aws-trust-policy' prints the whole policy document";
  }
  if (error.message.find("InvalidIdentityToken") != std::string::npos) {
    return "STS could not validate the token: check the clock (step clock) and that the issuer is trusted "
           "(accounts.google.com needs no IAM OIDC provider, any other issuer does)";
  }
  switch (error.status) {
    case Status::usage: return "correct the setting named in the message (fedcred.conf(5))";
    case Status::transient: return "STS kept failing or could not be reached: retry later; check the network path to it";
    case Status::response: return "STS answered with something fedcred cannot use: check AWS_ENDPOINT_URL_STS";
    default: return "see the STS error code and message";
  }
}

class Doctor {
 public:
  Doctor(CommandInputs const& in, DoctorOptions const& options, CommandDeps const& deps)
      : in_(in), options_(options), deps_(deps) {}

  DoctorReport run() {
    if (!check_config()) return std::move(report_);
    if (gcp_) check_allow_executables();
    check_cache();
    if (!check_metadata()) return std::move(report_);
    if (!check_subject_token()) return std::move(report_);
    bool sts_ok = gcp_ || check_sts_endpoint();
    check_clock();
    if (!gcp_ && sts_ok) check_exchange();
    return std::move(report_);
  }

 private:
  // Details quote unverified JWT claims and server messages: made printable
  // here, once for every step, before they reach a terminal or a log.
  void ok(std::string name, std::string detail) {
    report_.steps.push_back({std::move(name), StepState::ok, printable(detail), {}, Status::ok});
  }
  void warn(std::string name, std::string detail, std::string fix) {
    report_.steps.push_back({std::move(name), StepState::warn, printable(detail), printable(fix), Status::ok});
  }
  void fail(std::string name, Status status, std::string detail, std::string fix) {
    report_.steps.push_back({std::move(name), StepState::fail, printable(detail), printable(fix), status});
  }

  std::int64_t deadline() const { return deps_.clock.monotonic_ms() + timeout_seconds_ * 1000; }

  bool check_config() {
    auto files = config_search_list(deps_.env, in_.config_file, deps_.sysconfdir);
    auto config = load_config(files);
    if (!config) {
      fail("config", config.error().status, config.error().message,
           "fix the file and line named above (fedcred.conf(5)); 'fedcred doctor --config FILE' checks one file");
      return false;
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
    auto settings = effective_settings(*config, in_.profile, in_.explicit_settings, deps_.env);
    if (!settings) {
      fail("config", settings.error().status, read + "; " + settings.error().message,
           "define [profile " + in_.profile + "] in one of the files read, or pass the settings as flags");
      return false;
    }
    auto const* audience = setting_value(*settings, "audience");
    gcp_ = options_.gcp || (audience != nullptr && gcp_provider_audience(*audience).ok());
    std::string effective;
    for (auto const& [key, setting] : *settings) {
      effective += (effective.empty() ? "" : ", ") + key + "=" + setting.value + " (" + setting.origin + ")";
    }
    std::string const profile = in_.profile.empty() ? std::string("(none: [default] and flags)") : in_.profile;
    std::string detail = read + "; profile " + profile + ", direction " +
                         (gcp_ ? std::string("AWS -> GCP (fedcred gcp)") : std::string("GCP -> AWS (fedcred aws)")) +
                         ": " + (effective.empty() ? std::string("no settings") : effective);

    if (gcp_) {
      auto req = resolve_subject_request(SubjectCommand::gcp, *config, in_, deps_.env, deps_.default_timeout_seconds);
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
      auto req = resolve_aws_request(*config, in_.profile, in_.explicit_settings, deps_.env,
                                     deps_.default_timeout_seconds);
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
      timeout_seconds_ = aws_.timeout_seconds;
      cache_enabled_ = aws_.cache;
      detail += "; source " + aws_.source + ", audience " + aws_.audience + ", role " + aws_.role_arn + ", STS " +
                endpoint_host(aws_.sts.url) + " (" + aws_.sts.origin + ")";
    }
    ok("config", detail);
    return true;
  }

  void check_allow_executables() {
    auto value = deps_.env.get(kAllowExecutables);
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
    auto path = cache_dir_path(deps_.env);
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
    std::int64_t const now = deps_.clock.unix_seconds();
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
    if (source == "gce") return check_gce_metadata();
    if (source == "aws") return check_imds();
    return true;  // file and third-party sources: the subject-token step says it all
  }

  bool check_gce_metadata() {
    Values params;
    params["metadata_host"] = Secret(token_req_.metadata_host);
    params["deadline_ms"] = Secret(std::to_string(deadline()));
    std::string const where = "the GCE metadata server at " + token_req_.metadata_host;
    auto probe = deps_.modules.run("gce", "probe", params, deps_.log);
    if (!probe) {
      fail("metadata", probe.error().status, probe.error().message, "check the module directory (FEDCRED_MODULE_DIR)");
      return false;
    }
    std::int64_t const latency = int_result(*probe, "latency_ms");
    auto status = result_of(*probe, "status");
    if (!status) {
      fail("metadata", Status::source,
           "cannot reach " + where + " (" + result_of(*probe, "error").value_or("no answer") + ", " +
               std::to_string(latency) + " ms)",
           "run this on a GCE VM or GKE node (metadata.google.internal must resolve and answer); set "
           "GCE_METADATA_HOST to reach the metadata server at another address; metadata requests never use a proxy");
      return false;
    }
    if (result_of(*probe, "flavor") != std::optional<std::string>("Google")) {
      fail("metadata", Status::source,
           where + " answered HTTP " + *status + " without \"Metadata-Flavor: Google\": not a GCE metadata server",
           "check GCE_METADATA_HOST and that no proxy or captive portal answers in its place");
      return false;
    }
    if (*status == "404") {
      fail("metadata", Status::source, where + " answered HTTP 404 for the default service account",
           "attach a service account to the VM (gcloud compute instances set-service-account)");
      return false;
    }
    if (*status != "200") {
      fail("metadata", Status::source, where + " answered HTTP " + *status + " for the default service account",
           "check the VM's service account and access scopes");
      return false;
    }
    note_date("metadata server", *probe);
    ok("metadata", where + " answered in " + std::to_string(latency) + " ms (service account " +
                       result_of(*probe, "email").value_or("default") + ")");
    return true;
  }

  bool check_imds() {
    if (deps_.env.get("AWS_ACCESS_KEY_ID") && !token_req_.region.empty()) {
      ok("imds", "not needed: AWS_ACCESS_KEY_ID and the region are given");
      return true;
    }
    Values params;
    params["imds_endpoint"] = Secret(token_req_.imds_endpoint);
    params["deadline_ms"] = Secret(std::to_string(deadline()));
    std::string const where = "IMDS at " + endpoint_host(token_req_.imds_endpoint);
    auto probe = deps_.modules.run("aws", "probe", params, deps_.log);
    if (!probe) {
      fail("imds", probe.error().status, probe.error().message, "check the module directory (FEDCRED_MODULE_DIR)");
      return false;
    }
    auto put = result_of(*probe, "put_status");
    auto get = result_of(*probe, "get_status");
    std::int64_t const put_ms = int_result(*probe, "put_latency_ms");
    if (put == std::optional<std::string>("200")) {
      note_date("IMDS", *probe);
      ok("imds", where + ": IMDSv2 token PUT answered in " + std::to_string(put_ms) + " ms");
      return true;
    }
    if (!put && get) {
      fail("imds", Status::source,
           where + " answers GETs (HTTP " + *get + " in " + std::to_string(int_result(*probe, "get_latency_ms")) +
               " ms) but the IMDSv2 token PUT got no answer (" +
               (result_of(*probe, "put_timed_out") ? "timed out after " + std::to_string(put_ms) + " ms"
                                                   : result_of(*probe, "put_error").value_or("no answer")) +
               "): the PUT answer's hop limit is 1 and dies at the container bridge",
           "raise the hop limit to 2 for containers: aws ec2 modify-instance-metadata-options --instance-id ID "
           "--http-put-response-hop-limit 2 --http-tokens required");
      return false;
    }
    if (!put) {
      fail("imds", Status::source,
           "cannot reach " + where + " (" + result_of(*probe, "put_error").value_or("no answer") + ")",
           "run this on an EC2 instance, set AWS_EC2_METADATA_SERVICE_ENDPOINT to reach IMDS elsewhere, or set "
           "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION");
      return false;
    }
    if (*put == "403") {
      fail("imds", Status::source, where + " refused the IMDSv2 token PUT (HTTP 403)",
           "enable IMDS for the instance (aws ec2 modify-instance-metadata-options --http-endpoint enabled) and make "
           "sure no proxy adds X-Forwarded-For");
      return false;
    }
    fail("imds", Status::source, where + " answered the IMDSv2 token PUT with HTTP " + *put,
         "check AWS_EC2_METADATA_SERVICE_ENDPOINT; fedcred uses IMDSv2 only");
    return false;
  }

  bool check_subject_token() {
    SubjectTokenRequest t = token_req_;
    t.deadline_ms = deadline();
    // Straight from the source, never through the cache: doctor writes nothing.
    auto token = fetch_subject_token(t, deps_.env, deps_.modules, deps_.log);
    if (!token) {
      fail("subject-token", token.error().status, token.error().message, source_fix(t.source, token.error().status));
      return false;
    }
    claims_ = token->claims;
    expiration_ = token->expiration;
    have_token_ = true;
    token_ = token->token;
    JwtClaims const& c = claims_;
    std::int64_t const now = deps_.clock.unix_seconds();
    std::string detail = "source " + t.source + " issued a JWT: iss=" + value_or_none(c.iss) +
                         " aud=" + value_or_none(c.aud) + " azp=" + value_or_none(c.azp) +
                         " sub=" + value_or_none(c.sub) + " email=" + value_or_none(c.email) + " exp=" +
                         (c.exp ? format_rfc3339_utc(*c.exp) + " (in " + std::to_string((*c.exp - now) / 60) + " min)"
                                : std::string("(none)"));
    if (!t.audience.empty() && !c.aud.empty() && c.aud != t.audience) {
      warn("subject-token", detail, "the token's aud is not the audience requested (" + t.audience + ")");
      return true;
    }
    ok("subject-token", detail);
    return true;
  }

  bool check_sts_endpoint() {
    Values params;
    params["endpoint"] = Secret(aws_.sts.url);
    params["deadline_ms"] = Secret(std::to_string(deadline()));
    std::string const where = "STS at " + endpoint_host(aws_.sts.url) + " (" + aws_.sts.origin + ")";
    auto probe = deps_.modules.run("sts", "probe", params, deps_.log);
    if (!probe) {
      fail("sts-endpoint", probe.error().status, probe.error().message,
           "check the module directory (FEDCRED_MODULE_DIR) and the endpoint URL");
      return false;
    }
    auto status = result_of(*probe, "status");
    std::int64_t const latency = int_result(*probe, "latency_ms");
    if (!status) {
      fail("sts-endpoint", Status::transient,
           "cannot reach " + where + " (" + result_of(*probe, "error").value_or("no answer") + ", " +
               std::to_string(latency) + " ms)",
           "check DNS, firewall rules and HTTPS_PROXY/NO_PROXY for the STS endpoint; the region (AWS_REGION, "
           "region) or AWS_ENDPOINT_URL_STS picks it");
      return false;
    }
    note_date("STS", *probe);
    ok("sts-endpoint", where + " answered in " + std::to_string(latency) + " ms");
    return true;
  }

  void note_date(std::string what, Values const& probe) {
    auto text = result_of(probe, "date");
    if (!text) return;
    if (auto when = parse_http_date(*text)) dates_.emplace_back(std::move(what), *when - deps_.clock.unix_seconds());
  }

  void check_clock() {
    std::int64_t const now = deps_.clock.unix_seconds();
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
    for (auto const& [what, offset] : dates_) consider(what + " Date", offset);
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
        aws_.session_name ? *aws_.session_name : default_session_name(claims_, deps_.clock.unix_seconds());
    Values params;
    params["endpoint"] = Secret(aws_.sts.url);
    params["region"] = Secret(aws_.region);
    params["role_arn"] = Secret(aws_.role_arn);
    params["session_name"] = Secret(session_name);
    params["duration"] = Secret(std::to_string(aws_.duration_seconds));
    params["web_identity_token"] = token_;
    params["deadline_ms"] = Secret(std::to_string(deadline()));
    auto exchanged = deps_.modules.run("sts", "assume_role_with_web_identity", params, deps_.log);
    if (!exchanged) {
      fail("exchange", exchanged.error().status,
           "AssumeRoleWithWebIdentity for " + aws_.role_arn + " failed: " + exchanged.error().message,
           exchange_fix(exchanged.error(), claims_, aws_.role_arn));
      return;
    }
    // The credentials stay in `exchanged` (wiped when it dies): never printed, never cached.
    std::string detail = "AssumeRoleWithWebIdentity for " + aws_.role_arn + " (session " + session_name +
                         ") succeeded";
    if (auto arn = result_of(*exchanged, "assumed_role_arn")) detail += ": " + *arn;
    if (auto exp = result_of(*exchanged, "expiration")) detail += ", credentials until " + *exp;
    if (auto id = result_of(*exchanged, "request_id")) detail += " (STS request id " + *id + ")";
    ok("exchange", detail + "; nothing was cached");
  }

  CommandInputs const& in_;
  DoctorOptions const& options_;
  CommandDeps const& deps_;
  DoctorReport report_;
  bool gcp_ = false;
  bool cache_enabled_ = true;
  std::int64_t timeout_seconds_ = 15;
  AwsRequest aws_;
  SubjectTokenRequest token_req_;
  bool have_token_ = false;
  JwtClaims claims_;
  std::int64_t expiration_ = 0;
  Secret token_;
  std::vector<std::pair<std::string, std::int64_t>> dates_;  // server, offset from our clock
};

char const* state_word(StepState s) {
  switch (s) {
    case StepState::ok: return "ok";
    case StepState::warn: return "warn";
    default: return "fail";
  }
}

}  // namespace

Status DoctorReport::status() const {
  for (auto const& s : steps) {
    if (s.state == StepState::fail) return s.status == Status::ok ? Status::internal : s.status;
  }
  return Status::ok;
}


DoctorReport run_doctor(CommandInputs const& in, DoctorOptions const& options, CommandDeps const& deps) {
  return Doctor(in, options, deps).run();
}

std::string render_doctor_text(DoctorReport const& report) {
  std::string out;
  for (auto const& s : report.steps) {
    char const* word = s.state == StepState::ok ? "ok  " : s.state == StepState::warn ? "warn" : "FAIL";
    out += std::string(word) + "  " + s.name + ": " + s.detail + "\n";
    if (!s.fix.empty()) out += "      fix: " + s.fix + "\n";
  }
  if (!out.empty()) out.pop_back();  // the helper adds the last newline
  return scrub_secrets(out);
}

Result<std::string> render_doctor_json(DoctorReport const& report) {
  JsonPtr doc(json_object_new_object());
  json_object* steps = json_object_new_array();
  if (!doc || !steps) {
    json_object_put(steps);
    return make_error(Status::internal, "out of memory");
  }
  Status const status = report.status();
  json_object_object_add(doc.get(), "ok", json_object_new_boolean(status == Status::ok));
  json_object_object_add(doc.get(), "exit_code", json_object_new_int(static_cast<int>(status)));
  json_object_object_add(doc.get(), "steps", steps);
  for (auto const& s : report.steps) {
    json_object* step = json_object_new_object();
    if (step == nullptr) return make_error(Status::internal, "out of memory");
    json_object_array_add(steps, step);
    json_object_object_add(step, "name", json_object_new_string(s.name.c_str()));
    json_object_object_add(step, "status", json_object_new_string(state_word(s.state)));
    json_object_object_add(step, "detail", json_object_new_string(s.detail.c_str()));
    json_object_object_add(step, "fix", json_object_new_string(s.fix.c_str()));
  }
  char const* text =
      json_object_to_json_string_ext(doc.get(), JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
  if (text == nullptr) return make_error(Status::internal, "out of memory");
  return scrub_secrets(text);
}

Result<Secret> run_doctor_command(CommandInputs const& in, CommandOptions const& options, CommandDeps const& deps,
                                  Secret& report_out) {
  DoctorOptions o;
  if (auto it = options.find("json"); it != options.end()) o.json = it->second == "true";
  if (auto it = options.find("gcp"); it != options.end()) o.gcp = it->second == "true";
  DoctorReport report = run_doctor(in, o, deps);
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
