// SPDX-License-Identifier: Apache-2.0
#include "cache/dir.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include <string>

#include "fakes/cache_support.h"

namespace fedcred {
namespace {

using testing::kOtherUid;
using testing::mode_of;
using testing::names_in;
using testing::read_file;
using testing::run_in_child;
using testing::running_as_root;
using testing::TempDir;
using testing::write_file;

constexpr char kSecretKey[] = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
constexpr char kSessionToken[] = "FwoGZXIvYXdzEBAaDEXAMPLESESSIONTOKEN";

CacheKey key_for(std::string const& role) {
  return CacheKey{"v1\ncommand=aws\nsource=gce\nrole_arn=" + role + "\n"};
}

CacheEntry entry_for(std::string const& profile, std::string const& role) {
  CacheEntry e;
  e.profile = profile;
  e.label = role;
  e.expiration = 1'700'003'600;
  e.values.emplace("AccessKeyId", Secret(std::string("ASIAEXAMPLE")));
  e.values.emplace("SecretAccessKey", Secret(std::string(kSecretKey)));
  e.values.emplace("SessionToken", Secret(std::string(kSessionToken)));
  return e;
}

MapEnv env_of(std::map<std::string, std::string> vars) { return MapEnv(std::move(vars)); }

// Restores the umask a test changed.
class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t mask) : old_(umask(mask)) {}
  ~UmaskGuard() { umask(old_); }

 private:
  mode_t old_;
};

// ---- choosing the directory ------------------------------------------------

TEST(CacheDirPath, PrecedenceOrder) {
  MapEnv env = env_of({{"HOME", "/home/u"}});
  EXPECT_EQ(*cache_dir_path(env), "/home/u/.cache/fedcred");
  env.set("XDG_CACHE_HOME", "/xdg/cache");
  EXPECT_EQ(*cache_dir_path(env), "/xdg/cache/fedcred");
  env.set("XDG_RUNTIME_DIR", "/run/user/1000");
  EXPECT_EQ(*cache_dir_path(env), "/run/user/1000/fedcred");
  env.set("FEDCRED_CACHE_DIR", "/srv/fedcred-cache");
  EXPECT_EQ(*cache_dir_path(env), "/srv/fedcred-cache");
}

TEST(CacheDirPath, EmptyAndRelativeXdgValuesAreIgnored) {
  MapEnv env = env_of({{"HOME", "/home/u"}, {"XDG_RUNTIME_DIR", "run"}, {"XDG_CACHE_HOME", ""}});
  EXPECT_EQ(*cache_dir_path(env), "/home/u/.cache/fedcred");
}

TEST(CacheDirPath, TrailingSlashesAreDropped) {
  EXPECT_EQ(*cache_dir_path(env_of({{"FEDCRED_CACHE_DIR", "/c//"}})), "/c");
  EXPECT_EQ(*cache_dir_path(env_of({{"XDG_RUNTIME_DIR", "/run/user/1/"}})), "/run/user/1/fedcred");
}

