// SPDX-License-Identifier: Apache-2.0
// The checks of what `fedcred setup` and doctor are given before any of it is
// written into a document: option values, paths that become command words,
// profile names that become INI section headers. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "commands/command.h"
#include "result.h"

namespace fedcred {

// Checks the value of a doctor/setup option ("json", "gcp", "exe",
// "service_account", "output_file", "token_url", "impersonation_url") where
// it is set (Status::usage).
Result<void> validate_command_option(std::string_view key, std::string_view value);

// Where fedcred is installed when the caller did not say ("exe" unset).
inline constexpr char kDefaultFedcredPath[] = "/usr/bin/fedcred";

// The value of a command option, empty when it is not given.
std::string option_value(CommandOptions const& options, char const* key);

// Profile names that are safe in an INI section header and a command line.
bool is_safe_profile_name(std::string_view v);

// An absolute path as one word of a command line. botocore splits
// credential_process like a POSIX shell, google-auth-library (Node) honours
// double quotes only: a path with spaces is double-quoted, which both read.
// Status::usage (naming `what`) for a relative path or one with characters
// neither reads back.
Result<std::string> command_word(std::string_view path, char const* what);

}  // namespace fedcred
