// SPDX-License-Identifier: Apache-2.0
#include "config/serve_settings.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>

namespace fedcred {
namespace {

constexpr std::string_view kKeys[] = {"listen",     "aws_profile", "gcp_profile",  "azure_profile",
                                      "token_file", "token_group", "allow_users", "allow_groups"};

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '\t' || text[i] == '\n')) ++i;
    std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != ',' && text[i] != '\t' && text[i] != '\n') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

bool printable_name(std::string_view v) {
  if (v.empty() || v.size() > 256) return false;
  for (char c : v) {
    if (c <= ' ' || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string ListenAddress::text() const {
  return (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
  auto bad = [&](std::string const& why) {
    return make_error(Status::usage, "listen address '" + std::string(text) + "': " + why);
  };
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find("]:");
    if (close == std::string_view::npos) return bad("expected [ADDRESS]:PORT");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("expected ADDRESS:PORT");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    // "::1:8960" is ambiguous; IPv6 addresses take brackets, as in URLs.
    if (host.find(':') != std::string_view::npos) return bad("write an IPv6 address in brackets: [::1]:PORT");
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return bad("the port must be 1..65535");
  }
  std::string h(host);
  in_addr v4{};
  in6_addr v6{};
  bool loopback = false;
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    loopback = (ntohl(v4.s_addr) >> 24) == 127;
  } else if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    loopback = IN6_IS_ADDR_LOOPBACK(&v6);
  } else {
    return bad("the address must be a numeric IP address (127.0.0.1 or ::1)");
  }
  if (!loopback) {
    return bad("not a loopback address: fedcred serve hands credentials to whoever connects, so it listens on "
               "127.0.0.0/8 or ::1 only");
  }
  return ListenAddress{h, static_cast<std::uint16_t>(value), false};
}

bool is_serve_key(std::string_view key) {
  for (auto k : kKeys) {
    if (k == key) return true;
  }
  return false;
}

Result<void> validate_serve_setting(std::string_view key, std::string_view value) {
  if (!is_serve_key(key)) return make_error(Status::usage, "unknown [serve] key '" + std::string(key) + "'");
  if (key == "listen") {
    auto all = words(value);
    if (all.empty()) return make_error(Status::usage, "listen: no address given");
    for (auto w : all) {
      auto a = parse_listen_address(w);
      if (!a) return std::move(a).error();
    }
    return {};
  }
  if (key == "token_file") {
    if (value.empty() || value.front() != '/') return make_error(Status::usage, "token_file must be an absolute path");
    return {};
  }
  if (key == "allow_users" || key == "allow_groups") {
    for (auto w : words(value)) {
      if (!printable_name(w)) return make_error(Status::usage, std::string(key) + ": a name without control characters");
    }
    return {};
  }
  if (!printable_name(value)) {
    return make_error(Status::usage, std::string(key) + " must be a name without spaces or control characters");
  }
  return {};
}

Result<ServeSettings> resolve_serve_settings(Settings const& section, Settings const& explicit_values, Env const& env) {
  Settings merged = section;
  for (auto const& [k, v] : explicit_values) merged[k] = v;
  ServeSettings s;
  for (auto const& [key, setting] : merged) {
    auto valid = validate_serve_setting(key, setting.value);
    if (!valid) return make_error(Status::usage, setting.origin + ": " + valid.error().message);
  }
  if (auto const* v = setting_value(merged, "listen")) {
    for (auto w : words(*v)) s.listen.push_back(*parse_listen_address(w));
  } else {
    s.listen = {ListenAddress{"127.0.0.1", kDefaultServePort, false}, ListenAddress{"::1", kDefaultServePort, true}};
  }
  if (auto const* v = setting_value(merged, "aws_profile")) s.aws_profile = *v;
  if (auto const* v = setting_value(merged, "gcp_profile")) s.gcp_profile = *v;
  if (auto const* v = setting_value(merged, "azure_profile")) s.azure_profile = *v;
  if (auto const* v = setting_value(merged, "token_group")) s.token_group = *v;
  for (auto [key, out] : {std::pair{"allow_users", &s.allow_users}, std::pair{"allow_groups", &s.allow_groups}}) {
    if (auto const* v = setting_value(merged, key)) {
      for (auto w : words(*v)) out->emplace_back(w);
    }
  }
  if (s.aws_profile.empty() && s.gcp_profile.empty() && s.azure_profile.empty()) {
    return make_error(Status::usage,
                      "nothing to serve: give --aws-profile, --gcp-profile and/or --azure-profile (or [serve] "
                      "aws_profile / gcp_profile / azure_profile)");
  }
  // Only the AWS route and the Azure App Service form read the token file
  // (issue 21.10): the Google route alone needs no runtime directory.
  if (s.aws_profile.empty() && s.azure_profile.empty()) return s;
  if (auto const* v = setting_value(merged, "token_file")) {
    s.token_file = *v;
  } else if (auto dir = env.get("RUNTIME_DIRECTORY")) {
    // systemd may list several directories separated by ':'; the first is ours.
    s.token_file = dir->substr(0, dir->find(':')) + "/aws-token";
  } else if (auto runtime = env.get("XDG_RUNTIME_DIR")) {
    s.token_file = *runtime + "/fedcred-serve-token";
  } else {
    return make_error(Status::usage, "no token file: give --token-file (or [serve] token_file)");
  }
  return s;
}

}  // namespace fedcred
