// SPDX-License-Identifier: Apache-2.0
// The configuration files: which files are read, in which order, and their
// parsed, validated content. Profile resolution (which section wins, flags and
// environment on top) lives in profile.h.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/env.h"
#include "result.h"
#include "config/settings.h"

namespace fedcred {

struct ConfigFile {
  std::string path;
  // A default location may be absent; a file the user named must exist.
  bool required = false;
  // The per-user file ($XDG_CONFIG_HOME/fedcred/fedcred.conf): one that the
  // caller may not open (EACCES, as root's HOME seen by a service user, or
  // sudo -u with HOME kept) is skipped with a warning instead of failing
  // the run (issue 12, item 7). The system files and a file the user named
  // stay errors: they may hold settings the administrator requires.
  bool skip_if_unreadable = false;
};

// Every section found, keyed "default" or the profile name of "[profile NAME]".
struct ConfigSet {
  std::vector<std::string> files_read;
  std::map<std::string, Settings> sections;
  Settings serve;  // [serve]: `fedcred serve` (serve_settings.h)
  // Files skipped (skip_if_unreadable), one message each naming the file and
  // the reason; the command logs them as warnings, doctor reports them.
  std::vector<std::string> warnings;
};

// The files to read, lowest precedence first: an explicit file (the "config"
// request key, else FEDCRED_CONFIG) replaces the list; otherwise
// SYSCONFDIR/fedcred.conf, SYSCONFDIR/conf.d/*.conf in name order, then
// $XDG_CONFIG_HOME/fedcred/fedcred.conf (or ~/.config/fedcred/fedcred.conf).
std::vector<ConfigFile> config_search_list(Env const& env, std::string const& explicit_file,
                                           std::string const& sysconfdir);

// Reads the files in order; later files override earlier ones key by key.
// Unknown sections, unknown keys, bad values, syntax errors and over-long lines
// are errors naming file:line. All are Status::usage, including a file the
// user named that cannot be read: it is a mistake in the command line or
// environment, not a transient I/O problem.
Result<ConfigSet> load_config(std::vector<ConfigFile> const& files);

// Parses one file's text (exposed for tests and the fuzzer). `name` is used in
// error messages; `root_owned` marks its settings Setting::from_root_file.
Result<void> parse_config_text(std::string const& name, std::string const& text, ConfigSet& into,
                               bool root_owned = false);

}  // namespace fedcred