TEST(CacheDirPath, RelativeFedcredCacheDirIsAnError) {
  Result<std::string> r = cache_dir_path(env_of({{"FEDCRED_CACHE_DIR", "cache"}, {"HOME", "/h"}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, Status::io);
  EXPECT_NE(r.error().message.find("FEDCRED_CACHE_DIR=cache is not an absolute path"),
            std::string::npos);
}

TEST(CacheDirPath, NothingSetIsAnError) {
  Result<std::string> r = cache_dir_path(MapEnv());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, Status::io);
  EXPECT_NE(r.error().message.find("HOME"), std::string::npos);
}

// ---- opening it ------------------------------------------------------------

TEST(CacheDirOpen, CreatesMissingDirectoriesPrivately) {
  TempDir scratch;
  UmaskGuard umask_guard(022);
  MapEnv env = env_of({{"HOME", scratch / "home"}});
  Result<CacheDir> dir = CacheDir::open(env);
  ASSERT_TRUE(dir.ok()) << dir.error().message;
  EXPECT_EQ(dir->path(), scratch / "home/.cache/fedcred");
  EXPECT_EQ(mode_of(scratch / "home"), 0700u);
  EXPECT_EQ(mode_of(scratch / "home/.cache"), 0700u);
  EXPECT_EQ(mode_of(scratch / "home/.cache/fedcred"), 0700u);
}

TEST(CacheDirOpen, CreatedDirectoryIsUsableUnderAHostileUmask) {
  TempDir scratch;
  UmaskGuard umask_guard(0277);
  // 0277 turns mkdir's 0700 into 0500, which (for a non-root user) would
  // stop the next level from being created.
  Result<CacheDir> dir = CacheDir::open_path(scratch / "a/b/c");
  ASSERT_TRUE(dir.ok()) << dir.error().message;
  for (char const* sub : {"a", "a/b", "a/b/c"}) EXPECT_EQ(mode_of(scratch / sub), 0700u) << sub;
  EXPECT_TRUE(dir->write(CacheKey{"k"}, entry_for("p", "r")).ok());
}

TEST(CacheDirOpen, ExistingPrivateDirectoryIsAccepted) {
  TempDir scratch;
  ASSERT_EQ(mkdir((scratch / "c").c_str(), 0700), 0);
  EXPECT_TRUE(CacheDir::open(env_of({{"FEDCRED_CACHE_DIR", scratch / "c"}})).ok());
}

TEST(CacheDirOpen, GroupOrWorldAccessIsRefused) {
  TempDir scratch;
  ASSERT_EQ(mkdir((scratch / "c").c_str(), 0700), 0);
  for (mode_t mode : {0755u, 0750u, 0701u, 0770u, 0777u}) {
    ASSERT_EQ(chmod((scratch / "c").c_str(), mode), 0);
    Result<CacheDir> dir = CacheDir::open_path(scratch / "c");
    ASSERT_FALSE(dir.ok()) << std::oct << mode;
    EXPECT_EQ(dir.error().status, Status::io);
    EXPECT_NE(dir.error().message.find("group and others must have no access"), std::string::npos)
        << dir.error().message;
    EXPECT_NE(dir.error().message.find("chmod 700 " + (scratch / "c")), std::string::npos)
        << dir.error().message;
  }
}

TEST(CacheDirOpen, SymlinkedDirectoryIsRefused) {
  TempDir scratch;
  ASSERT_EQ(mkdir((scratch / "real").c_str(), 0700), 0);
  ASSERT_EQ(symlink((scratch / "real").c_str(), (scratch / "link").c_str()), 0);
  for (std::string path : {scratch / "link", scratch / "link/"}) {
    Result<CacheDir> dir = CacheDir::open(env_of({{"FEDCRED_CACHE_DIR", path}}));
    ASSERT_FALSE(dir.ok()) << path;
    EXPECT_EQ(dir.error().status, Status::io);
    EXPECT_NE(dir.error().message.find("is a symbolic link"), std::string::npos)
        << dir.error().message;
  }
}

TEST(CacheDirOpen, DanglingSymlinkIsRefusedNotFollowed) {
  TempDir scratch;
  ASSERT_EQ(symlink((scratch / "nowhere").c_str(), (scratch / "link").c_str()), 0);
  Result<CacheDir> dir = CacheDir::open_path(scratch / "link");
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.error().message.find("is a symbolic link"), std::string::npos)
      << dir.error().message;
  EXPECT_EQ(access((scratch / "nowhere").c_str(), F_OK), -1) << "must not create the target";
}

TEST(CacheDirOpen, RegularFileIsRefused) {
  TempDir scratch;
  write_file(scratch / "c", "x");
  Result<CacheDir> dir = CacheDir::open_path(scratch / "c");
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.error().message.find("is not a directory"), std::string::npos)
      << dir.error().message;
}

