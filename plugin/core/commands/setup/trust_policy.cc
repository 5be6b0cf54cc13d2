// SPDX-License-Identifier: Apache-2.0
#include "commands/setup/trust_policy.h"

#include <json-c/json.h>

#include <utility>

#include "base/json_handle.h"
#include "commands/setup/pretty_json.h"
#include "url.h"

namespace fedcred {
namespace {

constexpr char kGoogleIssuer[] = "accounts.google.com";

std::string account_of_role(std::string_view role_arn) {
  // arn:PARTITION:iam::ACCOUNT:role/NAME
  std::size_t pos = 0;
  for (int field = 0; field < 4; ++field) {
    pos = role_arn.find(':', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  auto end = role_arn.find(':', pos);
  return end == std::string_view::npos ? std::string() : std::string(role_arn.substr(pos, end - pos));
}

std::string partition_of_role(std::string_view role_arn) {
  auto start = role_arn.find(':');
  if (start == std::string_view::npos) return "aws";
  auto end = role_arn.find(':', start + 1);
  return std::string(role_arn.substr(start + 1, end - start - 1));
}

// IAM names an OIDC provider by its issuer URL without "https://":
// host[:port][/path], the path as the iss claim has it. A trailing slash is
// part of the name: Entra's v1 issuer https://sts.windows.net/TENANT/ is the
// provider sts.windows.net/TENANT/, its keys sts.windows.net/TENANT/:aud and
// :sub (issue 22.5). An issuer without a path ("https://host") is named
// host. An issuer that is not an https URL is named as written.
std::string issuer_provider(std::string_view iss) {
  auto url = modules::parse_url(iss);
  if (!url || url->scheme != "https") return std::string(iss);
  return url->authority() + (url->path == "/" && iss.back() != '/' ? std::string() : url->path);
}

}  // namespace

bool is_google_issuer(std::string_view iss) {
  return iss == "https://accounts.google.com" || iss == kGoogleIssuer;
}

Result<std::vector<std::pair<std::string, std::string>>> aws_trust_conditions(JwtClaims const& claims) {
  std::vector<std::pair<std::string, std::string>> out;
  if (claims.sub.empty() || claims.aud.empty()) {
    return make_error(Status::source, "the subject token has no " + std::string(claims.sub.empty() ? "sub" : "aud") +
                                          " claim (a single string is needed) to build trust-policy conditions from");
  }
  if (is_google_issuer(claims.iss)) {
    std::string const p = kGoogleIssuer;
    if (!claims.azp.empty()) {
      out.emplace_back(p + ":aud", claims.azp);
      out.emplace_back(p + ":oaud", claims.aud);
    } else {
      out.emplace_back(p + ":aud", claims.aud);
    }
    out.emplace_back(p + ":sub", claims.sub);
    return out;
  }
  std::string const p = issuer_provider(claims.iss);
  if (p.empty()) return make_error(Status::source, "the subject token has no iss claim");
  out.emplace_back(p + ":aud", claims.aud);
  out.emplace_back(p + ":sub", claims.sub);
  return out;
}

Result<std::string> render_aws_trust_policy(JwtClaims const& claims, std::string_view role_arn) {
  auto conditions = aws_trust_conditions(claims);
  if (!conditions) return std::move(conditions).error();
  std::string principal = kGoogleIssuer;
  if (!is_google_issuer(claims.iss)) {
    std::string const account = account_of_role(role_arn);
    if (account.empty()) {
      return make_error(Status::usage, "the token's issuer " + claims.iss +
                                           " needs an IAM OIDC provider in the role's account: pass --role-arn so "
                                           "the policy can name arn:aws:iam::ACCOUNT:oidc-provider/" +
                                           issuer_provider(claims.iss));
    }
    principal = "arn:" + partition_of_role(role_arn) + ":iam::" + account + ":oidc-provider/" +
                issuer_provider(claims.iss);
  }
  JsonPtr doc(json_object_new_object());
  json_object* statements = json_object_new_array();
  json_object* statement = json_object_new_object();
  json_object* principal_obj = json_object_new_object();
  json_object* condition = json_object_new_object();
  json_object* equals = json_object_new_object();
  if (!doc || !statements || !statement || !principal_obj || !condition || !equals) {
    for (auto* o : {statements, statement, principal_obj, condition, equals}) json_object_put(o);
    return make_error(Status::internal, "out of memory");
  }
  json_object_object_add(doc.get(), "Version", json_object_new_string("2012-10-17"));
  json_object_object_add(doc.get(), "Statement", statements);
  json_object_array_add(statements, statement);
  json_object_object_add(statement, "Effect", json_object_new_string("Allow"));
  json_object_object_add(principal_obj, "Federated", new_json_string(principal));
  json_object_object_add(statement, "Principal", principal_obj);
  json_object_object_add(statement, "Action", json_object_new_string("sts:AssumeRoleWithWebIdentity"));
  for (auto const& [key, value] : *conditions) json_object_object_add(equals, key.c_str(), new_json_string(value));
  json_object_object_add(condition, "StringEquals", equals);
  json_object_object_add(statement, "Condition", condition);
  return to_pretty_json(doc.get());
}

}  // namespace fedcred
