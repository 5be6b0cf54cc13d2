// SPDX-License-Identifier: Apache-2.0
#include "commands/run.h"

#include "clock.h"
#include "commands/setup/options.h"
#include "config/settings.h"
#include "flows/instance_role.h"
#include "flows/recalled_account.h"
#include "fedcred_build_config.h"
#include "output/audit.h"
#include "random_source.h"

namespace fedcred {

std::int64_t handed_off_start_ms(Env const& env, std::int64_t now_ms, std::int64_t max_age_ms) {
  auto text = env.get(kRunStartedEnv);
  if (!text || text->empty() || text->size() > 18) return 0;
  std::int64_t value = 0;
  for (char c : *text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  if (value > now_ms || now_ms - value > max_age_ms) return 0;
  return value;
}

Result<void> set_row_key(FindRow find, Request& req, std::string const& key, std::string const& value) {
  auto const* row = find(req.command);
  if (row == nullptr) return make_error(Status::usage, "unknown command '" + req.command + "'");
  if (row->names_its_binary && key == kExeKey) {
    auto valid = check_command_word(key, value);
    if (!valid) return Error(std::move(valid).error()).prefix("the fedcred path");
    req.options[key] = value;
    return {};
  }
  FlagRow const* flag = find_flag_by_key(*row, key);
  if (flag == nullptr) {
    // libfedcred(3) takes "profile", "config" and every profile key on any
    // command; a command's own options only as its row's flags.
    if (key == "profile") {
      req.inputs.profile = value;
      return {};
    }
    if (key == "config") {
      req.inputs.config_file = value;
      return {};
    }
    auto valid = validate_setting(key, value);
    if (!valid) return std::move(valid).error();
    req.inputs.explicit_settings[key] = Setting{value, key};
    return {};
  }
  std::string const origin = flag_origin(*flag);
  if (flag->validate != nullptr) {
    auto valid = flag->validate(key, value);
    if (!valid) {
      if (flag->secret) return make_error(valid.error().status, origin + ": the value given is not valid (not shown)");
      return Error(std::move(valid).error()).prefix(origin);
    }
  }
  switch (flag->target) {
    case FlagTarget::profile:
      req.inputs.profile = value;
      break;
    case FlagTarget::config:
      req.inputs.config_file = value;
      break;
    case FlagTarget::setting:
      req.inputs.explicit_settings[key] = Setting{value, origin};
      break;
    case FlagTarget::option: {
      auto& slot = req.options[key];
      slot = flag->repeatable && !slot.empty() ? slot + "\n" + value : value;
      break;
    }
  }
  return {};
}

namespace {

std::optional<Secret> failure_document_of(CommandRow const& spec, Error const& error) {
  if (spec.failure_document == nullptr) return std::nullopt;
  return spec.failure_document(make_error(error.status, scrub_secrets(error.message)));
}

}  // namespace

std::optional<Secret> row_failure_document(FindRow find, std::string const& command, Error const& error) {
  auto const* spec = find(command);
  if (spec == nullptr) return std::nullopt;
  return failure_document_of(*spec, error);
}

Result<Secret> run_row(CommandRow const& spec, Request const& req, Env const& env, Logger const& log,
                       RunSeams const& seams, std::optional<Secret>& failure_document) {
  failure_document.reset();
  SystemClock clock;
  SystemRandom random;
  AuditRecord audit;
  audit.command = req.command;
  ImdsRoleLookup instance_role(clock, random, seams.resolver);
  GceMetadataAccountLookup asked_account(clock, seams.resolver);
  RecalledAccountLookup metadata_account(asked_account, env, clock, log, seams.may_recall_account);
  CredentialDeps const deps{
      {env, clock, log, FEDCRED_SYSCONFDIR, FEDCRED_DEFAULT_TIMEOUT_SECONDS, seams.started_ms},
      random,
      seams.modules,
      &audit,
      seams.hand_off,
      &instance_role,
      &metadata_account,
  };
  Secret report;
  auto doc = spec.run(CommandCall{req.inputs, req.options, deps, seams.lookup_group, report});
  if (spec.audited) {
    if (doc) {
      write_audit(audit, Status::ok, "", env, spec.quiet_stderr);
    } else {
      write_audit(audit, doc.error().status, scrub_secrets(doc.error().message), env, spec.quiet_stderr);
    }
  }
  if (!doc) {
    if (!report.empty()) {
      failure_document = std::move(report);
    } else {
      failure_document = failure_document_of(spec, doc.error());
    }
  }
  return doc;
}

}  // namespace fedcred