TEST(CacheDirOpen, DirectoryOfAnotherOwnerIsRefusedByPolicy) {
  // Works unprivileged: the policy expects someone else than the creator.
  TempDir scratch;
  ASSERT_EQ(mkdir((scratch / "c").c_str(), 0700), 0);
  Result<CacheDir> dir = CacheDir::open_path(scratch / "c", CachePolicy{geteuid() + 1});
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().status, Status::io);
  EXPECT_NE(dir.error().message.find("is owned by uid " + std::to_string(geteuid())),
            std::string::npos)
      << dir.error().message;
}

TEST(CacheDirOpen, DirectoryChownedToAnotherUserIsRefused) {
  if (!running_as_root()) GTEST_SKIP() << "needs root to chown";
  TempDir scratch;
  ASSERT_EQ(mkdir((scratch / "c").c_str(), 0700), 0);
  ASSERT_EQ(chown((scratch / "c").c_str(), kOtherUid, kOtherUid), 0);
  Result<CacheDir> dir = CacheDir::open_path(scratch / "c");
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.error().message.find("is owned by uid 65534, expected uid 0"), std::string::npos)
      << dir.error().message;
}

// Root with another user's HOME (sudo -E): no root-owned directory may appear
// in that user's tree (issue 12, item 7).
TEST(CacheDirOpen, NothingIsCreatedInAParentOwnedByAnotherUser) {
  TempDir scratch;
  std::string const home = scratch / "home";
  ASSERT_EQ(mkdir(home.c_str(), 0755), 0);
  // As root the home is handed to another user; otherwise the policy owner
  // is another uid than the home's (the caller's) own.
  CachePolicy policy = CachePolicy::current_user();
  if (running_as_root()) {
    ASSERT_EQ(chown(home.c_str(), kOtherUid, kOtherUid), 0);
  } else {
    policy.owner = geteuid() + 1;
  }
  Result<CacheDir> dir = CacheDir::open_path(home + "/.cache/fedcred", policy);
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.error().message.find(home + " belongs to uid"), std::string::npos) << dir.error().message;
  EXPECT_EQ(names_in(home), std::vector<std::string>{});
}

TEST(CacheDirOpen, WithoutCreateAMissingDirectoryStaysMissing) {
  TempDir scratch;
  EXPECT_FALSE(CacheDir::open_path(scratch / "a/b", CachePolicy::current_user(), /*create=*/false).ok());
  EXPECT_EQ(names_in(scratch.path()), std::vector<std::string>{});
}

TEST(CacheDirOpen, RelativePathIsRefused) {
  EXPECT_FALSE(CacheDir::open_path("relative/dir").ok());
  EXPECT_FALSE(CacheDir::open_path("").ok());
}

// ---- entries ---------------------------------------------------------------

class CacheEntries : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<CacheDir> d = CacheDir::open_path(scratch_ / "cache");
    ASSERT_TRUE(d.ok()) << d.error().message;
    dir_.emplace(std::move(d).value());
  }
  std::string entry_path(CacheKey const& key) {
    return scratch_ / ("cache/" + key.hash_hex() + ".json");
  }
  std::string miss_reason(CacheKey const& key) {
    std::string why;
    EXPECT_FALSE(dir_->read(key, &why).has_value());
    EXPECT_EQ(why.find(kSecretKey), std::string::npos) << why;
    return why;
  }

  TempDir scratch_;
  std::optional<CacheDir> dir_;
  CacheKey key_ = key_for("arn:aws:iam::111122223333:role/r");
};

TEST_F(CacheEntries, RoundTrip) {
  ASSERT_TRUE(dir_->write(key_, entry_for("s3", "arn:aws:iam::111122223333:role/r")).ok());
  std::optional<CacheEntry> e = dir_->read(key_);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->canonical_key, key_.canonical);
  EXPECT_EQ(e->profile, "s3");
  EXPECT_EQ(e->expiration, 1'700'003'600);
  EXPECT_EQ(e->values.at("SecretAccessKey").reveal(), kSecretKey);
  EXPECT_EQ(e->values.at("SessionToken").reveal(), kSessionToken);
}

