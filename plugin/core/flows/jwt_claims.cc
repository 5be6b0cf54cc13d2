// SPDX-License-Identifier: Apache-2.0
#include "flows/jwt_claims.h"

#include "base/json_handle.h"
#include "secret.h"

namespace fedcred {
namespace {

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string string_claim(json_object* obj, char const* name) {
  json_object* v = nullptr;
  if (!json_object_object_get_ex(obj, name, &v) || !json_object_is_type(v, json_type_string)) return {};
  return json_object_get_string(v);
}

std::optional<std::int64_t> int_claim(json_object* obj, char const* name) {
  json_object* v = nullptr;
  if (!json_object_object_get_ex(obj, name, &v)) return std::nullopt;
  if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)) return std::nullopt;
  return json_object_get_int64(v);
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = base64url_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

Result<JwtClaims> decode_jwt_claims(std::string_view token) {
  auto not_jwt = [](char const* why) {
    return make_error(Status::source, std::string("the subject token is not a JWT (") + why + ")");
  };
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return not_jwt("expected three dot-separated parts");
  }
  auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!payload) return not_jwt("the payload is not base64url");
  Secret payload_text(std::move(*payload));  // claims are not secret, but keep the habit: wipe decoded token parts
  JsonPtr root = parse_json_exact(payload_text.reveal().data(), payload_text.size());
  if (!root || !json_object_is_type(root.get(), json_type_object)) {
    return not_jwt("the payload is not a JSON object");
  }
  JwtClaims c;
  c.iss = string_claim(root.get(), "iss");
  c.sub = string_claim(root.get(), "sub");
  c.aud = string_claim(root.get(), "aud");
  c.azp = string_claim(root.get(), "azp");
  c.email = string_claim(root.get(), "email");
  c.iat = int_claim(root.get(), "iat");
  c.exp = int_claim(root.get(), "exp");
  json_object* google = nullptr;
  json_object* compute = nullptr;
  if (json_object_object_get_ex(root.get(), "google", &google) &&
      json_object_object_get_ex(google, "compute_engine", &compute)) {
    c.instance_name = string_claim(compute, "instance_name");
  }
  return c;
}

}  // namespace fedcred
