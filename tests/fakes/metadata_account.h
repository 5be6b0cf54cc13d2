// SPDX-License-Identifier: Apache-2.0
// The fake of the metadata-account seam (flows/metadata_account.h): answers
// an email, or fails, and records each question.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flows/metadata_account.h"

namespace fedcred::test {

class FakeMetadataAccountLookup final : public MetadataAccountLookup {
 public:
  struct Call {
    std::string metadata_host;
    std::int64_t deadline_ms;
  };
  std::string email = "fedcred-test@fedcred-demo.iam.gserviceaccount.com";
  std::optional<Error> error;  // set: every question fails with it
  std::vector<Call> calls;

  Result<std::string> account_email(std::string const& metadata_host, std::int64_t deadline_ms) override {
    calls.push_back(Call{metadata_host, deadline_ms});
    if (error) return *error;
    return email;
  }
};

}  // namespace fedcred::test
