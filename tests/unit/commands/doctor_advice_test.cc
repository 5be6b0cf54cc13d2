// SPDX-License-Identifier: Apache-2.0
// doctor's fix advice is pure: a failure and what the walk knows in, one fix out.
#include "commands/doctor/advice.h"

#include <gtest/gtest.h>

#include "commands/doctor/report.h"

namespace fedcred {
namespace {

bool contains(std::string const& haystack, std::string const& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(DoctorAdvice, SourceFixByStatusAndSource) {
  EXPECT_TRUE(contains(source_fix("gce", Status::usage), "fedcred.conf(5)"));
  EXPECT_TRUE(contains(source_fix("file", Status::source), "token_file"));
  EXPECT_TRUE(contains(source_fix("aws", Status::denied), "enable-outbound-web-identity-federation"));
  EXPECT_TRUE(contains(source_fix("aws", Status::source), "instance role"));
  EXPECT_TRUE(contains(source_fix("gce", Status::source), "GCE_METADATA_HOST"));
}

TEST(DoctorAdvice, AccessDeniedNamesTheConditionsOfAGoogleToken) {
  JwtClaims claims;
  claims.iss = "https://accounts.google.com";
  claims.sub = "111";
  claims.azp = "111";
  claims.aud = "sts.amazonaws.com";
  auto fix = exchange_fix(make_error(Status::denied, "AccessDenied: Not authorized"), claims,
                          "arn:aws:iam::123456789012:role/r");
  EXPECT_TRUE(contains(fix, "accounts.google.com")) << fix;
  EXPECT_TRUE(contains(fix, "accounts.google.com:sub = 111")) << fix;
  EXPECT_TRUE(contains(fix, "fedcred setup aws-trust-policy")) << fix;
}

TEST(DoctorAdvice, InvalidTokenAndStatusFallbacks) {
  JwtClaims claims;
  EXPECT_TRUE(contains(exchange_fix(make_error(Status::denied, "InvalidIdentityToken: x"), claims, "r"), "clock"));
  EXPECT_TRUE(contains(exchange_fix(make_error(Status::transient, "503"), claims, "r"), "retry later"));
  EXPECT_TRUE(contains(exchange_fix(make_error(Status::response, "?"), claims, "r"), "AWS_ENDPOINT_URL_STS"));
}

TEST(DoctorReport, StatusIsTheFirstFailure) {
  StepRecorder steps;
  steps.ok("config", "fine");
  steps.warn("cache", "meh", "fix it");
  EXPECT_EQ(steps.take().status(), Status::ok);
  StepRecorder failing;
  failing.ok("config", "fine");
  failing.fail("metadata", Status::source, "down", "wait");
  failing.fail("exchange", Status::denied, "no", "trust");
  EXPECT_EQ(failing.take().status(), Status::source);
}

TEST(DoctorReport, ServerDatesBecomeOffsets) {
  StepRecorder steps;
  steps.note_server_date("STS", "Thu, 01 Jan 2026 00:00:30 GMT", 1767225600);
  steps.note_server_date("junk", "yesterday", 1767225600);
  steps.note_server_date("none", "", 1767225600);
  ASSERT_EQ(steps.server_offsets().size(), 1U);
  EXPECT_EQ(steps.server_offsets()[0].first, "STS");
  EXPECT_EQ(steps.server_offsets()[0].second, 30);
}

}  // namespace
}  // namespace fedcred