TEST_F(CacheEntries, FilesAreNamedByHashAndPrivate) {
  UmaskGuard umask_guard(0277);  // a umask must not make our own entries unreadable
  ASSERT_TRUE(dir_->write(key_, entry_for("s3", "r")).ok());
  EXPECT_EQ(names_in(dir_->path()), std::vector<std::string>{key_.hash_hex() + ".json"});
  EXPECT_EQ(mode_of(entry_path(key_)), 0600u);
  EXPECT_TRUE(dir_->read(key_).has_value());
}

TEST_F(CacheEntries, WriteReplacesTheEntry) {
  ASSERT_TRUE(dir_->write(key_, entry_for("s3", "r")).ok());
  CacheEntry newer = entry_for("s3", "r");
  newer.expiration += 3600;
  ASSERT_TRUE(dir_->write(key_, newer).ok());
  EXPECT_EQ(dir_->read(key_)->expiration, newer.expiration);
  EXPECT_EQ(names_in(dir_->path()).size(), 1u);
}

// A writer killed between create and rename leaves ".HASH.json.tmp.PID..."
// with full credentials in it; the next write of that entry removes it when
// its writer is gone or it is old, and leaves everything else alone (issue
// 12, item 14).
TEST_F(CacheEntries, WriteRemovesStaleTemporaryFilesOfTheSameEntry) {
  pid_t dead = fork();
  ASSERT_GE(dead, 0);
  if (dead == 0) _exit(0);
  ASSERT_EQ(waitpid(dead, nullptr, 0), dead);
  std::string const name = key_.hash_hex() + ".json";
  std::string const of_dead = "." + name + ".tmp." + std::to_string(dead) + ".0.1";
  std::string const old = "." + name + ".tmp." + std::to_string(getpid()) + ".7.1";
  std::string const live = "." + name + ".tmp." + std::to_string(getpid()) + ".8.1";
  CacheKey other = key_for("arn:aws:iam::111122223333:role/other");
  std::string const other_entry = "." + other.hash_hex() + ".json.tmp." + std::to_string(dead) + ".0.1";
  for (auto const& n : {of_dead, old, live, other_entry}) write_file(dir_->path() + "/" + n, kSecretKey);
  timespec const long_ago[2] = {{1'600'000'000, 0}, {1'600'000'000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, (dir_->path() + "/" + old).c_str(), long_ago, 0), 0);

  ASSERT_TRUE(dir_->write(key_, entry_for("s3", "r")).ok());
  std::vector<std::string> expected{live, other_entry, name};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names_in(dir_->path()), expected);
}

TEST_F(CacheEntries, DistinctKeysHaveDistinctEntries) {
  CacheKey other = key_for("arn:aws:iam::111122223333:role/other");
  ASSERT_TRUE(dir_->write(key_, entry_for("a", "r")).ok());
  ASSERT_TRUE(dir_->write(other, entry_for("b", "other")).ok());
  EXPECT_EQ(dir_->read(key_)->profile, "a");
  EXPECT_EQ(dir_->read(other)->profile, "b");
}

TEST_F(CacheEntries, MissingIsAMiss) {
  EXPECT_NE(miss_reason(key_).find("No such file"), std::string::npos);
}

TEST_F(CacheEntries, CorruptIsAMiss) {
  write_file(entry_path(key_), "\x89PNG garbage {{{");
  EXPECT_NE(miss_reason(key_).find("invalid JSON"), std::string::npos);
}

TEST_F(CacheEntries, EmptyIsAMiss) {
  write_file(entry_path(key_), "");
  EXPECT_NE(miss_reason(key_).find("truncated"), std::string::npos);
}

TEST_F(CacheEntries, TruncatedIsAMiss) {
  ASSERT_TRUE(dir_->write(key_, entry_for("s3", "r")).ok());
  std::string text = read_file(entry_path(key_));
  for (std::size_t len : {std::size_t{1}, text.size() / 2, text.size() - 1}) {
    ASSERT_EQ(truncate(entry_path(key_).c_str(), static_cast<off_t>(len)), 0);
    EXPECT_NE(miss_reason(key_).find("truncated"), std::string::npos) << len;
    write_file(entry_path(key_), text);
  }
  EXPECT_TRUE(dir_->read(key_).has_value());
}

