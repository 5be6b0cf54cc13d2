// SPDX-License-Identifier: Apache-2.0
// cached_fetch: what is served, cached and shared around one fetch (issue 12,
// item 14: expiry cap, no stale after a denial; item 17: an outage shared
// through the failure record instead of every waiter retrying).
#include "cache/fetch.h"

#include <gtest/gtest.h>

#include <string>

#include "fakes/cache_support.h"
#include "fakes/fake_clock.h"

namespace fedcred {
namespace {

using testing::FakeClock;
using testing::TempDir;
using testing::ScriptedRandom;

constexpr std::int64_t kDuration = 3600;

class CachedFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<CacheDir> d = CacheDir::open_path(scratch_ / "cache");
    ASSERT_TRUE(d.ok()) << d.error().message;
    dir_.emplace(std::move(d).value());
  }

  CacheEntry entry_expiring_at(std::int64_t expiration) {
    CacheEntry e;
    e.profile = "p";
    e.label = "arn:aws:iam::111122223333:role/r";
    e.expiration = expiration;
    e.values.emplace("SecretAccessKey", Secret(std::string("fetch-test-secret")));
    return e;
  }

  // One invocation: `answer` is what the network would say, counted in fetches_.
  Result<CacheEntry> run(Result<CacheEntry> answer) {
    CachedFetchPolicy policy{900, clock_.monotonic_ms() + 1000};
    policy.max_lifetime_seconds = kDuration;
    auto fetch = [&]() -> Result<CacheEntry> {
      ++fetches_;
      return answer;
    };
    auto usable = [](CacheEntry const&) { return true; };
    return cached_fetch(key_, policy, fetch, usable, CachedFetchDeps{&*dir_, clock_, random_, log_});
  }

  TempDir scratch_;
  std::optional<CacheDir> dir_;
  CacheKey key_{"v1\ncommand=aws\nrole_arn=arn:aws:iam::111122223333:role/r\n"};
  FakeClock clock_;
  ScriptedRandom random_{{0}};
  Logger log_;
  int fetches_ = 0;
};

TEST_F(CachedFetchTest, ExpiryIsCappedAtFetchTimePlusTheRequestedDuration) {
  // A wrong clock or a hostile endpoint claiming 9999 must not make the entry
  // fresh for ever.
  auto got = run(entry_expiring_at(253'402'300'799));  // 9999-12-31T23:59:59Z
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->expiration, clock_.unix_seconds() + kDuration);
  EXPECT_EQ(dir_->read(key_)->expiration, clock_.unix_seconds() + kDuration);
}

TEST_F(CachedFetchTest, ExpiryWithinTheRequestedDurationAndClockSkewIsKept) {
  for (std::int64_t lifetime : {1800, 3600, 3600 + 300}) {
    auto got = run(entry_expiring_at(clock_.unix_seconds() + lifetime));
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->expiration, clock_.unix_seconds() + lifetime);
    ASSERT_TRUE(dir_->clear(std::nullopt).ok());
  }
}

TEST_F(CachedFetchTest, StaleCredentialsAreServedAfterATransientFailure) {
  ASSERT_TRUE(dir_->write(key_, entry_expiring_at(clock_.unix_seconds() + 600)).ok());  // inside the margin
  auto got = run(make_error(Status::transient, "sts.us-east-1.amazonaws.com: connection refused"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(fetches_, 1);
}

TEST_F(CachedFetchTest, NoStaleCredentialsAfterADenial) {
  // AccessDenied / InvalidIdentityToken: the trust was withdrawn.
  ASSERT_TRUE(dir_->write(key_, entry_expiring_at(clock_.unix_seconds() + 600)).ok());
  auto got = run(make_error(Status::denied, "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().status, Status::denied);
}

TEST_F(CachedFetchTest, AFailureIsSharedWithTheNextProcessWithoutAnotherFetch) {
  auto first = run(make_error(Status::transient, "sts.us-east-1.amazonaws.com: HTTP 503"));
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(fetches_, 1);
  clock_.advance(1000);
  auto second = run(entry_expiring_at(clock_.unix_seconds() + 1800));  // would succeed, is not asked
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().status, Status::transient);
  EXPECT_NE(second.error().message.find("HTTP 503"), std::string::npos) << second.error().message;
  EXPECT_EQ(fetches_, 1);
}

TEST_F(CachedFetchTest, AfterTheBackoffTheNextProcessFetchesAgainAndClearsTheRecord) {
  ASSERT_FALSE(run(make_error(Status::transient, "HTTP 503")).ok());
  clock_.advance(6000);
  ASSERT_TRUE(run(entry_expiring_at(clock_.unix_seconds() + 1800)).ok());
  EXPECT_EQ(fetches_, 2);
  EXPECT_FALSE(dir_->read_failure(key_).has_value());
}

TEST_F(CachedFetchTest, ASharedFailureStillServesStaleCredentials) {
  ASSERT_TRUE(dir_->write(key_, entry_expiring_at(clock_.unix_seconds() + 600)).ok());
  ASSERT_TRUE(run(make_error(Status::transient, "HTTP 503")).ok());
  ASSERT_TRUE(run(make_error(Status::transient, "HTTP 503")).ok());
  EXPECT_EQ(fetches_, 1);
}

}  // namespace
}  // namespace fedcred
