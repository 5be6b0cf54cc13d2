// SPDX-License-Identifier: Apache-2.0
#include "commands/request.h"

#include "clock.h"
#include "commands/setup.h"
#include "commands/table.h"
#include "config/settings.h"
#include "fedcred_build_config.h"
#include "module_host/runner.h"
#include "output/audit.h"
#include "random_source.h"

namespace fedcred {

bool is_known_command(std::string_view command) { return find_command(command) != nullptr; }

Result<void> set_request_key(Request& req, std::string const& key, std::string const& value) {
  if (key == "profile") {
    req.inputs.profile = value;
  } else if (key == "config") {
    req.inputs.config_file = value;
  } else if (is_command_option(req.command, key)) {
    auto const* spec = find_command(req.command);
    auto option = spec->validate_option != nullptr ? spec->validate_option(key, value)
                                                   : validate_command_option(key, value);
    if (!option) return std::move(option).error();
    // serve's --listen is the one option given several times: they add up.
    auto& slot = req.options[key];
    slot = key == "listen" && !slot.empty() ? slot + "\n" + value : value;
  } else {
    auto valid = validate_setting(key, value);
    if (!valid) return std::move(valid).error();
    req.inputs.explicit_settings[key] = Setting{value, key};
  }
  return {};
}

std::optional<Secret> failure_document_for(std::string const& command, Error const& error) {
  auto const* spec = find_command(command);
  if (spec == nullptr || spec->failure_document == nullptr) return std::nullopt;
  return spec->failure_document(make_error(error.status, scrub_secrets(error.message)));
}

Result<Secret> run_request(Request const& req, Env const& env, Logger const& log,
                           std::optional<Secret>& failure_document) {
  failure_document.reset();
  auto const* spec = find_command(req.command);
  if (spec == nullptr) return make_error(Status::usage, "unknown command '" + req.command + "'");
  SystemClock clock;
  SystemRandom random;
  auto modules = make_dlopen_module_runner(env);
  AuditRecord audit;
  audit.command = req.command;
  CommandDeps deps{env, clock, random, *modules, log, FEDCRED_SYSCONFDIR, FEDCRED_DEFAULT_TIMEOUT_SECONDS, &audit};
  Secret report;
  auto doc = spec->run(CommandCall{req.inputs, req.options, deps, report});
  if (spec->hands_out_credentials) {
    if (doc) {
      write_audit(audit, Status::ok, "", env, spec->quiet_stderr);
    } else {
      write_audit(audit, doc.error().status, scrub_secrets(doc.error().message), env, spec->quiet_stderr);
    }
  }
  if (!doc) {
    if (!report.empty()) {
      failure_document = std::move(report);
    } else {
      failure_document = failure_document_for(req.command, doc.error());
    }
  }
  return doc;
}

}  // namespace fedcred
