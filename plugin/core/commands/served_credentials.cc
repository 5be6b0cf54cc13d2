// SPDX-License-Identifier: Apache-2.0
#include "commands/served_credentials.h"

#include "commands/aws.h"
#include "flows/aws_credentials.h"
#include "serve_abi.h"

namespace fedcred {
namespace {

class ServedAws final : public ServedCredential {
 public:
  ServedAws(AwsRequest req, CredentialDeps const& deps) : req_(std::move(req)), deps_(deps) {}
  int route() const override { return FEDCRED_SERVE_AWS; }
  std::string describe() const override {
    return "AWS profile " + (req_.profile.empty() ? std::string("(default)") : req_.profile) + " (" + req_.role_arn +
           ")";
  }
  std::int64_t cache_margin() const override { return req_.refresh_margin_seconds; }
  std::int64_t fetch_timeout_seconds() const override { return req_.timeout_seconds; }
  Result<Issued> fetch(std::int64_t margin_seconds) override {
    Issued out;
    out.audit.command = "serve";
    auto creds = cached_aws_credentials(req_, margin_seconds, deps_, out.audit);
    if (!creds) {
      Error e = std::move(creds).error();
      return e;
    }
    out.value = render_container_credentials(*creds);
    out.expiration = creds->expiration;
    return out;
  }

 private:
  AwsRequest req_;
  CredentialDeps const& deps_;
};

class ServedGoogle final : public ServedCredential {
 public:
  ServedGoogle(std::string profile, GoogleTokenSource& source, std::int64_t timeout_seconds)
      : profile_(std::move(profile)), source_(source), timeout_seconds_(timeout_seconds) {}
  int route() const override { return FEDCRED_SERVE_GOOGLE; }
  std::string describe() const override { return "Google profile " + profile_; }
  // Google's libraries refresh 5 minutes (Node) or less before expiry.
  std::int64_t cache_margin() const override { return 300; }
  std::int64_t fetch_timeout_seconds() const override { return timeout_seconds_; }
  Result<Issued> fetch(std::int64_t margin_seconds) override {
    Issued out;
    out.audit.command = "serve";
    auto token = source_.current_token(profile_, margin_seconds, out.audit);
    if (!token) return std::move(token).error();
    out.value = std::move(token->access_token);
    out.expiration = token->expiration;
    return out;
  }

 private:
  std::string profile_;
  GoogleTokenSource& source_;
  std::int64_t timeout_seconds_;
};

}  // namespace

std::unique_ptr<ServedCredential> make_served_aws(AwsRequest req, CredentialDeps const& deps) {
  return std::make_unique<ServedAws>(std::move(req), deps);
}

std::unique_ptr<ServedCredential> make_served_google(std::string profile, GoogleTokenSource& source,
                                                     std::int64_t timeout_seconds) {
  return std::make_unique<ServedGoogle>(std::move(profile), source, timeout_seconds);
}

}  // namespace fedcred
