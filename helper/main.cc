// SPDX-License-Identifier: Apache-2.0
// fedcred(1): a thin command line over libfedcred. It parses arguments, hands
// them to the library, and prints exactly one document on stdout or one error
// on stderr. The exit code is the library's status (fedcred.h).
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fedcred/fedcred.h"

namespace {

struct Flag {
  char const* name;  // without the leading "--"
  char const* key;   // the library key it sets
  bool takes_value;
  char const* help;
};

// The flags of `fedcred aws`, documented in fedcred(1).
constexpr Flag kAwsFlags[] = {
    {"profile", "profile", true, "profile from the configuration ([profile NAME])"},
    {"config", "config", true, "read only this configuration file"},
    {"role-arn", "role_arn", true, "IAM role to assume (required unless the profile sets role_arn)"},
    {"audience", "audience", true, "audience of the Google ID token (default sts.amazonaws.com)"},
    {"region", "region", true, "STS region (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1)"},
    {"session-name", "session_name", true, "role session name (default: the VM's instance name)"},
    {"duration", "duration", true, "session duration in seconds, 900..43200 (default 3600)"},
    {"source", "source", true, "subject-token source module (default gce)"},
    {"timeout", "timeout", true, "total deadline in seconds (default 15)"},
    {"use-fips-endpoint", "use_fips_endpoint", false, "use the sts-fips endpoint"},
    {"no-cache", "cache", false, "neither read nor write the credential cache"},
};

constexpr Flag kCacheClearFlags[] = {
    {"profile", "profile", true, "remove only this profile's entries"},
};

constexpr char kUsage[] =
    "usage: fedcred aws [options]                 print AWS credential_process JSON\n"
    "       fedcred cache list                    show cached entries (never a secret)\n"
    "       fedcred cache clear [--profile P]     remove cached entries\n"
    "       fedcred version | help | <command> --help\n";

bool write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void print_error(std::string const& message) { write_all(STDERR_FILENO, "fedcred: " + message + "\n"); }

int usage_error(std::string const& message) {
  print_error(message + " (see 'fedcred help')");
  return FEDCRED_E_USAGE;
}

void print_aws_help() {
  std::string text = "usage: fedcred aws [options]\n\n"
                     "Exchanges this VM's Google identity for AWS credentials (STS\n"
                     "AssumeRoleWithWebIdentity) and prints them as credential_process JSON.\n\n"
                     "options:\n";
  for (auto const& f : kAwsFlags) {
    std::string name = std::string("  --") + f.name + (f.takes_value ? " VALUE" : "");
    name.resize(std::max<std::size_t>(name.size() + 1, 28), ' ');
    text += name + f.help + "\n";
  }
  text += "  -v, --verbose             print each step on stderr\n";
  write_all(STDOUT_FILENO, text);
}

void print_cache_help() {
  write_all(STDOUT_FILENO,
            "usage: fedcred cache list\n"
            "       fedcred cache clear [--profile P]\n\n"
            "The cache directory is $FEDCRED_CACHE_DIR, else $XDG_RUNTIME_DIR/fedcred,\n"
            "else $XDG_CACHE_HOME/fedcred (~/.cache/fedcred). 'list' prints profile,\n"
            "role and expiry of each entry as JSON; 'clear' removes entries.\n");
}

struct Verbosity {
  int max_level;
};

void log_to_stderr(void* user, int level, char const* message) {
  auto const* v = static_cast<Verbosity const*>(user);
  if (level > v->max_level) return;
  static constexpr char const* kNames[] = {"error", "warning", "info", "debug"};
  char const* name = level >= 0 && level <= 3 ? kNames[level] : "log";
  write_all(STDERR_FILENO, std::string("fedcred: ") + name + ": " + message + "\n");
}

// RAII for the library's request handle.
class Request {
 public:
  explicit Request(fedcred_request* r) : r_(r) {}
  Request(Request const&) = delete;
  Request& operator=(Request const&) = delete;
  ~Request() { fedcred_request_free(r_); }
  fedcred_request* get() const { return r_; }

 private:
  fedcred_request* r_;
};

// Runs one library request: `flags` are the options this command accepts.
int run_request(char const* command, std::span<Flag const> flags, void (*print_help)(),
                std::vector<std::string_view> const& args) {
  fedcred_request* raw = nullptr;
  int rc = fedcred_request_new(command, &raw);
  if (rc != FEDCRED_OK) {
    print_error(std::string("cannot create a request: ") + fedcred_strerror(rc));
    return rc;
  }
  Request req(raw);
  Verbosity verbosity{1};
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      print_help();
      return FEDCRED_OK;
    }
    if (arg == "-v" || arg == "--verbose") {
      verbosity.max_level = 3;
      continue;
    }
    if (arg.substr(0, 2) != "--") return usage_error("unexpected argument '" + std::string(arg) + "'");
    std::string_view name = arg.substr(2);
    std::string value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string_view::npos) {
      value = std::string(name.substr(eq + 1));
      name = name.substr(0, eq);
      inline_value = true;
    }
    Flag const* flag = nullptr;
    for (auto const& f : flags) {
      if (name == f.name) flag = &f;
    }
    if (flag == nullptr) return usage_error("unknown option --" + std::string(name));
    if (!flag->takes_value) {
      if (inline_value) return usage_error("--" + std::string(name) + " takes no value");
      value = name == "no-cache" ? "false" : "true";
    } else if (!inline_value) {
      if (i + 1 >= args.size()) return usage_error("--" + std::string(name) + " needs a value");
      value = std::string(args[++i]);
    }
    rc = fedcred_request_set(req.get(), flag->key, value.c_str());
    if (rc != FEDCRED_OK) {
      print_error(fedcred_request_error(req.get()));
      return rc;
    }
  }
  fedcred_request_set_log(req.get(), log_to_stderr, &verbosity);
  char* document = nullptr;
  rc = fedcred_request_run(req.get(), &document);
  if (rc != FEDCRED_OK) {
    print_error(fedcred_request_error(req.get()));
    return rc;
  }
  std::string out = std::string(document) + "\n";
  fedcred_string_free(document);
  bool written = write_all(STDOUT_FILENO, out);
  explicit_bzero(out.data(), out.size());
  if (!written) {
    print_error(std::string("cannot write to stdout: ") + strerror(errno));
    return FEDCRED_E_IO;
  }
  return FEDCRED_OK;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  if (args.empty()) {
    write_all(STDERR_FILENO, kUsage);
    return FEDCRED_E_USAGE;
  }
  std::string_view command = args.front();
  args.erase(args.begin());
  if (command == "aws") return run_request("aws", kAwsFlags, print_aws_help, args);
  if (command == "cache") {
    std::string_view sub = args.empty() ? std::string_view() : args.front();
    if (!args.empty()) args.erase(args.begin());
    if (sub == "list") return run_request("cache-list", {}, print_cache_help, args);
    if (sub == "clear") return run_request("cache-clear", kCacheClearFlags, print_cache_help, args);
    if (sub == "--help" || sub == "-h") {
      print_cache_help();
      return FEDCRED_OK;
    }
    return usage_error("'fedcred cache' needs 'list' or 'clear'");
  }
  if (command == "version" || command == "--version") {
    write_all(STDOUT_FILENO, std::string("fedcred ") + fedcred_version() + "\n");
    return FEDCRED_OK;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    write_all(STDOUT_FILENO, kUsage);
    return FEDCRED_OK;
  }
  return usage_error("unknown command '" + std::string(command) + "'");
}
