// SPDX-License-Identifier: Apache-2.0
// base64url decoding and unverified JWT claim extraction.
#include "flows/jwt_claims.h"

#include <string>

#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::base64url_encode;
using test::FailsWith;
using test::make_gce_jwt;
using test::make_jwt;
using test::Succeeds;
using ::testing::HasSubstr;
using ::testing::Not;

// ---- base64url_decode ----

TEST(Base64urlDecode, Rfc4648Vectors) {
  EXPECT_EQ(base64url_decode(""), "");
  EXPECT_EQ(base64url_decode("Zg"), "f");
  EXPECT_EQ(base64url_decode("Zm8"), "fo");
  EXPECT_EQ(base64url_decode("Zm9v"), "foo");
  EXPECT_EQ(base64url_decode("Zm9vYg"), "foob");
  EXPECT_EQ(base64url_decode("Zm9vYmE"), "fooba");
  EXPECT_EQ(base64url_decode("Zm9vYmFy"), "foobar");
}

TEST(Base64urlDecode, PaddingIsOptional) {
  EXPECT_EQ(base64url_decode("Zg=="), "f");
  EXPECT_EQ(base64url_decode("Zm8="), "fo");
  EXPECT_EQ(base64url_decode("Zm9vYmE="), "fooba");
}

TEST(Base64urlDecode, UrlSafeAlphabetMapsTo62And63) {
  EXPECT_EQ(base64url_decode("-_-_"), std::string("\xfb\xff\xbf", 3));
  EXPECT_EQ(base64url_decode("AP8A"), std::string("\x00\xff\x00", 3));
}

TEST(Base64urlDecode, StandardAlphabetAndOtherCharactersAreRefused) {
  for (char const* bad : {"+/+/", "Zm9v+g", "Zm9v/g", "Zm 9v", "Zm9v\n", "Z=g=", "=Zg", "Zm9v!", "Zm9\xc3\xa9"}) {
    EXPECT_EQ(base64url_decode(bad), std::nullopt) << bad;
  }
}

TEST(Base64urlDecode, ImpossibleLengthsAreRefused) {
  // A length of 4n+1 cannot come from any byte string.
  for (char const* bad : {"Z", "Zm9vY", "Zm9vYmFyZ", "Z===", "Zm9vY="}) {
    EXPECT_EQ(base64url_decode(bad), std::nullopt) << bad;
  }
}

TEST(Base64urlDecode, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len <= 5; ++len) EXPECT_EQ(base64url_decode(base64url_encode(all.substr(0, len))), all.substr(0, len));
  EXPECT_EQ(base64url_decode(base64url_encode(all)), all);
}

// ---- decode_jwt_claims ----

TEST(DecodeJwtClaims, ReadsStandardAndGceClaims) {
  auto claims = decode_jwt_claims(make_gce_jwt("web-1"));
  ASSERT_TRUE(Succeeds(claims));
  EXPECT_EQ(claims->iss, "https://accounts.google.com");
  EXPECT_EQ(claims->aud, "sts.amazonaws.com");
  EXPECT_EQ(claims->sub, "107517467455664443765");
  EXPECT_EQ(claims->azp, "107517467455664443765");
  EXPECT_EQ(claims->iat, 1767225600);
  EXPECT_EQ(claims->exp, 1767229200);
  EXPECT_EQ(claims->instance_name, "web-1");
  EXPECT_EQ(claims->email, "");
}

TEST(DecodeJwtClaims, MissingAndMistypedClaimsAreEmpty) {
  auto claims = decode_jwt_claims(make_jwt(R"({"sub":42,"iat":"soon","email":"sa@p.iam.gserviceaccount.com",)"
                                           R"("google":{"compute_engine":"not-an-object"}})"));
  ASSERT_TRUE(Succeeds(claims));
  EXPECT_EQ(claims->sub, "");
  EXPECT_EQ(claims->iat, std::nullopt);
  EXPECT_EQ(claims->exp, std::nullopt);
  EXPECT_EQ(claims->email, "sa@p.iam.gserviceaccount.com");
  EXPECT_EQ(claims->instance_name, "");
}

TEST(DecodeJwtClaims, EmptyObjectPayloadIsAccepted) {
  auto claims = decode_jwt_claims(make_jwt("{}"));
  ASSERT_TRUE(Succeeds(claims));
  EXPECT_EQ(claims->iss, "");
}

// Each of these is refused as Status::source and the message never quotes
// any part of the token.
void expect_not_a_jwt(std::string const& token) {
  SCOPED_TRACE("token: " + token);
  auto claims = decode_jwt_claims(token);
  ASSERT_TRUE(FailsWith(claims, Status::source, "not a JWT"));
  std::string const& message = claims.error().message;
  std::size_t start = 0;
  while (start < token.size()) {
    std::size_t dot = token.find('.', start);
    std::string part = token.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.size() >= 4) {
      EXPECT_THAT(message, Not(HasSubstr(part)));
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
}

std::string header() { return base64url_encode(R"({"alg":"RS256"})"); }
std::string payload(std::string const& json) { return base64url_encode(json); }
std::string signature() { return base64url_encode("signature-bytes-that-are-secret"); }

TEST(DecodeJwtClaims, NotAJwt_Empty) { expect_not_a_jwt(""); }

TEST(DecodeJwtClaims, NotAJwt_OnePart) { expect_not_a_jwt(payload(R"({"sub":"opaque-access-token"})")); }

TEST(DecodeJwtClaims, NotAJwt_TwoParts) { expect_not_a_jwt(header() + "." + payload(R"({"sub":"x"})")); }

TEST(DecodeJwtClaims, NotAJwt_FourParts) {
  expect_not_a_jwt(header() + "." + payload(R"({"sub":"x"})") + "." + signature() + "." + signature());
}

TEST(DecodeJwtClaims, NotAJwt_FiveParts) {  // a JWE compact serialization
  expect_not_a_jwt(header() + ".AAAA." + payload("{}") + "." + signature() + ".BBBB");
}

TEST(DecodeJwtClaims, NotAJwt_PayloadNotBase64url) {
  expect_not_a_jwt(header() + ".eyJzdWIiOiJ4In0+/." + signature());
  expect_not_a_jwt(header() + ".e." + signature());
}

TEST(DecodeJwtClaims, NotAJwt_PayloadNotJson) { expect_not_a_jwt(header() + "." + payload("sub=x") + "." + signature()); }

TEST(DecodeJwtClaims, NotAJwt_PayloadNotAnObject) {
  expect_not_a_jwt(header() + "." + payload(R"(["sub","x"])") + "." + signature());
  expect_not_a_jwt(header() + "." + payload(R"("a string")") + "." + signature());
  expect_not_a_jwt(header() + "." + payload("42") + "." + signature());
  expect_not_a_jwt(header() + "." + payload("null") + "." + signature());
}

TEST(DecodeJwtClaims, NotAJwt_PayloadWithTrailingGarbage) {
  expect_not_a_jwt(header() + "." + payload(R"({"sub":"x"}garbage)") + "." + signature());
  expect_not_a_jwt(header() + "." + payload(R"({"sub":"x"}{"sub":"y"})") + "." + signature());
}

TEST(DecodeJwtClaims, NotAJwt_EmptyPayload) { expect_not_a_jwt(header() + ".." + signature()); }

TEST(DecodeJwtClaims, NotAJwt_HtmlErrorPage) {
  expect_not_a_jwt("<html><body>403 Forbidden. Your client does not have permission</body></html>");
}

}  // namespace
}  // namespace fedcred
