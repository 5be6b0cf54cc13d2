// SPDX-License-Identifier: Apache-2.0
// SigV4 against the whole AWS signing test suite (tests/data/
// aws-signing-test-suite/v4, from awslabs/aws-c-auth): every case's
// canonical request, string to sign, signature and Authorization header,
// byte for byte. The suite's directory comes from meson (SIGV4_SUITE_DIR).
#include "sigv4.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <json-c/json.h>
#include <time.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace fedcred::modules::sigv4 {
namespace {

std::string read_file(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(SIGV4_SUITE_DIR), &closedir);
  if (!dir) return names;
  while (dirent* e = readdir(dir.get())) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// request.txt: "METHOD URI HTTP/1.1", header lines (a line starting with
// whitespace continues the previous value), a blank line, the body.
struct ParsedRequest {
  Request request;
  std::string body;
};

ParsedRequest parse_request(std::string const& text) {
  ParsedRequest out;
  std::size_t pos = text.find('\n');
  std::string const line = text.substr(0, pos);
  std::size_t const first_space = line.find(' ');
  std::size_t const version = line.rfind(" HTTP/");
  out.request.method = line.substr(0, first_space);
  std::string const target = line.substr(first_space + 1, version - first_space - 1);  // may hold spaces
  std::size_t const q = target.find('?');
  out.request.path = target.substr(0, q);
  if (q != std::string::npos) out.request.query = target.substr(q + 1);
  while (pos != std::string::npos && pos + 1 < text.size()) {
    std::size_t const start = pos + 1;
    pos = text.find('\n', start);
    std::string const header = text.substr(start, pos == std::string::npos ? std::string::npos : pos - start);
    if (header.empty()) {
      if (pos != std::string::npos) out.body = text.substr(pos + 1);
      break;
    }
    if (header[0] == ' ' || header[0] == '\t') {
      out.request.headers.back().second += "\n" + header;
    } else {
      std::size_t const colon = header.find(':');
      out.request.headers.emplace_back(header.substr(0, colon), header.substr(colon + 1));
    }
  }
  return out;
}

struct Context {
  Credentials credentials;
  Options options;
};

std::string json_string(json_object* obj, char const* key) {
  json_object* v = nullptr;
  return json_object_object_get_ex(obj, key, &v) ? json_object_get_string(v) : "";
}

bool json_bool(json_object* obj, char const* key) {
  json_object* v = nullptr;
  return json_object_object_get_ex(obj, key, &v) && json_object_get_boolean(v);
}

Context parse_context(std::string const& text) {
  std::unique_ptr<json_object, int (*)(json_object*)> doc(json_tokener_parse(text.c_str()), &json_object_put);
  Context out;
  json_object* creds = nullptr;
  json_object_object_get_ex(doc.get(), "credentials", &creds);
  out.credentials.access_key_id = json_string(creds, "access_key_id");
  out.credentials.secret_access_key = Secret(json_string(creds, "secret_access_key"));
  out.credentials.session_token = Secret(json_string(creds, "token"));
  out.options.region = json_string(doc.get(), "region");
  out.options.service = json_string(doc.get(), "service");
  out.options.normalize_path = json_bool(doc.get(), "normalize");
  out.options.sign_body = json_bool(doc.get(), "sign_body");
  out.options.omit_session_token = json_bool(doc.get(), "omit_session_token");
  tm t{};
  strptime(json_string(doc.get(), "timestamp").c_str(), "%Y-%m-%dT%H:%M:%SZ", &t);
  out.options.unix_time = static_cast<std::int64_t>(timegm(&t));
  return out;
}

std::string authorization_line(std::string const& signed_request) {
  std::istringstream in(signed_request);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Authorization:", 0) == 0) return line.substr(14);
  }
  return "(no Authorization line)";
}

class SigningSuite : public ::testing::TestWithParam<std::string> {};

