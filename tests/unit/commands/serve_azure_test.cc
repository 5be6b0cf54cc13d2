// SPDX-License-Identifier: Apache-2.0
// The library's half of serve's Azure routes (issue 22.3): the profile's
// client id before the server starts, the per-request fetch over the
// AzureTokenSource, a log line per fresh token only, errors without secrets.
#include "commands/serve_azure.h"

#include <gtest/gtest.h>

#include "fakes/azure_token_source.h"
#include "fakes/command_fixture.h"

namespace fedcred {
namespace {

class ServedAzure : public test::CommandFixture {
 protected:
  ServedAzure() {
    log_ = Logger([this](int, std::string const& line) { lines_.push_back(line); });
  }
  test::FakeAzureTokenSource source_;
  std::vector<std::string> lines_;
};

TEST_F(ServedAzure, AnUnknownProfileIsRefusedBeforeTheServerStarts) {
  auto d = deps();
  auto azure = served_azure("nope", source_, d);
  ASSERT_FALSE(azure);
  EXPECT_EQ(azure.error().status, Status::usage);
  EXPECT_NE(azure.error().message.find("--azure-profile nope"), std::string::npos);
  EXPECT_TRUE(source_.asked.empty());
}

TEST_F(ServedAzure, EachRequestAsksTheSourceForItsResource) {
  auto d = deps();
  auto azure = served_azure("entra", source_, d);
  ASSERT_TRUE(azure) << azure.error().message;
  EXPECT_EQ(azure->client_id, source_.client_id_);
  auto token = azure->token("https://storage.azure.com");
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->access_token.reveal(), "entra-token-for https://storage.azure.com");
  EXPECT_EQ(token->expiration, source_.expiration);
  source_.cache = CacheUse::hit;
  ASSERT_TRUE(azure->token("https://vault.azure.net"));
  EXPECT_EQ(source_.asked,
            (std::vector<std::string>{"entra https://storage.azure.com", "entra https://vault.azure.net"}));
  // A line for the token fetched fresh, none for the cache hit, no token in either.
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("https://storage.azure.com"), std::string::npos);
  EXPECT_EQ(lines_[0].find("entra-token-for"), std::string::npos);
}

TEST_F(ServedAzure, FailuresKeepTheirStatusAndLoseSecrets) {
  auto d = deps();
  auto azure = served_azure("entra", source_, d);
  ASSERT_TRUE(azure);
  // A JWT-shaped value in a message is scrubbed before it goes anywhere.
  std::string const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl";
  source_.error = make_error(Status::denied, "AADSTS700213: no matching federated identity record; assertion " + jwt);
  auto token = azure->token("https://storage.azure.com");
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().status, Status::denied);
  EXPECT_NE(token.error().message.find("AADSTS700213"), std::string::npos);
  EXPECT_EQ(token.error().message.find(jwt), std::string::npos);
  for (auto const& l : lines_) EXPECT_EQ(l.find(jwt), std::string::npos) << l;
}

}  // namespace
}  // namespace fedcred
