// SPDX-License-Identifier: Apache-2.0
// fedcred(1): a thin command line over libfedcred. It parses arguments, hands
// them to the library, and prints exactly one document on stdout or one error
// on stderr. The exit code is the library's status (fedcred.h).
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fedcred/fedcred.h"
#include "fedcred_build_config.h"
#include "fedcred/module.h"

namespace {

struct Flag {
  char const* name;  // without the leading "--"
  char const* key;   // the library key it sets
  bool takes_value;
  char const* help;
};

// Every flag is named after the fedcred.conf(5) key it overrides.
constexpr Flag kProfile{"profile", "profile", true, "profile from the configuration ([profile NAME])"};
constexpr Flag kConfig{"config", "config", true, "read only this configuration file"};
constexpr Flag kSource{"source", "source", true, "subject-token source: gce, aws or file"};
constexpr Flag kRegion{"region", "region", true, "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, ...)"};
constexpr Flag kTokenFile{"token-file", "token_file", true, "token file for source 'file' (re-read every call)"};
constexpr Flag kTokenDuration{"token-duration", "token_duration", true,
                              "lifetime of a token from source 'aws', 60..3600 s (default 3600)"};
constexpr Flag kTimeout{"timeout", "timeout", true, "total deadline in seconds (default 15)"};
constexpr Flag kNoCache{"no-cache", "cache", false, "neither read nor write the credential cache"};

constexpr Flag kAwsFlags[] = {
    kProfile,
    kConfig,
    {"role-arn", "role_arn", true, "IAM role to assume (required unless the profile sets role_arn)"},
    {"audience", "audience", true, "audience of the subject token (default sts.amazonaws.com)"},
    kRegion,
    {"session-name", "session_name", true, "role session name (default: the VM's instance name)"},
    {"duration", "duration", true, "session duration in seconds, 900..43200 (default 3600)"},
    kSource,
    kTokenFile,
    kTimeout,
    {"use-fips-endpoint", "use_fips_endpoint", false, "use the sts-fips endpoint"},
    kNoCache,
};

constexpr Flag kGcpFlags[] = {
    kProfile,
    kConfig,
    {"audience", "audience", true,
     "workload identity provider (default: GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE)"},
    kSource,
    kRegion,
    kTokenFile,
    kTokenDuration,
    kTimeout,
    kNoCache,
};

constexpr Flag kTokenFlags[] = {
    kProfile,
    kConfig,
    {"audience", "audience", true, "audience of the token (default sts.amazonaws.com for source gce)"},
    kSource,
    kRegion,
    kTokenFile,
    kTokenDuration,
    kTimeout,
    kNoCache,
    {"output", "output", true, "write the token to this file atomically (mode 0600) instead of stdout"},
    {"output-group", "output_group", true, "with --output: the file is this group's, mode 0640"},
};

constexpr Flag kAccessTokenFlags[] = {
    {"credential-config", "credential_config", true,
     "the external_account credential config (gcloud iam workload-identity-pools create-cred-config)"},
    kProfile,
    kConfig,
    {"scopes", "scopes", true, "OAuth scopes, comma-separated (default https://www.googleapis.com/auth/cloud-platform)"},
    {"format", "format", true, "token (the bare access token, default) or json"},
    {"output", "output", true, "write to this file atomically (mode 0600) instead of stdout"},
    kRegion,
    kTimeout,
    kNoCache,
};

constexpr Flag kCacheClearFlags[] = {
    {"profile", "profile", true, "remove only this profile's entries"},
};

constexpr Flag kDoctorFlags[] = {
    kProfile,
    kConfig,
    {"json", "json", false, "print the report as one JSON document"},
    {"gcp", "gcp", false, "check the AWS -> GCP chain (fedcred gcp) even without a provider audience"},
    {"role-arn", "role_arn", true, "IAM role to assume (GCP -> AWS)"},
    {"audience", "audience", true, "audience of the subject token (a workload identity provider means AWS -> GCP)"},
    kSource,
    kRegion,
    kTokenFile,
    kTimeout,
};

constexpr Flag kSetupTrustPolicyFlags[] = {
    kProfile,
    kConfig,
    {"audience", "audience", true, "audience of the token (default sts.amazonaws.com)"},
    kSource,
    kTokenFile,
    {"role-arn", "role_arn", true, "the role (names the account of a non-Google issuer's OIDC provider)"},
    kTimeout,
};

constexpr Flag kSetupAwsConfigFlags[] = {
    {"profile", "profile", true, "profile name, in ~/.aws/config and fedcred.conf (required)"},
    {"role-arn", "role_arn", true, "also print the fedcred.conf section naming this role"},
    kConfig,
};

constexpr Flag kSetupGcpCredConfigFlags[] = {
    {"audience", "audience", true, "workload identity provider: //iam.googleapis.com/projects/N/locations/global/"
                                   "workloadIdentityPools/POOL/providers/PROVIDER (required)"},
    {"provider", "provider", true,
     "executable (fedcred gcp, default) or aws (the aws1 source for an AWS provider, read by access-token)"},
    {"service-account", "service_account", true, "impersonate this service account (EMAIL)"},
    {"output-file", "output_file", true, "credential_source.executable.output_file (absolute path)"},
    {"token-url", "token_url", true, "token_url (default https://sts.googleapis.com/v1/token)"},
    {"impersonation-url", "impersonation_url", true, "service_account_impersonation_url (default from EMAIL)"},
    {"profile", "profile", true, "the command runs 'fedcred gcp --profile NAME'"},
};

constexpr Flag kServeFlags[] = {
    {"listen", "listen", true, "loopback ADDR:PORT to listen on, repeatable (default 127.0.0.1:8960 and [::1]:8960)"},
    {"aws-profile", "aws_profile", true, "serve this profile's AWS credentials at /aws/credentials"},
    {"gcp-profile", "gcp_profile", true, "serve this profile's Google token as a GCE metadata server"},
    {"token-file", "token_file", true, "the AWS route's Authorization token (created if missing)"},
    {"token-group", "token_group", true, "group of a token file created at start (mode 0640)"},
    kConfig,
    {"stats", "stats", false, "print the counters of the server running on --listen and exit"},
    {"health", "health", false,
     "print GET /healthz of the server running on --listen; exit 0 only if it serves valid credentials (a probe)"},
};

struct Command {
  char const* name;     // as typed: "aws", "cache list"
  char const* request;  // the library command
  std::span<Flag const> flags;
  char const* summary;
  // Google's libraries merge the executable's stderr into the JSON they parse
  // (docs/PROTOCOLS.md fact 4): in that mode only stdout may be written, and a
  // failure is reported there as a response document.
  bool quiet_stderr;
};

constexpr Command kCommands[] = {
    {"aws", "aws", kAwsFlags, "print AWS credential_process JSON (GCP -> AWS)", false},
    {"gcp", "gcp", kGcpFlags, "print a Google executable-sourced credential response (AWS -> GCP)", true},
    {"token", "token", kTokenFlags, "print the raw subject token (a JWT)", false},
    {"access-token", "access-token", kAccessTokenFlags,
     "print a Google OAuth 2.0 access token (the whole AWS -> GCP exchange)", false},
    {"cache list", "cache-list", {}, "show cached entries: profile, role, expiry (never a secret)", false},
    {"cache clear", "cache-clear", kCacheClearFlags, "remove cached entries", false},
    {"doctor", "doctor", kDoctorFlags, "check the whole chain of a profile and say what to fix", false},
    {"setup aws-trust-policy", "setup-aws-trust-policy", kSetupTrustPolicyFlags,
     "print the IAM trust policy for this machine's identity (live claims)", false},
    {"setup aws-config", "setup-aws-config", kSetupAwsConfigFlags,
     "print the ~/.aws/config section that runs fedcred", false},
    {"setup gcp-cred-config", "setup-gcp-cred-config", kSetupGcpCredConfigFlags,
     "print the external_account credential config that runs fedcred", false},
    {"serve", "serve", kServeFlags, "serve credentials on loopback to SDKs (AWS container endpoint)", false},
};

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

void print_usage(int fd) {
  std::string text = "usage:\n";
  for (auto const& c : kCommands) {
    std::string line = std::string("  fedcred ") + c.name + (c.flags.empty() ? "" : " [options]");
    line.resize(std::max<std::size_t>(line.size() + 2, 34), ' ');
    text += line + c.summary + "\n";
  }
  text +=
      "  fedcred version | help | <command> --help\n\n"
      "exit status: 0 ok, 1 internal error, 2 usage or configuration error,\n"
      "3 subject-token source unavailable, 4 exchange denied, 5 transient failure\n"
      "after retries, 6 unusable response, 7 local file error (see fedcred(1))\n";
  write_all(fd, text);
}

int usage_error(std::string const& message) {
  print_error(message + " (see 'fedcred help')");
  return FEDCRED_E_USAGE;
}

void print_command_help(Command const& c) {
  std::string text = std::string("usage: fedcred ") + c.name + (c.flags.empty() ? "" : " [options]") + "\n\n" +
                     c.summary + "\n";
  if (!c.flags.empty()) text += "\noptions:\n";
  for (auto const& f : c.flags) {
    std::string name = std::string("  --") + f.name + (f.takes_value ? " VALUE" : "");
    name.resize(std::max<std::size_t>(name.size() + 1, 28), ' ');
    text += name + f.help + "\n";
  }
  text += "  -v, --verbose             print each step on stderr\n";
  write_all(STDOUT_FILENO, text);
}

struct Verbosity {
  int max_level;
  // Lines kept until the run ends (CliOptions::hold_log_lines), else nullptr.
  std::string* held;
};

void log_to_stderr(void* user, int level, char const* message) {
  auto const* v = static_cast<Verbosity const*>(user);
  if (level > v->max_level) return;
  static constexpr char const* kNames[] = {"error", "warning", "info", "debug"};
  char const* name = level >= 0 && level <= 3 ? kNames[level] : "log";
  std::string line = std::string("fedcred: ") + name + ": " + message + "\n";
  if (v->held != nullptr) {
    *v->held += line;
  } else {
    write_all(STDERR_FILENO, line);
  }
}

// setup writes command lines that run fedcred. Run by the static front's
// fetcher (helper/front/), they must name the front, the binary users run.
std::string command_line_binary(std::string self) {
  if (self == FEDCRED_FETCHER_PATH) return FEDCRED_FRONT_PATH;
  if (self == FEDCRED_BUILD_HELPER_DIR "/fedcred-fetch") return FEDCRED_BUILD_HELPER_DIR "/fedcred";
  return self;
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

// Writes a library document (a secret) and a newline straight from the
// library's buffer, which fedcred_string_free wipes: no copy of it is made
// (issue 12, item 8).
bool print_document(char* document) {
  bool written = write_all(STDOUT_FILENO, document) && write_all(STDOUT_FILENO, "\n");
  fedcred_string_free(document);
  return written;
}

// A failure found before the request runs (a bad command line). In gcp mode
// it is reported like every other failure: as a response document on stdout.
int fail_before_run(Command const& command, int status, std::string const& message) {
  if (!command.quiet_stderr) {
    print_error(message);
    return status;
  }
  char* document = nullptr;
  if (fedcred_failure_document(command.request, status, message.c_str(), &document) == FEDCRED_OK &&
      document != nullptr) {
    print_document(document);
  }
  return status;
}

int run_command(Command const& command, std::vector<std::string_view> const& args, CliOptions const& options) {
  fedcred_request* raw = nullptr;
  int rc = fedcred_request_new(command.request, &raw);
  if (rc != FEDCRED_OK) return fail_before_run(command, rc, std::string("cannot create a request: ") + fedcred_strerror(rc));
  Request req(raw);
  // By default only warnings reach stderr; -v asks for every step. In gcp
  // mode nothing does, -v included: a -v left in a credential config's
  // command would corrupt every response (`fedcred doctor --gcp -v` is the
  // way to watch that chain).
  // serve is a daemon: its stderr is its log (the journal), so it says what it serves.
  std::string held_lines;
  Verbosity verbosity{command.quiet_stderr                                ? -1
                      : std::string_view(command.request) == "serve" ? FEDCRED_LOG_INFO
                                                                      : FEDCRED_LOG_WARNING,
                      options.hold_log_lines ? &held_lines : nullptr};
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      print_command_help(command);
      return FEDCRED_OK;
    }
    if (arg == "-v" || arg == "--verbose") {
      if (!command.quiet_stderr) verbosity.max_level = FEDCRED_LOG_DEBUG;
      continue;
    }
    auto usage = [&](std::string const& m) { return fail_before_run(command, FEDCRED_E_USAGE, m + " (see 'fedcred help')"); };
    if (arg.substr(0, 2) != "--") return usage("unexpected argument '" + std::string(arg) + "'");
    std::string_view name = arg.substr(2);
    std::string value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string_view::npos) {
      value = std::string(name.substr(eq + 1));
      name = name.substr(0, eq);
      inline_value = true;
    }
    auto flag = std::find_if(command.flags.begin(), command.flags.end(), [&](Flag const& f) { return name == f.name; });
    if (flag == command.flags.end()) {
      return usage("unknown option --" + std::string(name) + " for 'fedcred " + command.name + "'");
    }
    if (!flag->takes_value) {
      if (inline_value) return usage("--" + std::string(name) + " takes no value");
      value = name == "no-cache" ? "false" : "true";
    } else if (!inline_value) {
      if (i + 1 >= args.size()) return usage("--" + std::string(name) + " needs a value");
      value = std::string(args[++i]);
    }
    rc = fedcred_request_set(req.get(), flag->key, value.c_str());
    if (rc != FEDCRED_OK) return fail_before_run(command, rc, fedcred_request_error(req.get()));
  }
  // setup writes command lines that run this very binary: tell the library where it is.
  if (std::string_view(command.request).substr(0, 6) == "setup-") {
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
      self[n] = '\0';
      rc = fedcred_request_set(req.get(), "exe", command_line_binary(self).c_str());
      if (rc != FEDCRED_OK && rc != FEDCRED_E_USAGE) return fail_before_run(command, rc, fedcred_request_error(req.get()));
    }
  }
  fedcred_request_set_log(req.get(), log_to_stderr, &verbosity);
  char* document = nullptr;
  rc = fedcred_request_run(req.get(), &document);
  write_all(STDERR_FILENO, held_lines);
  if (rc != FEDCRED_OK && !command.quiet_stderr) print_error(fedcred_request_error(req.get()));
  // An empty document (token --output) prints nothing at all.
  if (document != nullptr && *document == '\0') {
    fedcred_string_free(document);
    document = nullptr;
  }
  if (document != nullptr && !print_document(document) && rc == FEDCRED_OK) {
    if (!command.quiet_stderr) print_error(std::string("cannot write to stdout: ") + strerror(errno));
    return FEDCRED_E_IO;
  }
  return rc;
}

}  // namespace

