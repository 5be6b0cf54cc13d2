// SPDX-License-Identifier: Apache-2.0
// No token or key left in freed memory by what the modules parse and receive
// (issue 12, item 8): expat's and libcurl's buffers (wiping_alloc.h), json-c
// documents (json_wipe.h). fakes/freed_memory_scan.h replaces free() in this
// binary and scans every freed block for a canary secret.
#include <stdlib.h>

#include <string>

#include <gtest/gtest.h>

#include "azure_token.h"
#include "curl_http.h"
#include "fakes/freed_memory_scan.h"
#include "json_doc.h"
#include "loopback_server.h"
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


TEST(CurlHttpWipe, AResponseLeavesNoTokenInFreedMemory) {
  for (char const* v : {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) ::unsetenv(v);
  FreedMemoryScan scan;
  std::string body = std::string(scan.canary()) + std::string(2000, 'b');
  {
    LoopbackServer server({"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body});
    HttpRequest request;
    request.url = server.base() + "/token";
    request.timeout_ms = 5000;
    request.max_body_bytes = 100000;
    scan.arm();
    {
      CurlHttpClient client{CurlOptions{}};
      auto response = client.send(request);
      ASSERT_TRUE(response.ok()) << response.error().message;
      EXPECT_EQ(response->body.reveal(), body);
    }  // the response (a Secret) and the client, with its curl handle, are gone
    scan.disarm();
  }
  wipe(body);
  EXPECT_EQ(scan.hits(), 0) << "a block libcurl freed held the token";
}


// A token answer dropped before its token was taken (a later check failed):
// json-c's copy is wiped with the document.
TEST(JsonDocWipe, AnUntakenTokenIsWipedWithTheDocument) {
  FreedMemoryScan scan;
  std::string text = "{\"access_token\":\"" + std::string(scan.canary()) + std::string(300, 'a') + "\"}";
  JsonDoc doc = parse_json_object(text);
  ASSERT_TRUE(doc);
  scan.arm();
  doc.reset();
  scan.disarm();
  wipe(text);
  EXPECT_EQ(scan.hits(), 0) << "json-c's freed string held the token";
}

// The azure module's answer parser (Entra and Azure IMDS), whether it takes
// the token or refuses the answer after reading it.
TEST(AzureTokenWipe, ParsingLeavesNoAccessTokenInFreedMemory) {
  FreedMemoryScan scan;
  std::string const token = std::string(scan.canary()) + std::string(900, 'z');
  for (std::string const& expiry : {std::string("\"expires_on\":\"1700003600\""), std::string("\"expires_on\":\"1\"")}) {
    std::string text = "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\"," + expiry + "}";
    scan.arm();
    {
      auto parsed = parse_azure_token_answer(text, "Azure IMDS", "169.254.169.254", 1'700'000'000);
      EXPECT_EQ(parsed.ok(), expiry.find("1700003600") != std::string::npos);
    }
    scan.disarm();
    wipe(text);
  }
  EXPECT_EQ(scan.hits(), 0) << "a freed block held the access token";
}

}  // namespace
}  // namespace fedcred::modules
