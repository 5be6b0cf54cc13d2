// SPDX-License-Identifier: Apache-2.0
// scrub_secrets and the Logger's use of it.
#include "logger.h"

#include <string>
#include <vector>

#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::make_gce_jwt;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ScrubSecrets, RedactsAJwt) {
  std::string jwt = make_gce_jwt("web-1");
  std::string out = scrub_secrets("token " + jwt + " was refused");
  EXPECT_EQ(out, "token [redacted] was refused");
}

TEST(ScrubSecrets, RedactsEveryJwtAndEveryPartOfIt) {
  std::string a = make_gce_jwt("a-host"), b = make_gce_jwt("b-host");
  std::string out = scrub_secrets(a + "," + b + "\n" + a);
  EXPECT_EQ(out, "[redacted],[redacted]\n[redacted]");
  for (auto const& jwt : {a, b}) {
    for (std::size_t i = 0; i + 16 <= jwt.size(); i += 16) EXPECT_THAT(out, Not(HasSubstr(jwt.substr(i, 16))));
  }
}

TEST(ScrubSecrets, RedactsAJwtGluedToPunctuation) {
  std::string jwt = make_gce_jwt("web-1");
  EXPECT_EQ(scrub_secrets("\"" + jwt + "\""), "\"[redacted]\"");
  EXPECT_EQ(scrub_secrets("WebIdentityToken=" + jwt + "&Version=2011-06-15"),
            "WebIdentityToken=[redacted]&Version=2011-06-15");
}

TEST(ScrubSecrets, LeavesNormalTextAlone) {
  for (std::string text : {std::string(), std::string("STS (sts.us-east-1.amazonaws.com) answered AccessDenied"),
                           std::string("/etc/fedcred/fedcred.conf:12: unknown key 'bogus'"),
                           std::string("hey Jude, eyJane.doe is a name"), std::string("eyJ"),
                           std::string("arn:aws:iam::123456789012:role/s3-reader")}) {
    EXPECT_EQ(scrub_secrets(text), text);
  }
}

TEST(ScrubSecrets, ShortEyjRunsAreKeptLongOnesRedacted) {
  // The threshold is 16 characters of base64url and dots starting at "eyJ".
  EXPECT_EQ(scrub_secrets("x eyJ0eXAiOiJKV1Q y"), "x eyJ0eXAiOiJKV1Q y");  // 15
  EXPECT_EQ(scrub_secrets("x eyJ0eXAiOiJKV1Qi y"), "x [redacted] y");      // 16
}

TEST(Logger, SinkReceivesScrubbedMessagesWithLevels) {
  std::vector<std::pair<int, std::string>> got;
  Logger log([&](int level, std::string const& m) { got.emplace_back(level, m); });
  std::string jwt = make_gce_jwt("web-1");
  log.warning("bad token " + jwt);
  log.info("plain");
  log.debug("d");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], std::make_pair(int{FEDCRED_LOG_WARNING}, std::string("bad token [redacted]")));
  EXPECT_EQ(got[1], std::make_pair(int{FEDCRED_LOG_INFO}, std::string("plain")));
  EXPECT_EQ(got[2].first, FEDCRED_LOG_DEBUG);
}

TEST(Logger, WithoutSinkDropsMessages) {
  Logger log;
  log.warning("nobody listens");  // must not crash
  SUCCEED();
}

// -v prints unverified claims (sub, iss) and server messages: no escape
// sequence or newline from them reaches the terminal (issue 12, item 12).
TEST(Logger, MessagesReachTheSinkPrintable) {
  std::vector<std::string> got;
  Logger log([&got](int, std::string const& m) { got.push_back(m); });
  log.debug("subject token: sub=a\x1b]0;title\x07" "b\nfedcred: audit: forged\x7f\xc2\x9b" "31m caf\xc3\xa9");
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0], "subject token: sub=a ]0;title b fedcred: audit: forged  31m caf\xc3\xa9");
}

}  // namespace
}  // namespace fedcred