int cli_main(int argc, char** argv, CliOptions const& options) {
  std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  if (args.empty()) {
    print_usage(STDERR_FILENO);
    return FEDCRED_E_USAGE;
  }
  std::string name(args.front());
  args.erase(args.begin());
  if (name == "version" || name == "--version") {
    write_all(STDOUT_FILENO, std::string("fedcred ") + fedcred_version() + "\n");
    return FEDCRED_OK;
  }
  if (name == "help" || name == "--help" || name == "-h") {
    print_usage(STDOUT_FILENO);
    return FEDCRED_OK;
  }
  // Two-word commands ("cache list") take their second word here.
  if (name == "setup") {
    if (args.empty() || args.front().substr(0, 1) == "-") {
      return usage_error("'fedcred setup' needs 'aws-trust-policy', 'aws-config' or 'gcp-cred-config'");
    }
    name += " " + std::string(args.front());
    args.erase(args.begin());
  }
  if (name == "cache") {
    if (args.empty() || args.front().substr(0, 1) == "-") {
      return usage_error("'fedcred cache' needs 'list' or 'clear'");
    }
    name += " " + std::string(args.front());
    args.erase(args.begin());
  }
  for (auto const& command : kCommands) {
    if (name == command.name) return run_command(command, args, options);
  }
  return usage_error("unknown command '" + name + "'");
}
