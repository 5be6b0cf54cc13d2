// SPDX-License-Identifier: Apache-2.0
// JsonWriter, the credential_process document and building credentials from
// the sts module's results.
#include "flows/aws_credentials.h"

#include <json-c/json.h>

#include <string>

#include "output/json_writer.h"
#include "fakes/test_support.h"
#include "time_format.h"

namespace fedcred {
namespace {

using test::FailsWith;
using test::make_values;
using test::Succeeds;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr char kAccessKey[] = "ASIAFAKEMARKERKEY001";
constexpr char kSecretKey[] = "secret-MARKER-wJalrXUtnFEMI/K7MDENG";
constexpr char kSessionToken[] = "session-MARKER-FwoGZXIvYXdzEJr//////////";
constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z
constexpr char kHost[] = "sts.us-east-1.amazonaws.com";

// An independent parser (json-c's, not the code under test) for the documents.
struct ParsedJson {
  json_object* root = nullptr;
  explicit ParsedJson(std::string const& text) {
    json_tokener* tok = json_tokener_new();
    root = json_tokener_parse_ex(tok, text.c_str(), static_cast<int>(text.size()));
    bool complete = json_tokener_get_error(tok) == json_tokener_success && json_tokener_get_parse_end(tok) == text.size();
    json_tokener_free(tok);
    if (!complete && root != nullptr) {
      json_object_put(root);
      root = nullptr;
    }
  }
  ParsedJson(ParsedJson const&) = delete;
  ParsedJson& operator=(ParsedJson const&) = delete;
  ~ParsedJson() { json_object_put(root); }

