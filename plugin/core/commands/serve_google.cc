// SPDX-License-Identifier: Apache-2.0
#include "commands/serve_google.h"

#include <string_view>
#include <utility>


namespace fedcred {
namespace {

constexpr std::string_view kAccountsPrefix = "/serviceAccounts/";
constexpr std::string_view kAccountsSuffix = ":generateAccessToken";
constexpr std::string_view kProjectsPrefix = "//iam.googleapis.com/projects/";

// .../projects/-/serviceAccounts/EMAIL:generateAccessToken -> EMAIL
std::string impersonated_email(std::string_view url) {
  auto start = url.find(kAccountsPrefix);
  if (start == std::string_view::npos) return "";
  start += kAccountsPrefix.size();
  auto end = url.find(kAccountsSuffix, start);
  if (end == std::string_view::npos) return "";
  return std::string(url.substr(start, end - start));
}

// //iam.googleapis.com/projects/NUMBER/locations/... -> NUMBER; empty for
// workforce pools, whose audiences name no project.
std::string project_number(std::string_view audience) {
  if (audience.substr(0, kProjectsPrefix.size()) != kProjectsPrefix) return "";
  auto rest = audience.substr(kProjectsPrefix.size());
  auto digits = rest.substr(0, rest.find('/'));
  if (digits.empty()) return "";
  for (char c : digits) {
    if (c < '0' || c > '9') return "";
  }
  return std::string(digits);
}

class AccessTokenGoogleSource final : public GoogleTokenSource {
 public:
  AccessTokenGoogleSource(std::string config_file, CredentialDeps const& deps)
      : config_file_(std::move(config_file)), deps_(deps) {}

  Result<GoogleTokenIdentity> identity(std::string const& profile) override {
    auto target = resolve_access_token_target(inputs(profile), deps_);
    if (!target) return std::move(target).error();
    return google_identity_of(*target);
  }

  Result<GoogleAccessToken> current_token(std::string const& profile, std::int64_t min_lifetime_seconds,
                                          AuditRecord& audit) override {
    auto issued = cached_access_token(inputs(profile), min_lifetime_seconds, deps_, audit);
    if (!issued) return std::move(issued).error();
    return GoogleAccessToken{std::move(issued->access_token), issued->expiration};
  }

 private:
  CommandInputs inputs(std::string const& profile) const { return CommandInputs{profile, config_file_, {}}; }

  std::string config_file_;
  CredentialDeps const& deps_;
};

}  // namespace

GoogleTokenIdentity google_identity_of(AccessTokenTarget const& target) {
  GoogleTokenIdentity id;
  id.email = impersonated_email(target.impersonation_url);
  if (id.email.empty()) id.email = "default";
  std::string_view scope = target.scope;
  while (!scope.empty()) {
    auto end = scope.find(' ');
    if (end != 0) id.scopes.emplace_back(scope.substr(0, end));
    if (end == std::string_view::npos) break;
    scope.remove_prefix(end + 1);
  }
  id.numeric_project_id = project_number(target.audience);
  id.project_id = target.project_id.empty() ? id.numeric_project_id : target.project_id;
  id.timeout_seconds = target.timeout_seconds;
  return id;
}

std::unique_ptr<GoogleTokenSource> make_google_token_source(std::string config_file, CredentialDeps const& deps) {
  return std::make_unique<AccessTokenGoogleSource>(std::move(config_file), deps);
}

}  // namespace fedcred