TEST_P(SigningSuite, ReproducesEveryHeaderStage) {
  std::string const dir = std::string(SIGV4_SUITE_DIR) + "/" + GetParam() + "/";
  ParsedRequest parsed = parse_request(read_file(dir + "request.txt"));
  parsed.request.body = parsed.body;
  Context const context = parse_context(read_file(dir + "context.json"));

  auto result = sign(parsed.request, context.credentials, context.options);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->canonical_request.reveal(), read_file(dir + "header-canonical-request.txt"));
  EXPECT_EQ(result->string_to_sign, read_file(dir + "header-string-to-sign.txt"));
  EXPECT_EQ(result->signature, read_file(dir + "header-signature.txt"));
  EXPECT_EQ(result->authorization, authorization_line(read_file(dir + "header-signed-request.txt")));
  EXPECT_EQ(result->headers.back(), (std::pair<std::string, std::string>("Authorization", result->authorization)));
}

INSTANTIATE_TEST_SUITE_P(AwsSigningTestSuiteV4, SigningSuite, ::testing::ValuesIn(case_names()),
                         [](::testing::TestParamInfo<std::string> const& param) {
                           std::string name = param.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SigningSuiteLayout, HasAllCases) {
  // A missing or moved copy of the suite must fail, not pass with zero cases.
  EXPECT_EQ(case_names().size(), 38U) << SIGV4_SUITE_DIR;
}

TEST(Sigv4, StsRequestSignsSessionTokenAndContentType) {
  Request request{"POST", "/", "", {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                                    {"Host", "sts.us-east-1.amazonaws.com"}},
                  "Action=GetWebIdentityToken&Version=2011-06-15"};
  Credentials creds{"ASIAEXAMPLE", Secret(std::string("secret")), Secret(std::string("SESSIONMARKER"))};
  Options options;
  options.region = "us-east-1";
  options.service = "sts";
  options.unix_time = 1'440'938'160;  // 2015-08-30T12:36:00Z
  auto result = sign(request, creds, options);
  ASSERT_TRUE(result.ok());
  EXPECT_NE(result->authorization.find("Credential=ASIAEXAMPLE/20150830/us-east-1/sts/aws4_request, "
                                       "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "),
            std::string::npos)
      << result->authorization;
  ASSERT_EQ(result->headers.size(), 3U);
  EXPECT_EQ(result->headers[0], (std::pair<std::string, std::string>("X-Amz-Date", "20150830T123600Z")));
  EXPECT_EQ(result->headers[1], (std::pair<std::string, std::string>("X-Amz-Security-Token", "SESSIONMARKER")));
  EXPECT_EQ(result->authorization.find("SESSIONMARKER"), std::string::npos);
  EXPECT_EQ(result->authorization.find("secret"), std::string::npos);
}

TEST(Sigv4, UnsignedHeadersAreLeftOut) {
  Request request{"GET", "/", "", {{"Host", "h"}, {"User-Agent", "x"}, {"Expect", "100-continue"}}, ""};
  Credentials creds{"AKID", Secret(std::string("s")), Secret()};
  Options options{"us-east-1", "sts", 1'440'938'160};
  auto result = sign(request, creds, options);
  ASSERT_TRUE(result.ok());
  EXPECT_NE(result->authorization.find("SignedHeaders=host;x-amz-date,"), std::string::npos);
}

TEST(Sigv4, MissingInputsAreUsageErrors) {
  Request request{"GET", "/", "", {{"Host", "h"}}, ""};
  Options options{"us-east-1", "sts", 1'440'938'160};
  EXPECT_EQ(sign(request, Credentials{"", Secret(std::string("s")), Secret()}, options).error().status, Status::usage);
  EXPECT_EQ(sign(request, Credentials{"A", Secret(), Secret()}, options).error().status, Status::usage);
  Options no_region{"", "sts", 1};
  EXPECT_EQ(sign(request, Credentials{"A", Secret(std::string("s")), Secret()}, no_region).error().status,
            Status::usage);
}

TEST(Sigv4, Stages) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(amz_date(1'440'938'160), "20150830T123600Z");
  EXPECT_EQ(canonical_uri("", true), "/");
  EXPECT_EQ(canonical_uri("/a/./b/../c//", true), "/a/c/");
  EXPECT_EQ(canonical_uri("/a b", false), "/a%20b");
  EXPECT_EQ(canonical_query("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
  EXPECT_EQ(canonical_query("k=%2f+"), "k=%2F%2B");
}

}  // namespace
}  // namespace fedcred::modules::sigv4
