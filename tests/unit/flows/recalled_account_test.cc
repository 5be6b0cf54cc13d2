// SPDX-License-Identifier: Apache-2.0
// The metadata server's account, recalled by the static front for
// kAccountRecallSeconds and asked by every other process (issues 20, 21.12).
#include "flows/recalled_account.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/env.h"
#include "fakes/fake_clock.h"
#include "fakes/metadata_account.h"
#include "fakes/temp_dir.h"

namespace fedcred {
namespace {

constexpr char kHost[] = "169.254.169.254";
constexpr char kFirst[] = "first@p.iam.gserviceaccount.com";
constexpr char kSecond[] = "second@p.iam.gserviceaccount.com";

class RecalledAccount : public ::testing::Test {
 protected:
  RecalledAccount() : env_{{"FEDCRED_CACHE_DIR", cache_dir_.path() + "/cache"}} { server_.email = kFirst; }

  // What one process learns: the front (may_recall) or any other.
  std::string ask(bool may_recall, std::string const& host = kHost) {
    RecalledAccountLookup lookup(server_, env_, clock_, log_, may_recall);
    auto email = lookup.account_email(host, 0);
    EXPECT_TRUE(email.ok()) << email.error().message;
    return email.ok() ? *email : std::string();
  }

  test::TempDir cache_dir_;
  MapEnv env_;
  testing::FakeClock clock_;
  test::FakeMetadataAccountLookup server_;
  std::vector<std::string> logged_;
  Logger log_{[this](int, std::string const& message) { logged_.push_back(message); }};
};

TEST_F(RecalledAccount, TheFrontRecallsAnAnswerForTenSeconds) {
  EXPECT_EQ(ask(true), kFirst);
  EXPECT_EQ(server_.calls.size(), 1u) << "nothing to recall yet";
  server_.email = kSecond;  // re-bound
  clock_.advance((kAccountRecallSeconds - 1) * 1000);
  EXPECT_TRUE(logged_.empty()) << "asking is not worth a line";
  EXPECT_EQ(ask(true), kFirst) << "recalled within the window";
  EXPECT_EQ(server_.calls.size(), 1u);
  ASSERT_EQ(logged_.size(), 1u);
  EXPECT_NE(logged_[0].find(std::string(kFirst) + ", named by the metadata server at 169.254.169.254 9 s ago: recalled"),
            std::string::npos)
      << logged_[0];
  clock_.advance(1000);
  EXPECT_EQ(ask(true), kSecond) << "asked again once the window ended";
  EXPECT_EQ(server_.calls.size(), 2u);
  EXPECT_EQ(ask(true), kSecond);
  EXPECT_EQ(server_.calls.size(), 2u) << "the new answer is recalled";
}

TEST_F(RecalledAccount, AProcessThatFetchesAlwaysAsksAndTheFrontFollowsItsAnswer) {
  EXPECT_EQ(ask(true), kFirst);
  server_.email = kSecond;
  EXPECT_EQ(ask(false), kSecond) << "the fetcher keys a new entry by the account named just before it";
  EXPECT_EQ(ask(false), kSecond);
  EXPECT_EQ(server_.calls.size(), 3u);
  EXPECT_EQ(ask(true), kSecond) << "the front recalls the fetcher's answer, not its own older one";
  EXPECT_EQ(server_.calls.size(), 3u);
}

TEST_F(RecalledAccount, ARecordFromTheFutureIsNotRecalled) {
  EXPECT_EQ(ask(true), kFirst);
  server_.email = kSecond;
  clock_.unix_now -= 1;  // the clock was set back
  EXPECT_EQ(ask(true), kSecond);
  EXPECT_EQ(server_.calls.size(), 2u);
}

TEST_F(RecalledAccount, EachMetadataHostHasItsOwnRecord) {
  EXPECT_EQ(ask(true), kFirst);
  server_.email = kSecond;
  EXPECT_EQ(ask(true, "127.0.0.1:8080"), kSecond);
  EXPECT_EQ(ask(true), kFirst);
  EXPECT_EQ(server_.calls.size(), 2u);
}

TEST_F(RecalledAccount, AFailureIsNeitherRecordedNorHiddenByARecord) {
  server_.error = make_error(Status::source, "cannot learn the service account");
  RecalledAccountLookup front(server_, env_, clock_, log_, true);
  EXPECT_EQ(front.account_email(kHost, 0).error().status, Status::source);
  server_.error.reset();
  EXPECT_EQ(ask(true), kFirst);
  server_.error = make_error(Status::source, "cannot learn the service account");
  RecalledAccountLookup fetcher(server_, env_, clock_, log_, false);
  EXPECT_EQ(fetcher.account_email(kHost, 0).error().status, Status::source) << "the fetcher asks, and fails";
  EXPECT_EQ(server_.calls.size(), 3u);
}

TEST_F(RecalledAccount, AnUnusableCacheDirectoryMeansAsking) {
  ASSERT_EQ(mkdir((cache_dir_.path() + "/cache").c_str(), 0755), 0);  // group/other bits: refused
  EXPECT_EQ(ask(true), kFirst);
  EXPECT_EQ(ask(true), kFirst);
  EXPECT_EQ(server_.calls.size(), 2u);
}

TEST_F(RecalledAccount, ATamperedRecordIsNotRecalled) {
  EXPECT_EQ(ask(true), kFirst);
  server_.email = kSecond;
  std::string const dir = cache_dir_.path() + "/cache";
  for (auto const& file : std::filesystem::directory_iterator(dir)) {
    ASSERT_EQ(chmod(file.path().c_str(), 0644), 0);  // not 0600: not fedcred's
  }
  EXPECT_EQ(ask(true), kSecond);
  EXPECT_EQ(server_.calls.size(), 2u);
}

}  // namespace
}  // namespace fedcred
