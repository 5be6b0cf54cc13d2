// SPDX-License-Identifier: Apache-2.0
#include "cache/lock.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "cache/dir.h"
#include "fakes/cache_support.h"

namespace fedcred {
namespace {

using testing::FakeClock;
using testing::mode_of;
using testing::names_in;
using testing::run_in_child;
using testing::TempDir;

// Exit codes of a child that tries the lock.
constexpr int kGotLock = 0;
constexpr int kTimedOut = 1;
constexpr int kOtherFailure = 2;

class CacheLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<CacheDir> d = CacheDir::open_path(scratch_ / "cache");
    ASSERT_TRUE(d.ok()) << d.error().message;
    dir_.emplace(std::move(d).value());
  }
  // Tries the lock in a child process, waiting up to wait_ms.
  int lock_in_child(std::int64_t wait_ms) {
    return run_in_child([&] {
      SystemClock clock;
      Result<CacheLock> l = dir_->lock(key_, clock.monotonic_ms() + wait_ms, clock);
      if (l) return kGotLock;
      return l.error().status == Status::transient ? kTimedOut : kOtherFailure;
    });
  }

  TempDir scratch_;
  std::optional<CacheDir> dir_;
  CacheKey key_{"v1\ncommand=aws\nrole_arn=arn:aws:iam::1:role/r\n"};
  SystemClock clock_;
};

TEST_F(CacheLockTest, ExcludesAnotherProcessUntilReleased) {
  Result<CacheLock> held = dir_->lock(key_, clock_.monotonic_ms(), clock_);
  ASSERT_TRUE(held.ok()) << held.error().message;
  EXPECT_TRUE(held->held());
  EXPECT_EQ(lock_in_child(50), kTimedOut);
  held->release();
  EXPECT_FALSE(held->held());
  EXPECT_EQ(lock_in_child(0), kGotLock);
}

TEST_F(CacheLockTest, ReleasedByDestruction) {
  {
    Result<CacheLock> held = dir_->lock(key_, clock_.monotonic_ms(), clock_);
    ASSERT_TRUE(held.ok());
    CacheLock moved = std::move(held).value();  // ownership moves with the lock
    EXPECT_EQ(lock_in_child(0), kTimedOut);
  }
  EXPECT_EQ(lock_in_child(0), kGotLock);
}

TEST_F(CacheLockTest, DifferentKeysDoNotExcludeEachOther) {
  Result<CacheLock> held = dir_->lock(key_, clock_.monotonic_ms(), clock_);
  ASSERT_TRUE(held.ok());
  CacheKey other{"v1\ncommand=aws\nrole_arn=arn:aws:iam::1:role/other\n"};
  Result<CacheLock> second = dir_->lock(other, clock_.monotonic_ms(), clock_);
  EXPECT_TRUE(second.ok());
}

TEST_F(CacheLockTest, HolderKilledWithSigkillReleasesIt) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t holder = fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    SystemClock clock;
    Result<CacheLock> l = dir_->lock(key_, clock.monotonic_ms(), clock);
    char c = l ? 'y' : 'n';
    if (write(ready[1], &c, 1) != 1) _exit(1);
    for (;;) pause();  // "mid-fetch" until killed
  }
  close(ready[1]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  close(ready[0]);
  ASSERT_EQ(c, 'y');
  EXPECT_EQ(lock_in_child(20), kTimedOut);
  ASSERT_EQ(kill(holder, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(holder, &status, 0), holder);
  ASSERT_TRUE(WIFSIGNALED(status));
  Result<CacheLock> after = dir_->lock(key_, clock_.monotonic_ms() + 1000, clock_);
  EXPECT_TRUE(after.ok()) << after.error().message;
}

TEST_F(CacheLockTest, WaiterGetsTheLockWhenTheHolderFinishes) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t holder = fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    SystemClock clock;
    Result<CacheLock> l = dir_->lock(key_, clock.monotonic_ms(), clock);
    char c = l ? 'y' : 'n';
    if (write(ready[1], &c, 1) != 1) _exit(1);
    clock.sleep_ms(150);  // a fetch
    _exit(0);
  }
  close(ready[1]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  close(ready[0]);
  ASSERT_EQ(c, 'y');
  std::int64_t start = clock_.monotonic_ms();
  Result<CacheLock> l = dir_->lock(key_, start + 5000, clock_);
  EXPECT_TRUE(l.ok());
  EXPECT_GE(clock_.monotonic_ms() - start, 100);
  waitpid(holder, nullptr, 0);
}

