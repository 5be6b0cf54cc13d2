// SPDX-License-Identifier: Apache-2.0
#include "flows/google_token_source.h"

namespace fedcred {
namespace {

constexpr char kNotWired[] =
    "the Google route (--gcp-profile) is not available in this build: it serves the tokens of "
    "`fedcred access-token` (issue 13), which is not wired into `fedcred serve` yet";

class UnwiredGoogleTokenSource final : public GoogleTokenSource {
 public:
  Result<GoogleTokenIdentity> identity(std::string const&) override { return make_error(Status::usage, kNotWired); }
  Result<GoogleAccessToken> current_token(std::string const&, std::int64_t) override {
    return make_error(Status::usage, kNotWired);
  }
};

}  // namespace

std::unique_ptr<GoogleTokenSource> make_unwired_google_token_source() {
  return std::make_unique<UnwiredGoogleTokenSource>();
}

}  // namespace fedcred
