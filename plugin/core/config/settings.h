// SPDX-License-Identifier: Apache-2.0
// The profile keys: one table that the config parser, the library's setter
// (command-line flags) and the man page agree on. Each key has a validator,
// so a bad value is rejected where it was written (file:line, or the flag).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "result.h"

namespace fedcred {

// A value and where it came from ("/etc/fedcred/fedcred.conf:12",
// "--role-arn", "AWS_REGION"), so every error can point at its origin.
struct Setting {
  std::string value;
  std::string origin;
  // Read from a configuration file owned by root: only such a file may move
  // the audit trail away from syslog (the `log` key; issue 12, item 15).
  bool from_root_file = false;
};
using Settings = std::map<std::string, Setting>;

// The value of `key` in `s`, or nullptr.
inline std::string const* setting_value(Settings const& s, std::string_view key) {
  auto it = s.find(std::string(key));
  return it == s.end() ? nullptr : &it->second.value;
}

// Checks that `key` is a profile key and `value` is valid for it. The error
// message names the key and the rule; the caller prefixes the origin.
Result<void> validate_setting(std::string_view key, std::string_view value);
// The same check, its message the rule only ("'bad' is not an IAM role ARN"),
// for a caller that names the origin itself (a flag: commands/registry.h).
Result<void> check_setting(std::string_view key, std::string_view value);

bool is_profile_key(std::string_view key);

// Parsers for values that already passed validate_setting.
bool parse_bool(std::string_view value);
std::int64_t parse_int(std::string_view value);

// The individual rules, exposed for the code that derives values (for example
// the default session name) and for tests.
bool is_valid_role_arn(std::string_view v);
bool is_valid_session_name(std::string_view v);
bool is_valid_region(std::string_view v);

// Replaces characters STS refuses in a session name with '-' and trims it to
// 64 characters; nullopt when fewer than 2 usable characters remain.
std::optional<std::string> sanitize_session_name(std::string_view raw);

}  // namespace fedcred