TEST_F(CacheLockTest, TimeoutFollowsTheInjectedClock) {
  Result<CacheLock> held = dir_->lock(key_, clock_.monotonic_ms(), clock_);
  ASSERT_TRUE(held.ok());
  // A second open file description in this process conflicts like another
  // process would.
  FakeClock fake;
  std::int64_t const start = fake.monotonic_ms();
  Result<CacheLock> second = dir_->lock(key_, start + 1000, fake);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().status, Status::transient);
  EXPECT_NE(second.error().message.find(dir_->path() + "/" + key_.hash_hex() + ".lock"),
            std::string::npos)
      << second.error().message;
  EXPECT_EQ(fake.monotonic_ms(), start + 1000) << "waits until exactly the deadline";
  ASSERT_FALSE(fake.sleeps.empty());
  EXPECT_EQ(fake.sleeps.front(), 2);
  for (std::int64_t s : fake.sleeps) {
    EXPECT_GT(s, 0);
    EXPECT_LE(s, 50);
  }
}

TEST_F(CacheLockTest, PastDeadlineStillTriesOnce) {
  FakeClock fake;
  Result<CacheLock> l = dir_->lock(key_, fake.monotonic_ms() - 1, fake);
  EXPECT_TRUE(l.ok());
  EXPECT_TRUE(fake.sleeps.empty());
}

TEST_F(CacheLockTest, LockFileIsPrivateEvenUnderAHostileUmask) {
  mode_t old = umask(0277);
  Result<CacheLock> l = dir_->lock(key_, clock_.monotonic_ms(), clock_);
  umask(old);
  ASSERT_TRUE(l.ok()) << l.error().message;
  EXPECT_EQ(mode_of(dir_->path() + "/" + key_.hash_hex() + ".lock"), 0600u);
}

TEST_F(CacheLockTest, SymlinkedLockFileIsRefused) {
  std::string const target = scratch_ / "target";
  testing::write_file(target, "");
  ASSERT_EQ(symlink(target.c_str(), (dir_->path() + "/" + key_.hash_hex() + ".lock").c_str()), 0);
  Result<CacheLock> l = dir_->lock(key_, clock_.monotonic_ms(), clock_);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().status, Status::io);
}

TEST_F(CacheLockTest, ForeignLockFileIsRefused) {
  if (!testing::running_as_root()) GTEST_SKIP() << "needs root to chown";
  std::string const path = dir_->path() + "/" + key_.hash_hex() + ".lock";
  testing::write_file(path, "");
  ASSERT_EQ(chown(path.c_str(), testing::kOtherUid, testing::kOtherGid), 0);
  Result<CacheLock> l = dir_->lock(key_, clock_.monotonic_ms(), clock_);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().status, Status::io);
  EXPECT_NE(l.error().message.find("owned by uid 65534"), std::string::npos) << l.error().message;
}

TEST_F(CacheLockTest, ClearedLockFileIsRecreated) {
  { ASSERT_TRUE(dir_->lock(key_, clock_.monotonic_ms(), clock_).ok()); }
  UniqueFd dir_fd(open(dir_->path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  EXPECT_TRUE(remove_idle_lock_file(dir_fd.get(), key_.hash_hex() + ".lock"));
  EXPECT_TRUE(names_in(dir_->path()).empty());
  EXPECT_TRUE(dir_->lock(key_, clock_.monotonic_ms(), clock_).ok());
}

}  // namespace
}  // namespace fedcred