TEST_F(CacheEntries, UnknownFormatVersionIsAMiss) {
  ASSERT_TRUE(dir_->write(key_, entry_for("s3", "r")).ok());
  std::string text = read_file(entry_path(key_));
  text.replace(text.find("\"format\":1"), 10, "\"format\":2");
  write_file(entry_path(key_), text);
  EXPECT_NE(miss_reason(key_).find("format 2"), std::string::npos);
}

TEST_F(CacheEntries, KeyMismatchIsAMiss) {
  // Simulates a hash collision: another key's entry under this key's name.
  CacheKey other = key_for("arn:aws:iam::111122223333:role/other");
  ASSERT_TRUE(dir_->write(other, entry_for("b", "other")).ok());
  ASSERT_EQ(rename(entry_path(other).c_str(), entry_path(key_).c_str()), 0);
  EXPECT_NE(miss_reason(key_).find("hash collision"), std::string::npos);
}

TEST_F(CacheEntries, WrongModeIsAMiss) {
  ASSERT_TRUE(dir_->write(key_, entry_for("s3", "r")).ok());
  for (mode_t mode : {0644u, 0640u, 0400u, 0700u, 0666u}) {
    ASSERT_EQ(chmod(entry_path(key_).c_str(), mode), 0);
    EXPECT_NE(miss_reason(key_).find("expected 0600"), std::string::npos) << std::oct << mode;
  }
}

TEST_F(CacheEntries, ForeignOwnedIsAMiss) {
  if (!running_as_root()) GTEST_SKIP() << "needs root to chown";
  ASSERT_TRUE(dir_->write(key_, entry_for("s3", "r")).ok());
  ASSERT_EQ(chown(entry_path(key_).c_str(), kOtherUid, kOtherUid), 0);
  EXPECT_NE(miss_reason(key_).find("is owned by uid 65534"), std::string::npos);
}

TEST_F(CacheEntries, SymlinkedEntryIsAMiss) {
  ASSERT_TRUE(dir_->write(key_, entry_for("s3", "r")).ok());
  // A perfectly valid entry, but reached through a symlink.
  ASSERT_EQ(rename(entry_path(key_).c_str(), (scratch_ / "elsewhere.json").c_str()), 0);
  ASSERT_EQ(symlink((scratch_ / "elsewhere.json").c_str(), entry_path(key_).c_str()), 0);
  EXPECT_NE(miss_reason(key_).find("symbolic link"), std::string::npos);
}

TEST_F(CacheEntries, FifoIsAMissWithoutBlocking) {
  ASSERT_EQ(mkfifo(entry_path(key_).c_str(), 0600), 0);
  EXPECT_NE(miss_reason(key_).find("not a regular file"), std::string::npos);
}

TEST_F(CacheEntries, DirectoryIsAMiss) {
  ASSERT_EQ(mkdir(entry_path(key_).c_str(), 0700), 0);
  EXPECT_NE(miss_reason(key_).find("not a regular file"), std::string::npos);
}

TEST_F(CacheEntries, OversizeIsAMiss) {
  ASSERT_TRUE(dir_->write(key_, entry_for("s3", "r")).ok());
  std::string text = read_file(entry_path(key_));
  write_file(entry_path(key_), text + std::string(kMaxCacheEntryBytes, ' '));
  EXPECT_NE(miss_reason(key_).find("larger than 65536 bytes"), std::string::npos);
}

TEST_F(CacheEntries, OversizeEntryIsNotWritten) {
  CacheEntry big = entry_for("s3", "r");
  big.values.emplace("Huge", Secret(std::string(kMaxCacheEntryBytes, 'x')));
  Result<void> r = dir_->write(key_, big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, Status::io);
  EXPECT_TRUE(names_in(dir_->path()).empty());
}

