// SPDX-License-Identifier: Apache-2.0
// The C ABI: argument checks, a try/catch around every call into the core,
// and nothing else. Nothing may throw across extern "C".
#include <stdlib.h>
#include <string.h>

#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "audit.h"
#include "aws_command.h"
#include "cache_command.h"
#include "cache_freshness.h"
#include "doctor.h"
#include "setup.h"
#include "gcp_command.h"
#include "token_command.h"
#include "clock.h"
#include "env.h"
#include "fedcred/fedcred.h"
#include "fedcred_build_config.h"
#include "module_runner.h"
#include "settings.h"

struct fedcred_request {
  std::string command;
  fedcred::CommandInputs inputs;
  std::string output_file;  // "token" only
  fedcred::CommandOptions options;  // doctor and setup-* only (setup.h)
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

fedcred::Result<fedcred::Secret> run_command(fedcred_request const& req, fedcred::Env const& env,
                                            fedcred::Logger const& log) {
  if (req.command == "cache-list") return fedcred::run_cache_list(env);
  if (req.command == "cache-clear") {
    return fedcred::run_cache_clear(env, req.inputs.profile.empty() ? std::nullopt
                                                                    : std::optional<std::string>(req.inputs.profile));
  }
  fedcred::SystemClock clock;
  fedcred::SystemRandom random;
  auto modules = fedcred::make_dlopen_module_runner(fedcred::module_directory(env));
  fedcred::AuditRecord audit;
  audit.command = req.command;
  fedcred::CommandDeps deps{env, clock, random, *modules, log, FEDCRED_SYSCONFDIR, FEDCRED_DEFAULT_TIMEOUT_SECONDS,
                            &audit};
  auto doc = req.command == "gcp"     ? fedcred::run_gcp_command(req.inputs, deps)
             : req.command == "token" ? fedcred::run_token_command(req.inputs, req.output_file, deps)
                                      : fedcred::run_aws_command(req.inputs, deps);
  // Every credential handed out and every failure leaves a trace.
  if (doc) {
    fedcred::write_audit(audit, fedcred::Status::ok, "", env, req.command == "gcp");
  } else {
    fedcred::write_audit(audit, doc.error().status, fedcred::scrub_secrets(doc.error().message), env,
                         req.command == "gcp");
  }
  return doc;
}

// doctor and setup-*: operator commands (doctor.h, setup.h). No audit record:
// they print reports and configuration, not credentials. doctor's report is
// its document whether or not a check failed.
bool is_operator_command(std::string_view c) {
  return c == "doctor" || c == "setup-aws-trust-policy" || c == "setup-aws-config" || c == "setup-gcp-cred-config";
}

fedcred::Result<fedcred::Secret> run_operator_command(fedcred_request const& req, fedcred::Env const& env,
                                                     fedcred::Logger const& log, fedcred::Secret& report) {
  fedcred::SystemClock clock;
  fedcred::SystemRandom random;
  auto modules = fedcred::make_dlopen_module_runner(fedcred::module_directory(env));
  fedcred::CommandDeps deps{env, clock, random, *modules, log, FEDCRED_SYSCONFDIR, FEDCRED_DEFAULT_TIMEOUT_SECONDS};
  if (req.command == "doctor") return fedcred::run_doctor_command(req.inputs, req.options, deps, report);
  if (req.command == "setup-aws-trust-policy") return fedcred::run_setup_aws_trust_policy(req.inputs, deps);
  if (req.command == "setup-aws-config") return fedcred::run_setup_aws_config(req.inputs, req.options, deps);
  return fedcred::run_setup_gcp_cred_config(req.inputs, req.options, deps);
}

char* copy_out(std::string const& s) {
  char* out = static_cast<char*>(malloc(s.size() + 1));
  if (out != nullptr) memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

// Google's libraries read a gcp failure from stdout as a response document;
// the other commands report failures on stderr only.
char* failure_document(std::string const& command, fedcred::Error const& e) {
  if (command != "gcp") return nullptr;
  return copy_out(fedcred::render_gcp_error(fedcred::make_error(e.status, fedcred::scrub_secrets(e.message))).reveal());
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int fedcred_request_new(char const* command, fedcred_request** out) {
  if (out == nullptr) return FEDCRED_E_USAGE;
  *out = nullptr;
  if (command == nullptr) return FEDCRED_E_USAGE;
  std::string_view c(command);
  if (c != "aws" && c != "gcp" && c != "token" && c != "cache-list" && c != "cache-clear" && !is_operator_command(c)) {
    return FEDCRED_E_USAGE;
  }
  return guarded(nullptr, [&] {
    auto* req = new fedcred_request;
    req->command = command;
    *out = req;
    return FEDCRED_OK;
  });
}

__attribute__((visibility("default"))) int fedcred_request_set(fedcred_request* req, char const* key,
                                                               char const* value) {
  if (req == nullptr || key == nullptr || value == nullptr) return FEDCRED_E_USAGE;
  return guarded(req, [&] {
    std::string k(key);
    if (k == "profile") {
      req->inputs.profile = value;
      return FEDCRED_OK;
    }
    if (k == "config") {
      req->inputs.config_file = value;
      return FEDCRED_OK;
    }
    if (k == "output" && req->command == "token") {
      req->output_file = value;
      return FEDCRED_OK;
    }
    if (fedcred::is_command_option(req->command, k)) {
      auto option = fedcred::validate_command_option(k, value);
      if (!option) return fail(req, option.error());
      req->options[k] = value;
      return FEDCRED_OK;
    }
    auto valid = fedcred::validate_setting(k, value);
    if (!valid) return fail(req, valid.error());
    req->inputs.explicit_settings[k] = fedcred::Setting{value, k};
    return FEDCRED_OK;
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
  return guarded(req, [&] {
    req->error.clear();
    fedcred::Logger log;
    if (req->log_fn != nullptr) {
      log = fedcred::Logger([req](int level, std::string const& m) { req->log_fn(req->log_user, level, m.c_str()); });
    }
    fedcred::ProcessEnv env;
    fedcred::Secret report;
    auto doc = is_operator_command(req->command) ? run_operator_command(*req, env, log, report)
                                                 : run_command(*req, env, log);
    if (!doc) {
      *document = report.empty() ? failure_document(req->command, doc.error()) : copy_out(report.reveal());
      return fail(req, doc.error());
    }
    *document = copy_out(doc->reveal());
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
    *document = failure_document(command, fedcred::make_error(static_cast<fedcred::Status>(status), message));
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
