// SPDX-License-Identifier: Apache-2.0
// The metadata server's answer naming its service account (issue 21.12).
#include "flows/metadata_account.h"

#include <gtest/gtest.h>

namespace fedcred {
namespace {

TEST(MetadataAccount, TheEmailIsTheAnswer) {
  auto email = account_from_answer(200, "sa@p.iam.gserviceaccount.com\n", "h");
  ASSERT_TRUE(email.ok());
  EXPECT_EQ(*email, "sa@p.iam.gserviceaccount.com");
  EXPECT_EQ(*account_from_answer(200, "123-compute@developer.gserviceaccount.com", "h"),
            "123-compute@developer.gserviceaccount.com");
}

TEST(MetadataAccount, AnythingElseIsASourceFailure) {
  for (auto [status, body] : {std::pair{404, "not found"}, std::pair{503, "x@y"}, std::pair{200, ""},
                              std::pair{200, "no-at-sign"}, std::pair{200, "a@b\nsecond line"},
                              std::pair{200, "<html>a@b</html>"}}) {
    auto email = account_from_answer(status, body, "metadata.google.internal");
    ASSERT_FALSE(email.ok()) << status << " " << body;
    EXPECT_EQ(email.error().status, Status::source);
    EXPECT_NE(email.error().message.find("metadata.google.internal"), std::string::npos);
  }
}

TEST(MetadataAccount, OnlyTheGceSourceAsks) {
  auto none = name_metadata_account("aws", "h", nullptr, 0);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, "");
  EXPECT_EQ(name_metadata_account("gce", "h", nullptr, 0).error().status, Status::internal);
}

}  // namespace
}  // namespace fedcred