TEST_F(CacheEntries, ReadOnlyDirectoryFailsTheWriteWithIo) {
  if (!running_as_root()) {
    ASSERT_EQ(chmod(dir_->path().c_str(), 0500), 0);
    Result<void> r = dir_->write(key_, entry_for("s3", "r"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, Status::io);
    EXPECT_NE(r.error().message.find("Permission denied"), std::string::npos) << r.error().message;
    return;
  }
  // Root ignores mode bits, so the check runs in a child that has become an
  // ordinary user, in a read-only directory that user owns.
  std::string const ro = scratch_ / "ro";
  ASSERT_EQ(mkdir(ro.c_str(), 0500), 0);
  ASSERT_EQ(chown(ro.c_str(), kOtherUid, kOtherUid), 0);
  ASSERT_EQ(chmod(scratch_.path().c_str(), 0711), 0);  // let that user reach it
  CacheKey key = key_;
  int rc = run_in_child([&] {
    if (!testing::drop_to_other_user()) return 10;
    Result<CacheDir> d = CacheDir::open_path(ro);
    if (!d) return 11;
    Result<void> r = d->write(key, entry_for("s3", "r"));
    if (r) return 12;
    if (r.error().status != Status::io) return 13;
    if (r.error().message.find("Permission denied") == std::string::npos) return 14;
    return 0;
  });
  if (rc == 10) GTEST_SKIP() << "cannot drop privileges here";
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(names_in(ro).empty());
}

TEST_F(CacheEntries, FullDiskFailsTheWriteAndLeavesNoTemporaryFile) {
  // RLIMIT_FSIZE makes write() fail with EFBIG part-way, like a full disk,
  // and binds root too.
  ASSERT_TRUE(dir_->write(key_, entry_for("s3", "r")).ok());
  std::string const before = read_file(entry_path(key_));
  CacheEntry newer = entry_for("s3", "r");
  newer.expiration += 3600;
  int rc = run_in_child([&] {
    signal(SIGXFSZ, SIG_IGN);
    rlimit lim{64, 64};
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0) return 10;
    Result<void> r = dir_->write(key_, newer);
    if (r) return 11;
    if (r.error().status != Status::io) return 12;
    if (r.error().message.find("File too large") == std::string::npos) return 13;
    return 0;
  });
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(names_in(dir_->path()), std::vector<std::string>{key_.hash_hex() + ".json"});
  EXPECT_EQ(read_file(entry_path(key_)), before) << "the old entry survives a failed write";
}

// ---- list and clear ------------------------------------------------------------

class CacheListClear : public CacheEntries {
 protected:
  void SetUp() override {
    CacheEntries::SetUp();
    ASSERT_TRUE(dir_->write(a1_, entry_for("alpha", "arn:role/a1")).ok());
    ASSERT_TRUE(dir_->write(a2_, entry_for("alpha", "arn:role/a2")).ok());
    ASSERT_TRUE(dir_->write(b_, entry_for("beta", "arn:role/b")).ok());
    SystemClock clock;
    for (CacheKey const* k : {&a1_, &a2_, &b_})
      ASSERT_TRUE(dir_->lock(*k, 0, clock).ok());  // creates lock files
  }
  CacheKey a1_ = key_for("arn:role/a1");
  CacheKey a2_ = key_for("arn:role/a2");
  CacheKey b_ = key_for("arn:role/b");
};

TEST_F(CacheListClear, ListShowsProfileLabelExpiryAndNoSecret) {
  std::vector<CacheEntrySummary> list = dir_->list();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].profile, "alpha");
  EXPECT_EQ(list[0].label, "arn:role/a1");
  EXPECT_EQ(list[1].label, "arn:role/a2");
  EXPECT_EQ(list[2].profile, "beta");
  EXPECT_EQ(list[2].file_name, b_.hash_hex() + ".json");
  for (auto const& s : list) {
    EXPECT_EQ(s.expiration, 1'700'003'600);
    for (std::string const* field : {&s.profile, &s.label, &s.file_name}) {
      EXPECT_EQ(field->find(kSecretKey), std::string::npos);
      EXPECT_EQ(field->find(kSessionToken), std::string::npos);
      EXPECT_EQ(field->find("ASIA"), std::string::npos);
    }
  }
}

