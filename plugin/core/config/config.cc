// SPDX-License-Identifier: Apache-2.0
#include "config/config.h"
#include "config/serve_settings.h"

#include <dirent.h>
#include <fcntl.h>
#include <ini.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>

#include "base/unique_fd.h"
#include "files/trusted_file.h"
#include "fedcred_build_config.h"
#include "ascii.h"

namespace fedcred {
namespace {

using modules::ascii::trim;

// Config files are small; a cap keeps a runaway file (or /dev/zero) from
// costing memory on the hit path.
constexpr std::size_t kMaxConfigBytes = 1 << 20;
// Feeds inih one line at a time from a string so that we know the current
// line number (Debian's inih is built without INI_HANDLER_LINENO) and can
// notice lines that do not fit inih's buffer.
struct LineReader {
  std::string const* text = nullptr;
  std::size_t pos = 0;
  int line = 0;
  int overlong_line = 0;
  int line_buffer = 0;
  // Section headers seen (name, line), so that a profile without keys still
  // exists and a misspelt empty section is still reported.
  std::vector<std::pair<std::string, int>> sections;
};

char* read_line(char* buf, int size, void* stream) {
  auto* r = static_cast<LineReader*>(stream);
  if (r->pos >= r->text->size()) return nullptr;
  auto end = r->text->find('\n', r->pos);
  std::size_t next = end == std::string::npos ? r->text->size() : end + 1;
  std::size_t len = next - r->pos;
  ++r->line;
  r->line_buffer = size;
  auto trimmed = trim(std::string_view(*r->text).substr(r->pos, len));
  if (trimmed.size() > 2 && trimmed.front() == '[' && trimmed.back() == ']') {
    r->sections.emplace_back(trim(trimmed.substr(1, trimmed.size() - 2)), r->line);
  }
  // inih needs room for the line, its newline and a terminator.
  if (len + 1 > static_cast<std::size_t>(size)) {
    if (r->overlong_line == 0) r->overlong_line = r->line;
    len = 0;  // hand inih an empty line; the error is reported afterwards
  }
  std::memcpy(buf, r->text->data() + r->pos, len);
  buf[len] = '\0';
  r->pos = next;
  return buf;
}

struct ParseState {
  std::string const* name = nullptr;
  LineReader* reader = nullptr;
  ConfigSet* into = nullptr;
  bool root_owned = false;
  std::optional<Error> first_error;
  int first_error_line = 0;
};

std::string location(ParseState const& s) { return *s.name + ":" + std::to_string(s.reader->line); }

// "default" -> "default"; "profile NAME" -> "NAME"; anything else is an error.
std::optional<std::string> section_profile(std::string_view section) {
  if (section == "default") return std::string("default");
  constexpr std::string_view kProfile = "profile ";
  if (section.substr(0, kProfile.size()) != kProfile) return std::nullopt;
  auto name = section.substr(kProfile.size());
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  if (name.empty() || name == "default") return std::nullopt;
  for (char c : name) {
    if (c <= ' ' || c >= 0x7f) return std::nullopt;
  }
  return std::string(name);
}

int on_value(void* user, char const* section, char const* key, char const* value) {
  auto& s = *static_cast<ParseState*>(user);
  if (s.first_error) return 1;
  if (std::string_view(section) == "serve") {
    auto valid = validate_serve_setting(key, value);
    if (!valid) {
      s.first_error = make_error(Status::usage, location(s) + ": " + valid.error().message);
      s.first_error_line = s.reader->line;
      return 1;
    }
    s.into->serve[key] = Setting{value, location(s), s.root_owned};
    return 1;
  }
  auto profile = section_profile(section);
  if (!profile) {
    std::string what = *section == '\0' ? "key '" + std::string(key) + "' outside any section"
                                        : "unknown section [" + std::string(section) + "]";
    s.first_error = make_error(Status::usage, location(s) + ": " + what +
                                                  " (use [default], [profile NAME] or [serve])");
    s.first_error_line = s.reader->line;
    return 1;
  }
  auto valid = validate_setting(key, value);
  if (!valid) {
    s.first_error = make_error(Status::usage, location(s) + ": " + valid.error().message);
    s.first_error_line = s.reader->line;
    return 1;
  }
  s.into->sections[*profile][key] = Setting{value, location(s), s.root_owned};
  return 1;
}

// Whether a file's settings count as root's for the keys only root may set
// (`log`). A build with -Dtest_hooks also trusts the files of the uid in
// FEDCRED_TEST_ROOT_UID: the integration tests write their own configuration,
// as whatever user runs them. A package is built without it.
bool owned_by_root(struct stat const& st) {
  if (st.st_uid == 0) return true;
#if FEDCRED_TEST_HOOKS
  char const* test_root = getenv("FEDCRED_TEST_ROOT_UID");
  return test_root != nullptr && std::to_string(st.st_uid) == test_root;
#else
  return false;
#endif
}

struct ConfigText {
  std::string text;
  bool root_owned = false;
};

// Opens, checks and reads one file. nullopt when an optional file is absent.
// nullopt with a warning in `warnings` when the per-user file cannot be
// opened for want of permission.
Result<std::optional<ConfigText>> read_config_file(ConfigFile const& file, std::vector<std::string>& warnings) {
  // O_NONBLOCK: opening a FIFO planted in place of the file must not hang us.
  UniqueFd fd(open(file.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) {
    if (!file.required && errno == ENOENT) return std::optional<ConfigText>();
    if (file.skip_if_unreadable && (errno == EACCES || errno == EPERM)) {
      warnings.push_back("user config file " + file.path + " skipped: " + std::strerror(errno) +
                         " (is HOME or XDG_CONFIG_HOME another user's?)");
      return std::optional<ConfigText>();
    }
    return make_error(Status::usage, "cannot read config file " + file.path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))) {
    return make_error(Status::usage, "config file " + file.path + " is not a regular file");
  }
  // A configuration that someone else can change would let them choose the
  // role and endpoints we use (files/trusted_file.h). A device such as
  // /dev/null holds no settings to tamper with.
  if (S_ISREG(st.st_mode)) {
    if (auto problem = untrusted_file_problem(file.path, st, "config file")) {
      return make_error(Status::usage, *problem);
    }
  }
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(Status::usage, "cannot read " + file.path + ": " + std::strerror(errno));
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxConfigBytes) {
      return make_error(Status::usage,
                        file.path + ": larger than " + std::to_string(kMaxConfigBytes) + " bytes");
    }
  }
  return std::optional<ConfigText>(ConfigText{std::move(text), owned_by_root(st)});
}

