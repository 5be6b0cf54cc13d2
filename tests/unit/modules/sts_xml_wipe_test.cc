// SPDX-License-Identifier: Apache-2.0
// The AssumeRoleWithWebIdentity answer holds the session token and secret key:
// after parsing it, no freed block (expat's buffers, the collector's values)
// may hold them (issue 12, item 8; fakes/freed_memory_scan.h replaces free()).
#include <string>

#include <gtest/gtest.h>

#include "fakes/freed_memory_scan.h"
#include "sts_xml.h"

namespace fedcred::modules {
namespace {

using fedcred::test::FreedMemoryScan;

std::string answer_with(std::string_view token) {
  return "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
         "<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
         "<SecretAccessKey>secret</SecretAccessKey><SessionToken>" +
         std::string(token) +
         "</SessionToken><Expiration>2026-01-01T01:00:00Z</Expiration></Credentials>"
         "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
}

TEST(StsXmlWipe, ParsingLeavesNoSessionTokenInFreedMemory) {
  FreedMemoryScan scan;
  std::string xml = answer_with(std::string(scan.canary()) + std::string(600, 'T'));
  scan.arm();
  {
    auto creds = parse_assume_role_response(xml);
    ASSERT_TRUE(creds.ok()) << creds.error().message;
    EXPECT_EQ(creds->session_token.size(), scan.canary().size() + 600);
  }  // the credentials (Secrets) wipe themselves here
  scan.disarm();
  wipe(xml);
  EXPECT_EQ(scan.hits(), 0) << "a freed block held the session token";
}

}  // namespace
}  // namespace fedcred::modules
