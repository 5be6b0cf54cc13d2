// SPDX-License-Identifier: Apache-2.0
// The [serve] section of fedcred.conf and the `fedcred serve` options that
// override it (issue 14): where the server listens, which profiles it serves,
// and the token file that authorizes its AWS route and Azure App Service form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "config/settings.h"
#include "result.h"

namespace fedcred {

inline constexpr std::uint16_t kDefaultServePort = 8960;

struct ListenAddress {
  std::string address;  // numeric: "127.0.0.1", "::1"
  std::uint16_t port = kDefaultServePort;
  bool optional = false;  // the default [::1], skipped where IPv6 is absent

  std::string text() const;  // "127.0.0.1:8960", "[::1]:8960"
};

// "ADDR:PORT" or "[ADDR6]:PORT" with a numeric loopback address (127.0.0.0/8,
// ::1); anything else is Status::usage: the server hands out credentials to
// whoever can connect, so it never listens beyond this machine.
Result<ListenAddress> parse_listen_address(std::string_view text);

struct ServeSettings {
  std::vector<ListenAddress> listen;  // default 127.0.0.1:8960 and optional [::1]:8960
  std::string aws_profile;
  std::string gcp_profile;
  std::string azure_profile;  // Entra tokens at the Azure managed-identity endpoints (issue 22.3)
  // The AWS route's Authorization and the App Service form's X-IDENTITY-HEADER;
  // empty without aws_profile and azure_profile.
  std::string token_file;
  std::string token_group;  // group owning the token file (read access for clients)
  // Who may call (issue 21.3): user and group names or numeric ids. Both
  // empty: the server's own user and root.
  std::vector<std::string> allow_users;
  std::vector<std::string> allow_groups;
};

// Whether `key` is a [serve] key, and its check (listen: space-separated addresses).
bool is_serve_key(std::string_view key);
Result<void> validate_serve_setting(std::string_view key, std::string_view value);

// [serve] from the configuration, then the explicit values (command line).
// The token file defaults to $RUNTIME_DIRECTORY/aws-token (systemd's
// RuntimeDirectory=), else $XDG_RUNTIME_DIR/fedcred-serve-token.
Result<ServeSettings> resolve_serve_settings(Settings const& section, Settings const& explicit_values, Env const& env);

}  // namespace fedcred
