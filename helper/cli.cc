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

#include "commands/registry.h"
#include "files/write_all.h"
#include "fedcred/fedcred.h"
#include "fedcred_build_config.h"
#include "fedcred/module.h"

namespace {

using fedcred::CommandRow;
using fedcred::FlagArity;
using fedcred::FlagRow;
using fedcred::write_all;

void print_error(std::string const& message) { write_all(STDERR_FILENO, "fedcred: " + message + "\n"); }

void print_usage(int fd, CliRows rows) {
  std::string text = "usage:\n";
  for (auto const* c : rows) {
    std::string line = "  fedcred " + std::string(c->words) + (c->flags.empty() ? "" : " [options]");
    line.resize(std::max<std::size_t>(line.size() + 2, 34), ' ');
    text += line + std::string(c->summary) + "\n";
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

void print_command_help(CommandRow const& c) {
  std::string text = "usage: fedcred " + std::string(c.words) + (c.flags.empty() ? "" : " [options]") + "\n\n" +
                     std::string(c.summary) + "\n";
  if (!c.flags.empty()) text += "\noptions:\n";
  for (auto const& f : c.flags) {
    std::string name = "  --" + std::string(f.spelling) + (f.arity == FlagArity::value ? " VALUE" : "");
    name.resize(std::max<std::size_t>(name.size() + 1, 28), ' ');
    text += name + std::string(f.help) + "\n";
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
int fail_before_run(CommandRow const& command, int status, std::string const& message) {
  if (!command.quiet_stderr) {
    print_error(message);
    return status;
  }
  char* document = nullptr;
  if (fedcred_failure_document(std::string(command.name).c_str(), status, message.c_str(), &document) ==
          FEDCRED_OK &&
      document != nullptr) {
    print_document(document);
  }
  return status;
}

int run_command(CommandLine const& line, CliOptions const& options) {
  CommandRow const& command = *line.row;
  std::string const request_name(command.name);
  if (!line.error.empty()) return fail_before_run(command, FEDCRED_E_USAGE, line.error + " (see 'fedcred help')");
  fedcred_request* raw = nullptr;
  int rc = fedcred_request_new(request_name.c_str(), &raw);
  if (rc != FEDCRED_OK) return fail_before_run(command, rc, std::string("cannot create a request: ") + fedcred_strerror(rc));
  Request req(raw);
  // In the order given, up to --help: a bad value before it is still an error.
  for (auto const& [key, value] : line.keys) {
    rc = fedcred_request_set(req.get(), key.c_str(), value.c_str());
    if (rc != FEDCRED_OK) return fail_before_run(command, rc, fedcred_request_error(req.get()));
  }
  if (line.help) {
    print_command_help(command);
    return FEDCRED_OK;
  }
  // By default only warnings reach stderr; -v asks for every step. In gcp
  // mode nothing does, -v included: a -v left in a credential config's
  // command would corrupt every response (`fedcred doctor --gcp -v` is the
  // way to watch that chain). A daemon's stderr is its log (the journal), so
  // it says what it serves.
  std::string held_lines;
  Verbosity verbosity{command.quiet_stderr          ? -1
                      : line.verbose                ? FEDCRED_LOG_DEBUG
                      : command.logs_what_it_serves ? FEDCRED_LOG_INFO
                                                    : FEDCRED_LOG_WARNING,
                      options.hold_log_lines ? &held_lines : nullptr};
  // setup writes command lines that run this very binary: tell the library where it is.
  if (command.names_its_binary) {
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
      self[n] = '\0';
      rc = fedcred_request_set(req.get(), fedcred::kExeKey, command_line_binary(self).c_str());
      if (rc != FEDCRED_OK) return fail_before_run(command, rc, fedcred_request_error(req.get()));
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

// "'a', 'b' or 'c'"
std::string one_of(std::vector<std::string_view> const& words) {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) text += i + 1 == words.size() ? " or " : ", ";
    text += "'" + std::string(words[i]) + "'";
  }
  return text;
}

}  // namespace

CommandLine parse_command_line(CliRows rows, std::vector<std::string_view> args) {
  CommandLine line;
  if (args.empty()) return line;
  std::string name(args.front());
  args.erase(args.begin());
  // A two-word command ("cache list") takes its second word here.
  std::vector<std::string_view> second_words;
  for (auto const* row : rows) {
    if (row->words.substr(0, row->words.find(' ')) == name && row->words.find(' ') != std::string_view::npos) {
      second_words.push_back(row->words.substr(row->words.find(' ') + 1));
    }
  }
  if (!second_words.empty()) {
    if (args.empty() || args.front().substr(0, 1) == "-") {
      line.error = "'fedcred " + name + "' needs " + one_of(second_words);
      return line;
    }
    name += " " + std::string(args.front());
    args.erase(args.begin());
  }
  for (auto const* row : rows) {
    if (row->words == name) line.row = row;
  }
  if (line.row == nullptr) {
    line.error = "unknown command '" + name + "'";
    return line;
  }
  CommandRow const& command = *line.row;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      line.help = true;
      return line;
    }
    if (arg == "-v" || arg == "--verbose") {
      line.verbose = true;
      continue;
    }
    if (arg.substr(0, 2) != "--") {
      line.error = "unexpected argument '" + std::string(arg) + "'";
      return line;
    }
    std::string_view flag_name = arg.substr(2);
    std::string value;
    bool inline_value = false;
    if (auto eq = flag_name.find('='); eq != std::string_view::npos) {
      value = std::string(flag_name.substr(eq + 1));
      flag_name = flag_name.substr(0, eq);
      inline_value = true;
    }
    auto flag = std::find_if(command.flags.begin(), command.flags.end(),
                             [&](FlagRow const& f) { return flag_name == f.spelling; });
    if (flag == command.flags.end()) {
      line.error = "unknown option --" + std::string(flag_name) + " for 'fedcred " + std::string(command.words) + "'";
      return line;
    }
    if (flag->arity != FlagArity::value) {
      if (inline_value) {
        line.error = "--" + std::string(flag_name) + " takes no value";
        return line;
      }
      value = flag->arity == FlagArity::switch_off ? "false" : "true";
    } else if (!inline_value) {
      if (i + 1 >= args.size()) {
        line.error = "--" + std::string(flag_name) + " needs a value";
        return line;
      }
      value = std::string(args[++i]);
    }
    line.keys.emplace_back(std::string(flag->key), std::move(value));
  }
  return line;
}

int cli_main(int argc, char** argv, CliOptions const& options) {
  std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  if (args.empty()) {
    print_usage(STDERR_FILENO, options.rows);
    return FEDCRED_E_USAGE;
  }
  if (args.front() == "version" || args.front() == "--version") {
    write_all(STDOUT_FILENO, std::string("fedcred ") + fedcred_version() + "\n");
    return FEDCRED_OK;
  }
  if (args.front() == "help" || args.front() == "--help" || args.front() == "-h") {
    print_usage(STDOUT_FILENO, options.rows);
    return FEDCRED_OK;
  }
  CommandLine const line = parse_command_line(options.rows, args);
  if (line.row == nullptr) return usage_error(line.error);
  return run_command(line, options);
}
