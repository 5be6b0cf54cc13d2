// SPDX-License-Identifier: Apache-2.0
#include "commands/setup/options.h"

#include <utility>

#include "config/endpoints.h"

namespace fedcred {
namespace {

bool is_printable(std::string_view v) {
  for (char c : v) {
    if (c <= ' ' || c >= 0x7f) return false;
  }
  return !v.empty();
}

// https, or http to a loopback address (stand-ins and local proxies).
Result<void> check_url(std::string_view key, std::string_view url) {
  std::string_view rest;
  bool https = url.substr(0, 8) == "https://";
  if (https) {
    rest = url.substr(8);
  } else if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  }
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  bool ok = is_printable(url) && !host.empty() && (https || is_loopback_host(host));
  if (!ok) {
    return make_error(Status::usage, std::string(key) + " '" + std::string(url) +
                                         "' is not an https URL (http is allowed to loopback addresses only)");
  }
  return {};
}

Result<void> check_service_account(std::string_view email) {
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

}  // namespace

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

Result<std::string> command_word(std::string_view path, char const* what) {
  if (path.empty() || path.front() != '/') {
    return make_error(Status::usage, std::string(what) + " must be an absolute path, not '" + std::string(path) + "'");
  }
  bool plain = true;
  for (char c : path) {
    if (c < ' ' || c >= 0x7f || c == '"' || c == '\\' || c == '\'' || c == '$' || c == '`') {
      return make_error(Status::usage, std::string(what) + " '" + std::string(path) +
                                           "' contains characters a credential command line cannot carry");
    }
    if (c == ' ') plain = false;
  }
  return plain ? std::string(path) : "\"" + std::string(path) + "\"";
}

Result<void> validate_command_option(std::string_view key, std::string_view value) {
  // token's and access-token's output file: any path, checked when it is written (Status::io / usage).
  if (key == "output") return {};
  // token's --output-group: looked up when the command runs, before any fetch.
  if (key == "output_group") return {};
  if (key == "json" || key == "gcp") {
    if (value != "true" && value != "false") {
      return make_error(Status::usage, std::string(key) + ": '" + std::string(value) + "' is not true or false");
    }
    return {};
  }
  if (key == "provider") {
    if (value != "aws" && value != "executable") {
      return make_error(Status::usage, "--provider: '" + std::string(value) + "' is not aws or executable");
    }
    return {};
  }
  if (key == "format") {
    if (value != "token" && value != "json") {
      return make_error(Status::usage, "--format: '" + std::string(value) + "' is not token or json");
    }
    return {};
  }
  if (key == "exe") {
    auto word = command_word(value, "the fedcred path");
    if (!word) return std::move(word).error();
    return {};
  }
  if (key == "service_account") return check_service_account(value);
  if (key == "output_file") {
    auto word = command_word(value, "--output-file");
    if (!word) return std::move(word).error();
    return {};
  }
  if (key == "token_url") return check_url("--token-url", value);
  if (key == "impersonation_url") return check_url("--impersonation-url", value);
  return make_error(Status::usage, "unknown option '" + std::string(key) + "'");
}

}  // namespace fedcred
