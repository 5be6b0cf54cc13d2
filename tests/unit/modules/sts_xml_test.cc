// SPDX-License-Identifier: Apache-2.0
#include "sts_xml.h"

#include <gtest/gtest.h>

#include "sts_fixtures.h"

namespace fedcred::modules {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): fixtures

void expect_no_secret(Error const& e) {
  for (char const* marker : kMarkers) EXPECT_EQ(e.message.find(marker), std::string::npos) << e.message;
}

TEST(ParseAssumeRole, Success) {
  auto creds = parse_assume_role_response(success_xml());
  ASSERT_TRUE(creds.ok()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(creds->secret_access_key.reveal(), kSecretKey);
  EXPECT_EQ(creds->session_token.reveal(), kSessionToken);
  EXPECT_EQ(creds->expiration, "2026-01-01T01:00:00Z");
  EXPECT_EQ(creds->assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/reader/fedcred");
  EXPECT_EQ(creds->request_id, "req-1");
}

TEST(ParseAssumeRole, NamespacesAreIgnored) {
  EXPECT_TRUE(parse_assume_role_response(success_xml("urn:other")).ok());
  std::string xml = success_xml();
  xml.replace(xml.find(" xmlns="), xml.find('>') - xml.find(" xmlns="), "");
  auto plain = parse_assume_role_response(xml);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(plain->access_key_id, "ASIAEXAMPLE");

  std::string prefixed =
      "<sts:AssumeRoleWithWebIdentityResponse xmlns:sts=\"urn:x\"><sts:AssumeRoleWithWebIdentityResult>"
      "<sts:Credentials><sts:AccessKeyId>A</sts:AccessKeyId><sts:SecretAccessKey>S</sts:SecretAccessKey>"
      "<sts:SessionToken>T</sts:SessionToken><sts:Expiration>E</sts:Expiration></sts:Credentials>"
      "</sts:AssumeRoleWithWebIdentityResult></sts:AssumeRoleWithWebIdentityResponse>";
  auto p = parse_assume_role_response(prefixed);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->session_token.reveal(), "T");
}

TEST(ParseAssumeRole, EntitiesAndCdataAreDecoded) {
  std::string xml = success_xml();
  xml.replace(xml.find("ASIAEXAMPLE"), 11, "ASIA&amp;X<![CDATA[Y]]>");
  auto creds = parse_assume_role_response(xml);
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->access_key_id, "ASIA&XY");
}

TEST(ParseAssumeRole, MissingCredentialsFieldIsRejected) {
  for (char const* field : {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}) {
    std::string xml = success_xml();
    std::string open = std::string("<") + field + ">";
    std::string close = std::string("</") + field + ">";
    auto start = xml.find(open);
    auto end = xml.find(close) + close.size();
    xml.erase(start, end - start);
    auto creds = parse_assume_role_response(xml);
    ASSERT_FALSE(creds.ok()) << field;
    EXPECT_EQ(creds.error().status, Status::response);
    EXPECT_NE(creds.error().message.find(field), std::string::npos);
    expect_no_secret(creds.error());
  }
}

TEST(ParseAssumeRole, EmptyFieldIsRejected) {
  std::string xml = success_xml();
  xml.replace(xml.find("ASIAEXAMPLE"), 11, "");
  EXPECT_FALSE(parse_assume_role_response(xml).ok());
}

TEST(ParseAssumeRole, FieldsOutsideCredentialsDoNotCount) {
  std::string xml =
      "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
      "<AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
      "<SessionToken>T</SessionToken><Expiration>E</Expiration>"
      "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
  EXPECT_FALSE(parse_assume_role_response(xml).ok());
}

TEST(ParseAssumeRole, MalformedXml) {
  std::string truncated = success_xml().substr(0, 300);
  for (std::string const& bad : {truncated, std::string("not xml at all"), std::string(""),
                                 std::string("<a><b></a>"), std::string("{\"json\": true}")}) {
    auto creds = parse_assume_role_response(bad);
    ASSERT_FALSE(creds.ok()) << bad;
    EXPECT_EQ(creds.error().status, Status::response);
    expect_no_secret(creds.error());
  }
  auto malformed = parse_assume_role_response(truncated);
  EXPECT_NE(malformed.error().message.find("malformed XML"), std::string::npos);
}

TEST(ParseAssumeRole, WrongRootIsRejected) {
  auto creds = parse_assume_role_response(error_xml("AccessDenied", "no"));
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.error().message.find("not an AssumeRoleWithWebIdentityResponse"), std::string::npos);
}

TEST(ParseAssumeRole, DoctypeIsRejected) {
  std::string bomb =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>"
      "<AssumeRoleWithWebIdentityResponse>&lol2;</AssumeRoleWithWebIdentityResponse>";
  auto creds = parse_assume_role_response(bomb);
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.error().message.find("DOCTYPE"), std::string::npos);
}

TEST(ParseAssumeRole, HugeDocumentIsRejected) {
  std::string xml = success_xml();
  xml.insert(xml.find("<Provider>"), "<Pad>" + std::string(kMaxStsDocumentBytes, 'x') + "</Pad>");
  auto creds = parse_assume_role_response(xml);
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.error().status, Status::response);
  EXPECT_NE(creds.error().message.find("exceeds"), std::string::npos);
}

TEST(ParseAssumeRole, LargeSessionTokenJustBelowTheCap) {
  std::string token(200 * 1024, 'T');
  std::string xml = success_xml();
  xml.replace(xml.find(kSessionToken), std::string(kSessionToken).size(), token);
  auto creds = parse_assume_role_response(xml);
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->session_token.size(), token.size());
}

TEST(ParseError, ErrorDocument) {
  auto e = parse_error_response(error_xml("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->type, "Sender");
  EXPECT_EQ(e->code, "AccessDenied");
  EXPECT_EQ(e->message, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
  EXPECT_EQ(e->request_id, "req-err-7");
}

TEST(ParseError, RejectsOtherDocuments) {
  EXPECT_FALSE(parse_error_response(success_xml()).ok());
  EXPECT_FALSE(parse_error_response("<html><body>502 Bad Gateway</body></html>").ok());
  EXPECT_FALSE(parse_error_response("<ErrorResponse><Error><Message>m</Message></Error></ErrorResponse>").ok());
  EXPECT_FALSE(parse_error_response("Service Unavailable").ok());
}

}  // namespace
}  // namespace fedcred::modules