  json_object* field(char const* name) const {
    json_object* v = nullptr;
    return root != nullptr && json_object_object_get_ex(root, name, &v) ? v : nullptr;
  }
  std::string string(char const* name) const {
    json_object* v = field(name);
    return v != nullptr && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "<not a string>";
  }
};

std::map<std::string, std::string> complete_results() {
  return {{"access_key_id", kAccessKey},
          {"secret_access_key", kSecretKey},
          {"session_token", kSessionToken},
          {"expiration", "2026-01-01T01:00:00Z"},
          {"assumed_role_arn", "arn:aws:sts::123456789012:assumed-role/s3-reader/web-1"},
          {"request_id", "c6104cbe-af31-11e0-8154-cbc7ccf896c7"}};
}

void expect_no_secret_in(std::string const& message) {
  EXPECT_THAT(message, Not(HasSubstr(kAccessKey)));
  EXPECT_THAT(message, Not(HasSubstr(kSecretKey)));
  EXPECT_THAT(message, Not(HasSubstr(kSessionToken)));
}

AwsCredentials sample_credentials() {
  AwsCredentials c;
  c.access_key_id = Secret(std::string(kAccessKey));
  c.secret_access_key = Secret(std::string(kSecretKey));
  c.session_token = Secret(std::string(kSessionToken));
  c.expiration = kNow + 3600;
  return c;
}

// ---- JsonWriter ----

TEST(JsonWriter, EmptyObject) { EXPECT_EQ(JsonWriter().finish().reveal(), "{}"); }

TEST(JsonWriter, MembersInOrderWithCommas) {
  JsonWriter w;
  w.number("a", -5).string("b", "x").boolean("c", true).boolean("d", false);
  EXPECT_EQ(w.finish().reveal(), R"({"a":-5,"b":"x","c":true,"d":false})");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  std::string nasty = std::string("quote\" backslash\\ nl\n cr\r tab\t bell\x07 us\x1f nul");
  nasty += '\0';
  nasty += " end/\x7f";
  JsonWriter w;
  w.string("k\"ey", nasty);
  std::string text = w.finish().reveal();
  EXPECT_THAT(text, HasSubstr(R"(\")"));
  EXPECT_THAT(text, HasSubstr(R"(\\)"));
  EXPECT_THAT(text, HasSubstr(R"(\n)"));
  EXPECT_THAT(text, HasSubstr(R"(\u0007)"));
  EXPECT_THAT(text, HasSubstr(R"(\u001f)"));
  EXPECT_THAT(text, HasSubstr(R"(\u0000)"));
  for (char c : text) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control character in " << text;

  ParsedJson parsed(text);
  ASSERT_NE(parsed.root, nullptr) << text;
  json_object* v = parsed.field("k\"ey");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(std::string(json_object_get_string(v), static_cast<std::size_t>(json_object_get_string_len(v))), nasty);
}

// ---- render_credential_process ----

TEST(RenderCredentialProcess, IsOneJsonObjectWithVersionNumberOne) {
  std::string doc = render_credential_process(sample_credentials()).reveal();
  ParsedJson parsed(doc);
  ASSERT_NE(parsed.root, nullptr) << doc;
  ASSERT_TRUE(json_object_is_type(parsed.root, json_type_object));
  EXPECT_EQ(json_object_object_length(parsed.root), 5);
  json_object* version = parsed.field("Version");
  ASSERT_NE(version, nullptr);
  EXPECT_TRUE(json_object_is_type(version, json_type_int)) << "Version must be the number 1, not a string";
  EXPECT_EQ(json_object_get_int(version), 1);
  EXPECT_EQ(parsed.string("AccessKeyId"), kAccessKey);
  EXPECT_EQ(parsed.string("SecretAccessKey"), kSecretKey);
  EXPECT_EQ(parsed.string("SessionToken"), kSessionToken);
}

TEST(RenderCredentialProcess, ExpirationIsRfc3339UtcWithZ) {
  std::string doc = render_credential_process(sample_credentials()).reveal();
  ParsedJson parsed(doc);
  ASSERT_NE(parsed.root, nullptr) << doc;
  std::string expiration = parsed.string("Expiration");
  EXPECT_THAT(expiration, MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"));
  EXPECT_EQ(expiration, "2026-01-01T01:00:00Z");
}

TEST(RenderCredentialProcess, SecretsWithQuotesStayValidJson) {
  AwsCredentials c = sample_credentials();
  c.secret_access_key = Secret(std::string("a\"b\\c"));
  std::string doc = render_credential_process(c).reveal();
  ParsedJson parsed(doc);
  ASSERT_NE(parsed.root, nullptr) << doc;
  EXPECT_EQ(parsed.string("SecretAccessKey"), "a\"b\\c");
}

// ---- aws_credentials_from_exchange ----

TEST(AwsCredentialsFromExchange, CompleteResultsGiveCredentials) {
  auto creds = aws_credentials_from_exchange(make_values(complete_results()), kNow, kHost);
  ASSERT_TRUE(Succeeds(creds));
  EXPECT_EQ(creds->access_key_id.reveal(), kAccessKey);
  EXPECT_EQ(creds->secret_access_key.reveal(), kSecretKey);
  EXPECT_EQ(creds->session_token.reveal(), kSessionToken);
  EXPECT_EQ(creds->expiration, kNow + 3600);
  EXPECT_EQ(creds->assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/s3-reader/web-1");
  EXPECT_EQ(creds->request_id, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
}

TEST(AwsCredentialsFromExchange, OptionalFieldsMayBeAbsent) {
  auto results = complete_results();
  results.erase("assumed_role_arn");
  results.erase("request_id");
  auto creds = aws_credentials_from_exchange(make_values(results), kNow, kHost);
  ASSERT_TRUE(Succeeds(creds));
  EXPECT_EQ(creds->assumed_role_arn, "");
  EXPECT_EQ(creds->request_id, "");
}

TEST(AwsCredentialsFromExchange, ExpirationWithOffsetAndFraction) {
  auto results = complete_results();
  results["expiration"] = "2026-01-01T02:00:00.750+01:00";
  auto creds = aws_credentials_from_exchange(make_values(results), kNow, kHost);
  ASSERT_TRUE(Succeeds(creds));
  EXPECT_EQ(creds->expiration, kNow + 3600);
}

struct MissingField {
  char const* result_key;
  char const* sts_name;
};

class AwsCredentialsMissingField : public ::testing::TestWithParam<MissingField> {};

TEST_P(AwsCredentialsMissingField, AbsentIsAResponseErrorNamingIt) {
  auto results = complete_results();
  results.erase(GetParam().result_key);
  auto creds = aws_credentials_from_exchange(make_values(results), kNow, kHost);
  ASSERT_TRUE(FailsWith(creds, Status::response, GetParam().sts_name, kHost));
  expect_no_secret_in(creds.error().message);
}

TEST_P(AwsCredentialsMissingField, EmptyIsAResponseErrorNamingIt) {
  auto results = complete_results();
  results[GetParam().result_key] = "";
  auto creds = aws_credentials_from_exchange(make_values(results), kNow, kHost);
  ASSERT_TRUE(FailsWith(creds, Status::response, GetParam().sts_name));
  expect_no_secret_in(creds.error().message);
}

INSTANTIATE_TEST_SUITE_P(Fields, AwsCredentialsMissingField,
                         ::testing::Values(MissingField{"access_key_id", "AccessKeyId"},
                                           MissingField{"secret_access_key", "SecretAccessKey"},
                                           MissingField{"session_token", "SessionToken"},
                                           MissingField{"expiration", "Expiration"}));

TEST(AwsCredentialsFromExchange, AlreadyExpiredIsAResponseError) {
  for (char const* expiration : {"2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z", "2020-01-01T00:00:00Z"}) {
    auto results = complete_results();
    results["expiration"] = expiration;
    auto creds = aws_credentials_from_exchange(make_values(results), kNow, kHost);
    ASSERT_TRUE(FailsWith(creds, Status::response, "expired", kHost)) << expiration;
    expect_no_secret_in(creds.error().message);
  }
}

TEST(AwsCredentialsFromExchange, ExpiringOneSecondFromNowIsAccepted) {
  auto results = complete_results();
  results["expiration"] = "2026-01-01T00:00:01Z";
  EXPECT_TRUE(Succeeds(aws_credentials_from_exchange(make_values(results), kNow, kHost)));
}

TEST(AwsCredentialsFromExchange, UnparseableExpirationIsAResponseError) {
  for (char const* expiration : {"tomorrow", "2026-01-01T01:00:00", "1767229200", "2026-01-01"}) {
    auto results = complete_results();
    results["expiration"] = expiration;
    auto creds = aws_credentials_from_exchange(make_values(results), kNow, kHost);
    ASSERT_TRUE(FailsWith(creds, Status::response, "Expiration", "RFC 3339", kHost)) << expiration;
    expect_no_secret_in(creds.error().message);
  }
}

TEST(AwsCredentialsFromExchange, RoundTripThroughTheDocument) {
  auto creds = aws_credentials_from_exchange(make_values(complete_results()), kNow, kHost);
  ASSERT_TRUE(Succeeds(creds));
  ParsedJson parsed(render_credential_process(*creds).reveal());
  ASSERT_NE(parsed.root, nullptr);
  EXPECT_EQ(parsed.string("Expiration"), "2026-01-01T01:00:00Z");
  EXPECT_EQ(parse_rfc3339(parsed.string("Expiration")), creds->expiration);
}

}  // namespace
}  // namespace fedcred
