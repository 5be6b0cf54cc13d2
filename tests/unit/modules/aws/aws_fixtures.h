// SPDX-License-Identifier: Apache-2.0
// IMDS and GetWebIdentityToken documents for the aws source's tests. Every
// secret carries a marker that no error message may contain.
#pragma once

#include <string>

namespace fedcred::modules::testing {

inline constexpr char kAwsSecretKey[] = "AWSSECRETMARKER/K7MDENG+bPxRfiCYEXAMPLEKEY";
inline constexpr char kAwsSessionToken[] = "AWSSESSIONMARKER//////////wEaDFp+VDQ0ODEyNzM=";
inline constexpr char kImdsToken[] = "IMDSTOKENMARKER-AQAEAFakeToken==";
inline constexpr char kJwt[] = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhcm4ifQ.JWTMARKERsig";
inline constexpr char const* kAwsMarkers[] = {"AWSSECRETMARKER", "AWSSESSIONMARKER", "IMDSTOKENMARKER",
                                              "JWTMARKER"};
inline constexpr char kAudience[] =
    "https://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p/providers/x";

inline std::string imds_credentials_json(std::string const& code = "Success") {
  return "{\n  \"Code\" : \"" + code +
         "\",\n  \"LastUpdated\" : \"2026-01-01T00:00:00Z\",\n  \"Type\" : \"AWS-HMAC\",\n"
         "  \"AccessKeyId\" : \"ASIAIMDSEXAMPLE\",\n  \"SecretAccessKey\" : \"" +
         std::string(kAwsSecretKey) + "\",\n  \"Token\" : \"" + kAwsSessionToken +
         "\",\n  \"Expiration\" : \"2026-01-01T06:00:00Z\"\n}";
}

inline std::string web_identity_token_xml(std::string const& expiration = "2023-11-14T23:13:20Z") {
  return "<GetWebIdentityTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
         "  <GetWebIdentityTokenResult>\n"
         "    <WebIdentityToken>" +
         std::string(kJwt) +
         "</WebIdentityToken>\n"
         "    <Expiration>" +
         expiration +
         "</Expiration>\n"
         "  </GetWebIdentityTokenResult>\n"
         "  <ResponseMetadata><RequestId>req-wit-1</RequestId></ResponseMetadata>\n"
         "</GetWebIdentityTokenResponse>\n";
}

}  // namespace fedcred::modules::testing
