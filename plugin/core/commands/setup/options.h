// SPDX-License-Identifier: Apache-2.0
// The checks of what `fedcred setup` and doctor are given before any of it is
// written into a document: option values, paths that become command words,
// profile names that become INI section headers. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "commands/context.h"
#include "result.h"

namespace fedcred {

// The checks of the commands' own options, as the registry's flag rows name
// them (commands/registry.h, FlagValidator): Status::usage, the message the
// rule only; the caller names the flag.
Result<void> check_any_value(std::string_view key, std::string_view value);  // checked where it is used
Result<void> check_true_false(std::string_view key, std::string_view value);
Result<void> check_provider(std::string_view key, std::string_view value);   // executable, aws or azure
Result<void> check_format(std::string_view key, std::string_view value);     // token or json
Result<void> check_command_word(std::string_view key, std::string_view path);  // command_word below
Result<void> check_service_account(std::string_view key, std::string_view email);
// https, or http to a loopback address (stand-ins and local proxies).
Result<void> check_https_url(std::string_view key, std::string_view url);

// Where fedcred is installed when the caller did not say ("exe" unset).
inline constexpr char kDefaultFedcredPath[] = "/usr/bin/fedcred";

// The value of a command option, empty when it is not given.
std::string option_value(CommandOptions const& options, char const* key);

// Profile names that are safe in an INI section header and a command line.
bool is_safe_profile_name(std::string_view v);

// An absolute path as one word of a command line. botocore splits
// credential_process like a POSIX shell, google-auth-library (Node) honours
// double quotes only: a path with spaces is double-quoted, which both read.
// Status::usage for a relative path or one with characters neither reads back.
Result<std::string> command_word(std::string_view path);

}  // namespace fedcred
