// SPDX-License-Identifier: Apache-2.0
// What fedcred serve's metadata paths say about a profile's Google tokens,
// read from its credential config (no exchange): the email in a path must be
// an email or "default", the project number comes from the audience.
#include "commands/serve_google.h"

#include <gtest/gtest.h>

namespace fedcred {
namespace {

constexpr char kAudience[] =
    "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/pool/providers/aws";
constexpr char kScope[] = "https://www.googleapis.com/auth/cloud-platform";

TEST(GoogleIdentityOf, ImpersonatedServiceAccount) {
  auto id = google_identity_of(AccessTokenTarget{
      kAudience,
      "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/"
      "reader@demo-project.iam.gserviceaccount.com:generateAccessToken",
      std::string(kScope) + " https://www.googleapis.com/auth/devstorage.read_only", "demo-project"});
  EXPECT_EQ(id.email, "reader@demo-project.iam.gserviceaccount.com");
  EXPECT_EQ(id.scopes, (std::vector<std::string>{kScope, "https://www.googleapis.com/auth/devstorage.read_only"}));
  EXPECT_EQ(id.numeric_project_id, "123456789012");
  EXPECT_EQ(id.project_id, "demo-project");
}

TEST(GoogleIdentityOf, FederatedTokenIsDefaultAndTheNumberStandsForTheProject) {
  auto id = google_identity_of(AccessTokenTarget{kAudience, "", kScope, ""});
  EXPECT_EQ(id.email, "default");
  EXPECT_EQ(id.scopes, (std::vector<std::string>{kScope}));
  EXPECT_EQ(id.project_id, "123456789012");
  EXPECT_EQ(id.numeric_project_id, "123456789012");
}

TEST(GoogleIdentityOf, WorkforcePoolsAndOddUrlsNameNoProjectOrEmail) {
  auto id = google_identity_of(AccessTokenTarget{
      "//iam.googleapis.com/locations/global/workforcePools/pool/providers/p",
      "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/x", kScope, ""});
  EXPECT_EQ(id.email, "default");
  EXPECT_EQ(id.numeric_project_id, "");
  EXPECT_EQ(id.project_id, "");
  EXPECT_EQ(google_identity_of(AccessTokenTarget{"//iam.googleapis.com/projects/12ab/x", "", kScope, ""})
                .numeric_project_id,
            "");
}

TEST(GoogleIdentityOf, CarriesTheProfilesTimeout) {
  // serve holds early requests for the first fetch by it (issue 21.8)
  EXPECT_EQ(google_identity_of(AccessTokenTarget{kAudience, "", kScope, "", 90}).timeout_seconds, 90);
}

}  // namespace
}  // namespace fedcred
