// SPDX-License-Identifier: Apache-2.0
// The command table drives dispatch, request-key validation and the audit
// trail: these tests pin what each row says and that request.cc obeys it.
#include "commands/table.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "commands/request.h"
#include "commands/run.h"
#include "fakes/test_support.h"

namespace fedcred {
namespace {

TEST(CommandTable, NamesAreUniqueAndFindable) {
  std::set<std::string_view> seen;
  for (auto const* spec : command_table()) {
    EXPECT_TRUE(seen.insert(spec->name).second) << spec->name;
    EXPECT_EQ(find_command(spec->name), spec);
    EXPECT_NE(spec->run, nullptr) << spec->name;
    EXPECT_TRUE(is_known_command(spec->name));
  }
  EXPECT_EQ(find_command("nope"), nullptr);
  EXPECT_FALSE(is_known_command("aws "));
}

TEST(CommandTable, OnlyCredentialCommandsAreAudited) {
  std::set<std::string_view> audited;
  for (auto const* spec : command_table()) {
    if (spec->hands_out_credentials) audited.insert(spec->name);
  }
  EXPECT_EQ(audited, (std::set<std::string_view>{"access-token", "aws", "gcp", "token"}));
  // the static front (helper/front/) serves exactly these rows
  std::set<std::string_view> front;
  for (auto const& spec : credential_command_table()) front.insert(spec.name);
  EXPECT_EQ(front, audited);
}

TEST(CommandTable, OnlyGcpIsQuietAndPrintsAFailureDocument) {
  for (auto const* spec : command_table()) {
    bool gcp = spec->name == "gcp";
    EXPECT_EQ(spec->quiet_stderr, gcp) << spec->name;
    EXPECT_EQ(spec->failure_document != nullptr, gcp) << spec->name;
  }
  auto doc = failure_document_for("gcp", make_error(Status::denied, "no"));
  ASSERT_TRUE(doc.has_value());
  EXPECT_NE(doc->reveal().find("\"success\":false"), std::string::npos);
  EXPECT_FALSE(failure_document_for("aws", make_error(Status::denied, "no")).has_value());
}

TEST(CommandTable, RequestKeysFollowTheRowOptions) {
  Request token{"token", {}, {}};
  EXPECT_TRUE(set_request_key(token, "output", "/tmp/x").ok());
  EXPECT_EQ(token.options.at("output"), "/tmp/x");
  Request aws{"aws", {}, {}};
  // "output" is not an aws option, nor a profile key.
  EXPECT_TRUE(test::FailsWith(set_request_key(aws, "output", "/tmp/x"), Status::usage));
  EXPECT_TRUE(set_request_key(aws, "role_arn", "arn:aws:iam::123456789012:role/r").ok());
  Request doctor{"doctor", {}, {}};
  EXPECT_TRUE(set_request_key(doctor, "json", "true").ok());
  EXPECT_TRUE(test::FailsWith(set_request_key(doctor, "json", "maybe"), Status::usage));
}

// The static front passes the run's start to the fetcher it execs (issue 15):
// only a start inside the longest run is taken, so a stray or forged value
// can shorten the caller's own deadline, never lengthen it.
TEST(HandedOffStart, OnlyAStartWithinTheLongestRunIsTaken) {
  constexpr std::int64_t kNow = 5'000'000;
  constexpr std::int64_t kMaxAge = 300'000;
  auto start = [&](std::string const& value) { return handed_off_start_ms(MapEnv{{kRunStartedEnv, value}}, kNow, kMaxAge); };
  EXPECT_EQ(start("4999990"), 4'999'990);
  EXPECT_EQ(start(std::to_string(kNow)), kNow);
  EXPECT_EQ(start(std::to_string(kNow - kMaxAge)), kNow - kMaxAge);
  EXPECT_EQ(start(std::to_string(kNow - kMaxAge - 1)), 0) << "older than any run";
  EXPECT_EQ(start(std::to_string(kNow + 1)), 0) << "a start in the future would lengthen the deadline";
  for (char const* bad : {"", "-1", "12a", " 4999990", "4999990.5", "99999999999999999999999"}) {
    EXPECT_EQ(start(bad), 0) << bad;
  }
  EXPECT_EQ(handed_off_start_ms(MapEnv{}, kNow, kMaxAge), 0);
}

}  // namespace
}  // namespace fedcred
