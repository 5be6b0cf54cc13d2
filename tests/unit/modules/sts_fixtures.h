// SPDX-License-Identifier: Apache-2.0
// STS documents for the tests. Every secret carries a marker that no error
// message may contain.
#pragma once

#include <string>

namespace fedcred::modules::testing {

inline constexpr char kSecretKey[] = "SECRETKEYMARKER/wJalrXUtnFEMI+K7MDENG";
inline constexpr char kSessionToken[] = "SESSIONMARKER//////////wEaDFp+VDQ0ODEyNzM=";
// A token with the characters form encoding must escape (+ / =).
inline constexpr char kWebToken[] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.WEBTOKENMARKER+/=";
inline constexpr char const* kMarkers[] = {"SECRETKEYMARKER", "SESSIONMARKER", "WEBTOKENMARKER"};

inline std::string success_xml(std::string const& ns = "https://sts.amazonaws.com/doc/2011-06-15/") {
  return "<AssumeRoleWithWebIdentityResponse xmlns=\"" + ns +
         "\">\n"
         "  <AssumeRoleWithWebIdentityResult>\n"
         "    <SubjectFromWebIdentityToken>123</SubjectFromWebIdentityToken>\n"
         "    <Audience>sts.amazonaws.com</Audience>\n"
         "    <AssumedRoleUser>\n"
         "      <Arn>arn:aws:sts::123456789012:assumed-role/reader/fedcred</Arn>\n"
         "      <AssumedRoleId>AROAEXAMPLE:fedcred</AssumedRoleId>\n"
         "    </AssumedRoleUser>\n"
         "    <Credentials>\n"
         "      <SessionToken>" +
         std::string(kSessionToken) +
         "</SessionToken>\n"
         "      <SecretAccessKey>" +
         std::string(kSecretKey) +
         "</SecretAccessKey>\n"
         "      <Expiration>2026-01-01T01:00:00Z</Expiration>\n"
         "      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>\n"
         "    </Credentials>\n"
         "    <Provider>accounts.google.com</Provider>\n"
         "  </AssumeRoleWithWebIdentityResult>\n"
         "  <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>\n"
         "</AssumeRoleWithWebIdentityResponse>\n";
}

inline std::string error_xml(std::string const& code, std::string const& message) {
  return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
         "  <Error><Type>Sender</Type><Code>" +
         code + "</Code><Message>" + message +
         "</Message></Error>\n"
         "  <RequestId>req-err-7</RequestId>\n"
         "</ErrorResponse>\n";
}

}  // namespace fedcred::modules::testing