TEST_F(CacheListClear, ListSkipsUnreadableEntries) {
  write_file(entry_path(key_), "garbage");
  ASSERT_EQ(chmod(entry_path(a1_).c_str(), 0644), 0);
  std::vector<CacheEntrySummary> list = dir_->list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].label, "arn:role/a2");
}

TEST_F(CacheListClear, ClearByProfile) {
  Result<int> n = dir_->clear(std::string("alpha"));
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 2);
  EXPECT_FALSE(dir_->read(a1_).has_value());
  EXPECT_FALSE(dir_->read(a2_).has_value());
  EXPECT_TRUE(dir_->read(b_).has_value());
  std::vector<std::string> expected{b_.hash_hex() + ".json", b_.hash_hex() + ".lock"};
  EXPECT_EQ(names_in(dir_->path()), expected);
}

TEST_F(CacheListClear, ClearUnknownProfileRemovesNothing) {
  EXPECT_EQ(*dir_->clear(std::string("gamma")), 0);
  EXPECT_EQ(dir_->list().size(), 3u);
}

TEST_F(CacheListClear, ClearAllRemovesOnlyFedcredFiles) {
  write_file(entry_path(key_), "garbage");  // unreadable entries go too
  std::string const stale_temp = "." + a1_.hash_hex() + ".json.tmp.123.0.456";
  write_file(dir_->path() + "/" + stale_temp, "{partial");
  write_file(dir_->path() + "/notes.txt", "mine");
  write_file(dir_->path() + "/.hidden.tmp.1", "mine too");
  Result<int> n = dir_->clear(std::nullopt);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 4);
  EXPECT_EQ(names_in(dir_->path()), (std::vector<std::string>{".hidden.tmp.1", "notes.txt"}));
}

// An identity record (flows/recalled_account.h) is not an entry: `cache list`
// does not show it, clearing a profile keeps it, clearing everything removes it
// with a killed writer's temporary file.
TEST_F(CacheListClear, IdentityRecordsGoWithEverythingOnly) {
  CacheKey const seen = CacheKeyBuilder("metadata-account").add("host", "169.254.169.254").build();
  CacheEntry record;
  record.label = "metadata account";
  record.expiration = 1000;
  record.values.emplace("account", Secret(std::string("sa@p.iam.gserviceaccount.com")));
  ASSERT_TRUE(dir_->write_identity(seen, record).ok());
  std::optional<CacheEntry> back = dir_->read_identity(seen);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->values.at("account").reveal(), "sa@p.iam.gserviceaccount.com");
  EXPECT_FALSE(dir_->read(seen).has_value()) << "an identity record is no entry";
  EXPECT_EQ(dir_->list().size(), 3u);
  EXPECT_EQ(*dir_->clear(std::string("alpha")), 2);
  EXPECT_TRUE(dir_->read_identity(seen).has_value());
  write_file(dir_->path() + "/." + seen.hash_hex() + ".seen.tmp.1.0.2", "{partial");
  EXPECT_EQ(*dir_->clear(std::nullopt), 1);
  EXPECT_TRUE(names_in(dir_->path()).empty());
}

TEST_F(CacheListClear, ClearKeepsTheLockFileOfAFetchInProgress) {
  SystemClock clock;
  Result<CacheLock> held = dir_->lock(b_, 0, clock);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(*dir_->clear(std::nullopt), 3);
  EXPECT_EQ(names_in(dir_->path()), std::vector<std::string>{b_.hash_hex() + ".lock"});
  held->release();
  EXPECT_EQ(*dir_->clear(std::nullopt), 0);
  EXPECT_TRUE(names_in(dir_->path()).empty());
}

}  // namespace
}  // namespace fedcred
