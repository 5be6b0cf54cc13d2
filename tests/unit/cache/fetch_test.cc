// SPDX-License-Identifier: Apache-2.0
// cached_fetch: what is served, cached and shared around one fetch (issue 12,
// item 14: expiry cap, no stale after a denial; item 17: an outage shared
// through the failure record instead of every waiter retrying).
#include "cache/fetch.h"

#include <gtest/gtest.h>

#include <string>

#include "fakes/cache_support.h"
#include "fakes/fake_clock.h"
#include "fakes/test_support.h"

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

// The static front (helper/front/) serves hits and hands every miss to the
// fetcher it execs; the hand-off must come before the per-key lock, or the
// fetcher would wait for a lock its own front holds (issue 15).
class HandOffTest : public CachedFetchTest {
 protected:
  Result<CacheEntry> run_with_hand_off(CacheDir* dir) {
    CachedFetchPolicy policy{900, clock_.monotonic_ms() + 1000};
    auto fetch = [&]() -> Result<CacheEntry> {
      ++fetches_;
      return entry_expiring_at(clock_.unix_seconds() + kDuration);
    };
    auto usable = [](CacheEntry const&) { return true; };
    FetchHandoff hand_off = [&]() {
      ++hand_offs_;
      if (dir != nullptr) lock_was_free_ = dir->lock(key_, clock_.monotonic_ms(), clock_).ok();
      return make_error(Status::internal, "cannot run the fetcher");
    };
    CachedFetchDeps deps{dir, clock_, random_, log_, &use_};
    deps.hand_off = &hand_off;
    return cached_fetch(key_, policy, fetch, usable, deps);
  }
  int hand_offs_ = 0;
  bool lock_was_free_ = false;
  CacheUse use_ = CacheUse::none;
};

TEST_F(HandOffTest, AHitIsServedWithoutHandingOff) {
  ASSERT_TRUE(dir_->write(key_, entry_expiring_at(clock_.unix_seconds() + kDuration)).ok());
  auto got = run_with_hand_off(&*dir_);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(hand_offs_, 0);
  EXPECT_EQ(use_, CacheUse::hit);
}

TEST_F(HandOffTest, AMissIsHandedOffBeforeTheLockAndNotFetched) {
  auto got = run_with_hand_off(&*dir_);
  EXPECT_TRUE(test::FailsWith(got, Status::internal, "cannot run the fetcher"));
  EXPECT_EQ(hand_offs_, 1);
  EXPECT_TRUE(lock_was_free_) << "the key's lock was held during the hand-off";
  EXPECT_EQ(fetches_, 0);
  EXPECT_EQ(use_, CacheUse::miss);
  EXPECT_FALSE(dir_->read(key_).has_value()) << "nothing may be cached by the process that handed off";
}

TEST_F(HandOffTest, AnEntryInsideTheMarginIsAMissHandedOff) {
  // stale-on-error is the fetcher's decision, not the front's
  ASSERT_TRUE(dir_->write(key_, entry_expiring_at(clock_.unix_seconds() + 600)).ok());
  EXPECT_FALSE(run_with_hand_off(&*dir_).ok());
  EXPECT_EQ(hand_offs_, 1);
  EXPECT_EQ(fetches_, 0);
}

TEST_F(HandOffTest, AnUncachedRunIsHandedOff) {
  EXPECT_FALSE(run_with_hand_off(nullptr).ok());
  EXPECT_EQ(hand_offs_, 1);
  EXPECT_EQ(fetches_, 0);
}

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
