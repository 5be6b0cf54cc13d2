// SPDX-License-Identifier: Apache-2.0
// The fake of the AzureTokenSource seam (flows/azure_token_source.h): one
// profile, tokens or an error as the test sets, every request recorded.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "flows/azure_token_source.h"

namespace fedcred::test {

class FakeAzureTokenSource final : public AzureTokenSource {
 public:
  Result<std::string> client_id(std::string const& profile) override {
    if (profile != profile_) return make_error(Status::usage, "no Azure profile '" + profile + "'");
    return client_id_;
  }
  Result<AzureAccessToken> current_token(std::string const& profile, std::string const& resource,
                                         AuditRecord& audit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    asked.push_back(profile + " " + resource);
    audit.cache = cache;
    audit.log_target = "none";
    if (error) return *error;
    return AzureAccessToken{Secret("entra-token-for " + resource), expiration};
  }

  std::string profile_ = "entra";
  std::string client_id_ = "3f1d2c4b-5a69-4788-9abc-def012345678";
  std::vector<std::string> asked;
  std::optional<Error> error;
  CacheUse cache = CacheUse::miss;
  std::int64_t expiration = 1'767'229'200;

 private:
  std::mutex mutex_;
};

}  // namespace fedcred::test