std::vector<std::string> conf_d_files(std::string const& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* e = readdir(d)) {
    std::string_view n = e->d_name;
    if (n.size() > 5 && n.substr(n.size() - 5) == ".conf" && n.front() != '.') names.emplace_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (auto& n : names) n = dir + "/" + n;
  return names;
}

}  // namespace

std::vector<ConfigFile> config_search_list(Env const& env, std::string const& explicit_file,
                                           std::string const& sysconfdir) {
  if (!explicit_file.empty()) return {{explicit_file, true}};
  if (auto f = env.get("FEDCRED_CONFIG")) return {{*f, true}};
  std::vector<ConfigFile> files{{sysconfdir + "/fedcred.conf", false}};
  for (auto& f : conf_d_files(sysconfdir + "/conf.d")) files.push_back({f, false});
  // A relative XDG_CONFIG_HOME or HOME would read a config from the current
  // directory, which may be anyone's: ignored, as the XDG spec says (and as
  // the cache does).
  auto absolute = [](std::optional<std::string> v) -> std::optional<std::string> {
    if (v && !v->empty() && v->front() == '/') return v;
    return std::nullopt;
  };
  if (auto xdg = absolute(env.get("XDG_CONFIG_HOME"))) {
    files.push_back({*xdg + "/fedcred/fedcred.conf", false, true});
  } else if (auto home = absolute(env.get("HOME"))) {
    files.push_back({*home + "/.config/fedcred/fedcred.conf", false, true});
  }
  return files;
}

Result<void> parse_config_text(std::string const& name, std::string const& text, ConfigSet& into, bool root_owned) {
  LineReader reader{&text, 0, 0, 0, 0, {}};
  ParseState state{&name, &reader, &into, root_owned, std::nullopt};
  int rc = ini_parse_stream(read_line, &reader, on_value, &state);
  // Report the error on the earliest line, whoever found it.
  int first_line = 0;
  std::optional<Error> first;
  auto consider = [&](int line, Error e) {
    if (line > 0 && (first_line == 0 || line < first_line)) {
      first_line = line;
      first = std::move(e);
    }
  };
  if (state.first_error) consider(state.first_error_line, *state.first_error);
  if (reader.overlong_line != 0) {
    consider(reader.overlong_line,
             make_error(Status::usage, name + ":" + std::to_string(reader.overlong_line) + ": line longer than " +
                                           std::to_string(reader.line_buffer - 2) + " characters"));
  }
  if (rc > 0) {
    consider(rc, make_error(Status::usage,
                            name + ":" + std::to_string(rc) + ": syntax error (expected [section] or key = value)"));
  }
  for (auto const& [section, line] : reader.sections) {
    if (section_profile(section) || section == "serve") continue;
    consider(line, make_error(Status::usage, name + ":" + std::to_string(line) + ": unknown section [" + section +
                                                 "] (use [default], [profile NAME] or [serve])"));
  }
  if (first) return *first;
  for (auto const& [section, line] : reader.sections) {
    if (section == "serve") continue;
    into.sections[*section_profile(section)];
  }
  if (rc != 0) return make_error(Status::internal, name + ": the INI parser failed");
  return {};
}

Result<ConfigSet> load_config(std::vector<ConfigFile> const& files) {
  ConfigSet set;
  for (auto const& file : files) {
    auto text = read_config_file(file, set.warnings);
    if (!text) return std::move(text).error();
    if (!*text) continue;
    auto parsed = parse_config_text(file.path, (*text)->text, set, (*text)->root_owned);
    if (!parsed) return std::move(parsed).error();
    set.files_read.push_back(file.path);
  }
  return set;
}

}  // namespace fedcred
