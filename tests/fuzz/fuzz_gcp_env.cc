// SPDX-License-Identifier: Apache-2.0
// Fuzz target: `fedcred gcp` as Google's libraries drive it: the
// GOOGLE_EXTERNAL_ACCOUNT_* variables (audience, token type, interactive,
// output file), the provider audience check (gcp_provider_audience), the
// endpoint variables, command-line settings, and what the source module
// returns, all through run_gcp_command with a MapEnv and a fake ModuleRunner.
//
// Input: lines. "NAME=VALUE" sets an environment variable (GOOGLE_*, AWS_*,
// GCE_* only); "@KEY=VALUE" a command-line setting (validated as the library
// does, invalid ones dropped); "!KEY=VALUE" a value the source module returns
// ("!fail=N" makes it fail with status N). The first line is also passed
// through gcp_provider_audience on its own.
//
// Invariants: no crash/UB/leak; a success is a JSON document carrying the
// module's token; an error's message and rendered JSON never contain the
// token the module returned; nothing outside a private temp directory is
// touched (no config files, no cache, output file redirected).
#include "fuzz_target.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "cache/freshness.h"
#include "clock.h"
#include "commands/credential_deps.h"
#include "base/env.h"
#include "commands/gcp.h"
#include "logger.h"
#include "module_host/runner.h"
#include "config/settings.h"
#include "fakes/module_runner.h"
#include "fakes/random.h"
#include "commands/subject.h"

namespace {

class FixedClock final : public fedcred::Clock {
 public:
  std::int64_t unix_seconds() const override { return 1767225600; }
  std::int64_t monotonic_ms() const override { return mono_; }
  void sleep_ms(std::int64_t ms) override { mono_ += ms; }

 private:
  std::int64_t mono_ = 5'000'000;
};

void remove_scratch_dir();

std::string const& scratch_dir() {
  // Never destroyed, so the atexit handler can still use it.
  static std::string const* const dir = [] {
    char const* base = getenv("TMPDIR");
    auto* path = new std::string(std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                                 "/fedcred-fuzz-XXXXXX");
    if (mkdtemp(path->data()) == nullptr) std::abort();
    std::atexit(remove_scratch_dir);
    return path;
  }();
  return *dir;
}

// Only output.json is ever created in it.
void remove_scratch_dir() {
  std::string const& dir = scratch_dir();
  unlink((dir + "/output.json").c_str());
  rmdir(dir.c_str());
}

bool allowed_env(std::string_view name) {
  return name.rfind("GOOGLE_", 0) == 0 || name.rfind("AWS_", 0) == 0 || name.rfind("GCE_", 0) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view input(reinterpret_cast<char const*>(data), size);
  std::string_view const first_line = input.substr(0, input.find('\n'));
  auto provider = fedcred::gcp_provider_audience(first_line);
  if (provider) {
    if (provider->rfind("https://iam.googleapis.com/projects/", 0) != 0) std::abort();
    // The canonical form is a fixed point.
    auto again = fedcred::gcp_provider_audience(*provider);
    if (!again || *again != *provider) std::abort();
  } else if (provider.error().status != fedcred::Status::usage) {
    std::abort();
  }

  std::map<std::string, std::string> vars;
  fedcred::CommandInputs in;
  fedcred::test::FakeModuleRunner runner;
  fedcred::Values results;
  std::optional<fedcred::Error> failure;
  while (!input.empty()) {
    auto nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
    auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    std::string key(line.substr(0, eq));
    std::string value(line.substr(eq + 1));
    if (key[0] == '@') {
      key.erase(0, 1);
      if (key == "cache" || key == "config") continue;
      if (fedcred::validate_setting(key, value)) in.explicit_settings[key] = fedcred::Setting{value, "--" + key};
    } else if (key[0] == '!') {
      key.erase(0, 1);
      if (key == "fail") {
        int s = std::atoi(value.c_str());
        failure = fedcred::make_error(static_cast<fedcred::Status>(s >= 1 && s <= 7 ? s : 1), "scripted failure");
      } else {
        results[key] = fedcred::Secret(value);
      }
    } else if (allowed_env(key)) {
      vars[key] = value;
    }
  }
  // Only this process's scratch directory is ever written, and no config
  // file or cache is read: the target must be deterministic.
  if (vars.count("GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE") != 0) {
    vars["GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE"] = scratch_dir() + "/output.json";
  }
  vars["XDG_CONFIG_HOME"] = scratch_dir() + "/no-config";
  vars["HOME"] = scratch_dir() + "/no-home";
  in.explicit_settings["cache"] = fedcred::Setting{"false", "--no-cache"};

  fedcred::MapEnv env(vars);
  FixedClock clock;
  fedcred::test::FixedRandom random;
  std::string log_text;
  fedcred::Logger log([&log_text](int, std::string const& m) { log_text += m + "\n"; });
  fedcred::CredentialDeps deps{{env, clock, log, scratch_dir() + "/no-sysconf", 15}, random, runner};

  std::string token;
  if (auto it = results.find("subject_token"); it != results.end()) token = it->second.reveal();
  runner.answer_any(std::move(results), std::move(failure));

  auto out = fedcred::run_gcp_command(in, deps);
  if (out) {
    if (out->reveal().rfind("{", 0) != 0 || token.empty()) std::abort();
    return 0;
  }
  fedcred::Secret rendered = fedcred::render_gcp_error(out.error());
  // Checked for tokens with the canary "MARKER" (fixed wording never says
  // it) that no non-secret input (an environment or flag value, which
  // messages may quote) contains.
  bool public_elsewhere = false;
  for (auto const& [k, v] : vars) public_elsewhere = public_elsewhere || v.find(token) != std::string::npos;
  for (auto const& [k, v] : in.explicit_settings) {
    public_elsewhere = public_elsewhere || v.value.find(token) != std::string::npos;
  }
  if (token.find("MARKER") != std::string::npos && !public_elsewhere) {
    if (out.error().message.find(token) != std::string::npos) std::abort();
    if (rendered.reveal().find(token) != std::string::npos) std::abort();
    if (log_text.find(token) != std::string::npos) std::abort();
  }
  return 0;
}
