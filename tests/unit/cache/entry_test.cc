// SPDX-License-Identifier: Apache-2.0
#include "cache/entry.h"

#include <gtest/gtest.h>

#include <string>

namespace fedcred {
namespace {

constexpr char kKey[] = "v1\ncommand=aws\nsource=gce\nrole_arn=arn:aws:iam::111122223333:role/r\n";

CacheEntry sample() {
  CacheEntry e;
  e.profile = "s3-reader";
  e.label = "arn:aws:iam::111122223333:role/r";
  e.expiration = 1'700'003'600;
  e.refresh_jitter = 42;
  e.values.emplace("AccessKeyId", Secret(std::string("ASIAEXAMPLE")));
  e.values.emplace("SecretAccessKey", Secret(std::string("wJalr/XUtnFEMI\"quoted\"\\slash")));
  e.values.emplace("SessionToken", Secret(std::string(3000, 'T')));
  return e;
}

std::string encode(CacheEntry const& e) {
  Result<Secret> r = encode_cache_entry(kKey, e);
  EXPECT_TRUE(r.ok());
  return r ? r->reveal() : std::string();
}

// A valid document with one member's JSON text replaced.
std::string with_member(std::string const& member, std::string const& json) {
  std::string doc = R"({"format":1,"key":"k","profile":"p","label":"l","expiration":1700003600,)"
                    R"("refresh_jitter":0,"values":{"AccessKeyId":"A"}})";
  std::size_t at = doc.find("\"" + member + "\":");
  std::size_t start = at + member.size() + 3;
  std::size_t end = start;
  int depth = 0;
  for (; end < doc.size(); ++end) {
    char c = doc[end];
    if (c == '{') ++depth;
    if (c == '}' && depth-- == 0) break;
    if (c == ',' && depth == 0) break;
  }
  return doc.substr(0, start) + json + doc.substr(end);
}

TEST(CacheEntryFormat, RoundTrip) {
  std::string text = encode(sample());
  std::optional<CacheEntry> e = decode_cache_entry(text);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->canonical_key, kKey);
  EXPECT_EQ(e->profile, "s3-reader");
  EXPECT_EQ(e->label, "arn:aws:iam::111122223333:role/r");
  EXPECT_EQ(e->expiration, 1'700'003'600);
  EXPECT_EQ(e->refresh_jitter, 42);
  ASSERT_EQ(e->values.size(), 3u);
  EXPECT_EQ(e->values.at("SecretAccessKey").reveal(), "wJalr/XUtnFEMI\"quoted\"\\slash");
  EXPECT_EQ(e->values.at("SessionToken").reveal(), std::string(3000, 'T'));
}

TEST(CacheEntryFormat, EncodesTheDocumentedShape) {
  std::string text = encode(sample());
  EXPECT_EQ(text.rfind(R"({"format":1,"key":)", 0), 0u) << text;
  EXPECT_NE(text.find(R"("expiration":1700003600)"), std::string::npos);
  EXPECT_NE(text.find(R"("values":{)"), std::string::npos);
  EXPECT_EQ(text.find("\\/"), std::string::npos) << "slashes are not escaped";
}

TEST(CacheEntryFormat, TheHelperDocumentIsValid) {
  // Guards the tests below: only the replaced member makes them fail.
  EXPECT_TRUE(decode_cache_entry(with_member("label", R"("x")")).has_value());
}

TEST(CacheEntryFormat, TrailingWhitespaceIsAccepted) {
  EXPECT_TRUE(decode_cache_entry(encode(sample()) + "\n").has_value());
  EXPECT_TRUE(decode_cache_entry(encode(sample()) + " \r\n\t").has_value());
}

TEST(CacheEntryFormat, SummaryKeepsNoValues) {
  std::optional<CacheEntrySummary> s = decode_cache_summary(encode(sample()));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->profile, "s3-reader");
  EXPECT_EQ(s->label, "arn:aws:iam::111122223333:role/r");
  EXPECT_EQ(s->expiration, 1'700'003'600);
}

struct BadCase {
  char const* name;
  std::string text;
  char const* why;  // expected substring of the reason
};

class CacheEntryRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(CacheEntryRejects, AsAMissWithAReason) {
  std::string why;
  EXPECT_FALSE(decode_cache_entry(GetParam().text, &why).has_value());
  EXPECT_NE(why.find(GetParam().why), std::string::npos) << why;
  std::string summary_why;
  EXPECT_FALSE(decode_cache_summary(GetParam().text, &summary_why).has_value());
  EXPECT_EQ(summary_why, why);
}

std::string valid_text() {
  Result<Secret> r = encode_cache_entry(kKey, sample());
  return r ? r->reveal() : std::string();
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, CacheEntryRejects,
    ::testing::Values(
        BadCase{"empty", "", "truncated"}, BadCase{"whitespace", "  \n", "truncated"},
        BadCase{"garbage",
                "\x7f"
                "ELF\x01\x02",
                "invalid JSON"},
        BadCase{"truncated", valid_text().substr(0, valid_text().size() / 2), "truncated"},
        // Strict json-c (0.16) stops at the second document itself; older ones
        // leave it to our trailing-data check. Either way: a miss.
        BadCase{"trailing_data", valid_text() + "{}", "JSON"},
        BadCase{"array", "[1,2]", "not a JSON object"},
        BadCase{"future_format", with_member("format", "2"), "format 2, expected 1"},
        BadCase{"format_as_string", with_member("format", R"("1")"), "format"},
        BadCase{"no_format", R"({"key":"k"})", "format"},
        BadCase{"key_not_string", with_member("key", "7"), "wrong type"},
        BadCase{"expiration_negative", with_member("expiration", "-5"), "expiration out of range"},
        BadCase{"expiration_huge", with_member("expiration", "99999999999999"),
                "expiration out of range"},
        BadCase{"expiration_float", with_member("expiration", "1.5"), "wrong type"},
        BadCase{"jitter_negative", with_member("refresh_jitter", "-1"),
                "refresh_jitter out of range"},
        BadCase{"values_not_object", with_member("values", R"(["x"])"), "wrong type"},
        BadCase{"value_not_string", with_member("values", R"({"AccessKeyId":1})"), "not a string"},
        BadCase{"too_deep", with_member("values", R"({"a":{"b":{"c":{"d":{"e":"f"}}}}})"),
                "invalid JSON"},
        BadCase{"oversize", std::string(kMaxCacheEntryBytes + 1, ' '), "larger than"}),
    [](::testing::TestParamInfo<BadCase> const& p) { return std::string(p.param.name); });

TEST(CacheEntryFormat, ReasonsNeverQuoteValues) {
  std::string why;
  std::string text = with_member("values", R"({"SecretAccessKey":"hunter2-secret","x":5})");
  EXPECT_FALSE(decode_cache_entry(text, &why).has_value());
  EXPECT_EQ(why.find("hunter2"), std::string::npos) << why;
}

}  // namespace
}  // namespace fedcred
