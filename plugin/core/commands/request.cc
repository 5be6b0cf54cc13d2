// SPDX-License-Identifier: Apache-2.0
#include "commands/request.h"

#include <array>

#include "output/audit.h"
#include "commands/aws.h"
#include "commands/cache.h"
#include "cache/freshness.h"
#include "clock.h"
#include "commands/doctor.h"
#include "fedcred_build_config.h"
#include "commands/gcp.h"
#include "module_host/runner.h"
#include "config/settings.h"
#include "commands/serve.h"
#include "commands/token.h"

namespace fedcred {
namespace {

constexpr std::array<std::string_view, 10> kCommands{
    "aws", "gcp", "token", "cache-list", "cache-clear", "doctor", "setup-aws-trust-policy", "setup-aws-config",
    "setup-gcp-cred-config", "serve"};

bool hands_out_credentials(std::string_view c) { return c == "aws" || c == "gcp" || c == "token"; }

Result<Secret> run_credential_command(Request const& req, CommandDeps const& deps) {
  if (req.command == "gcp") return run_gcp_command(req.inputs, deps);
  if (req.command == "token") return run_token_command(req.inputs, req.output_file, deps);
  return run_aws_command(req.inputs, deps);
}

// doctor and setup-*: reports and configuration, not credentials, so no
// audit record. doctor's report is its document whether or not a check failed.
Result<Secret> run_operator_command(Request const& req, CommandDeps const& deps, Secret& report) {
  if (req.command == "doctor") return run_doctor_command(req.inputs, req.options, deps, report);
  // serve audits each issuance itself: it runs for days, not one request.
  if (req.command == "serve") return run_serve_command(req.inputs, req.options, deps);
  if (req.command == "setup-aws-trust-policy") return run_setup_aws_trust_policy(req.inputs, deps);
  if (req.command == "setup-aws-config") return run_setup_aws_config(req.inputs, req.options, deps);
  return run_setup_gcp_cred_config(req.inputs, req.options, deps);
}

}  // namespace

bool is_known_command(std::string_view command) {
  for (auto c : kCommands) {
    if (c == command) return true;
  }
  return false;
}

Result<void> set_request_key(Request& req, std::string const& key, std::string const& value) {
  if (key == "profile") {
    req.inputs.profile = value;
  } else if (key == "config") {
    req.inputs.config_file = value;
  } else if (key == "output" && req.command == "token") {
    req.output_file = value;
  } else if (req.command == "serve" && is_serve_option(key)) {
    auto option = validate_serve_option(key, value);
    if (!option) return std::move(option).error();
    // --listen may be given several times.
    auto& slot = req.options[key];
    slot = key == "listen" && !slot.empty() ? slot + "\n" + value : value;
  } else if (is_command_option(req.command, key)) {
    auto option = validate_command_option(key, value);
    if (!option) return std::move(option).error();
    req.options[key] = value;
  } else {
    auto valid = validate_setting(key, value);
    if (!valid) return std::move(valid).error();
    req.inputs.explicit_settings[key] = Setting{value, key};
  }
  return {};
}

std::optional<Secret> failure_document_for(std::string const& command, Error const& error) {
  // Google's libraries read a gcp failure from stdout as a response document.
  if (command != "gcp") return std::nullopt;
  return render_gcp_error(make_error(error.status, scrub_secrets(error.message)));
}

Result<Secret> run_request(Request const& req, Env const& env, Logger const& log,
                           std::optional<Secret>& failure_document) {
  failure_document.reset();
  if (req.command == "cache-list") return run_cache_list(env);
  if (req.command == "cache-clear") {
    return run_cache_clear(env, req.inputs.profile.empty() ? std::nullopt : std::optional(req.inputs.profile));
  }
  SystemClock clock;
  SystemRandom random;
  auto modules = make_dlopen_module_runner(module_directory(env));
  AuditRecord audit;
  audit.command = req.command;
  CommandDeps deps{env, clock, random, *modules, log, FEDCRED_SYSCONFDIR, FEDCRED_DEFAULT_TIMEOUT_SECONDS, &audit};

  if (!hands_out_credentials(req.command)) {
    Secret report;
    auto doc = run_operator_command(req, deps, report);
    if (!doc && !report.empty()) failure_document = std::move(report);
    return doc;
  }
  auto doc = run_credential_command(req, deps);
  bool quiet_stderr = req.command == "gcp";  // Google's libraries parse its stderr
  if (doc) {
    write_audit(audit, Status::ok, "", env, quiet_stderr);
  } else {
    write_audit(audit, doc.error().status, scrub_secrets(doc.error().message), env, quiet_stderr);
    failure_document = failure_document_for(req.command, doc.error());
  }
  return doc;
}

}  // namespace fedcred
