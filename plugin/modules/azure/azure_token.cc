// SPDX-License-Identifier: Apache-2.0
#include "azure_token.h"

#include <optional>

#include "ascii.h"
#include "json_doc.h"
#include "module_messages.h"

namespace fedcred::modules {
namespace {

// A member that is a JSON integer or a decimal string of one.
std::optional<std::int64_t> seconds_member(json_object* doc, char const* key) {
  if (json_object* n = json_member(doc, key, json_type_int)) return json_object_get_int64(n);
  if (json_object* s = json_member(doc, key, json_type_string)) {
    return messages::parse_integer(json_object_get_string(s));
  }
  return std::nullopt;
}

}  // namespace

Result<AzureAccessToken> parse_azure_token_answer(std::string_view body, std::string const& what,
                                                  std::string const& host, std::int64_t now) {
  std::string const where = what + " at " + host;
  JsonDoc doc = parse_json_object(body);
  json_object* token = doc ? json_member(doc.get(), "access_token", json_type_string) : nullptr;
  if (token == nullptr || json_object_get_string_len(token) == 0) {
    return make_error(Status::response, where + " answered without an access_token");
  }
  if (json_object* type = json_member(doc.get(), "token_type", json_type_string)) {
    if (!ascii::iequals(json_object_get_string(type), "Bearer")) {
      return make_error(Status::response, where + " answered a token_type other than Bearer");
    }
  }
  std::optional<std::int64_t> expiration;
  if (auto on = seconds_member(doc.get(), "expires_on")) {
    expiration = *on;
  } else if (auto in = seconds_member(doc.get(), "expires_in"); in && *in > 0 && *in <= kMaxAzureTokenSeconds) {
    expiration = now + *in;
  }
  if (!expiration || *expiration <= now || *expiration > now + kMaxAzureTokenSeconds) {
    return make_error(Status::response, where + " answered without a usable expiry (expires_on or expires_in)");
  }
  AzureAccessToken out;
  out.token = take_json_secret(token);
  out.expiration = *expiration;
  return out;
}

}  // namespace fedcred::modules
