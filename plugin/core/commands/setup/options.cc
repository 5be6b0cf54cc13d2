// SPDX-License-Identifier: Apache-2.0
#include "commands/setup/options.h"

#include <utility>

#include "config/endpoints.h"
#include "url.h"

namespace fedcred {
namespace {

bool is_printable(std::string_view v) {
  for (char c : v) {
    if (c <= ' ' || c >= 0x7f) return false;
  }
  return !v.empty();
}

}  // namespace

// https, or http to a loopback address (stand-ins and local proxies).
Result<void> check_https_url(std::string_view, std::string_view url) {
  auto parsed = modules::parse_url(url);
  bool ok = is_printable(url) && parsed && !parsed->host.empty() &&
            (parsed->scheme == "https" || is_loopback_host(parsed->host));
  if (!ok) {
    return make_error(Status::usage,
                      "'" + std::string(url) + "' is not an https URL (http is allowed to loopback addresses only)");
  }
  return {};
}

Result<void> check_service_account(std::string_view, std::string_view email) {
  auto at = email.find('@');
  bool ok = at != std::string_view::npos && at > 0 && at + 1 < email.size() && email.size() <= 254;
  for (char c : email) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '@' || c == '.' ||
                c == '-' || c == '_');
  }
  if (!ok) {
    return make_error(Status::usage, "'" + std::string(email) +
                                         "' is not a service account email (NAME@PROJECT.iam.gserviceaccount.com)");
  }
  return {};
}

std::string option_value(CommandOptions const& options, char const* key) {
  auto it = options.find(key);
  return it == options.end() ? std::string() : it->second;
}

bool is_safe_profile_name(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.' || c == '@' || c == '+';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> command_word(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return make_error(Status::usage, "'" + std::string(path) + "' is not an absolute path");
  }
  bool plain = true;
  for (char c : path) {
    if (c < ' ' || c >= 0x7f || c == '"' || c == '\\' || c == '\'' || c == '$' || c == '`') {
      return make_error(Status::usage,
                        "'" + std::string(path) + "' contains characters a credential command line cannot carry");
    }
    if (c == ' ') plain = false;
  }
  return plain ? std::string(path) : "\"" + std::string(path) + "\"";
}

Result<void> check_any_value(std::string_view, std::string_view) { return {}; }

Result<void> check_true_false(std::string_view, std::string_view value) {
  if (value != "true" && value != "false") {
    return make_error(Status::usage, "'" + std::string(value) + "' is not true or false");
  }
  return {};
}

Result<void> check_provider(std::string_view, std::string_view value) {
  if (value != "aws" && value != "executable" && value != "azure") {
    return make_error(Status::usage, "'" + std::string(value) + "' is not executable, aws or azure");
  }
  return {};
}

Result<void> check_format(std::string_view, std::string_view value) {
  if (value != "token" && value != "json") {
    return make_error(Status::usage, "'" + std::string(value) + "' is not token or json");
  }
  return {};
}

Result<void> check_command_word(std::string_view, std::string_view path) {
  auto word = command_word(path);
  if (!word) return std::move(word).error();
  return {};
}

}  // namespace fedcred
