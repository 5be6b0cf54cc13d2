// SPDX-License-Identifier: Apache-2.0
// The serve token file: created once with a random token (0640), reused
// after, refused when it could never match a header.
#include "files/token_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "fakes/cache_support.h"
#include "fakes/temp_dir.h"

namespace fedcred {
namespace {
using namespace fedcred::testing;
using fedcred::test::TempDir;

std::string read(std::string const& path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

TEST(TokenFile, CreatedWithAFreshRandomToken) {
  TempDir dir;
  auto a = ensure_token_file(dir / "a", "");
  auto b = ensure_token_file(dir / "b", "");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 64u);
  EXPECT_NE(a->reveal(), b->reveal());
  EXPECT_EQ(read(dir / "a"), a->reveal());
  struct stat st {};
  ASSERT_EQ(stat((dir / "a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  auto again = ensure_token_file(dir / "a", "");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->reveal(), a->reveal());
}

TEST(TokenFile, GroupIsApplied) {
  TempDir dir;
  auto t = ensure_token_file(dir / "t", "nogroup");
  if (!running_as_root()) GTEST_SKIP() << "chgrp to another group needs root";
  ASSERT_TRUE(t) << t.error().message;
  struct stat st {};
  ASSERT_EQ(stat((dir / "t").c_str(), &st), 0);
  EXPECT_EQ(st.st_gid, kOtherGid);
  auto unknown = ensure_token_file(dir / "u", "no-such-group-fedcred");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, Status::usage);
}

TEST(TokenFile, UnusableFilesAreIoErrorsWithoutContent) {
  TempDir dir;
  std::ofstream(dir / "nl") << "secret-value\n";
  std::ofstream(dir / "empty");
  ASSERT_EQ(symlink("/etc/hostname", (dir / "link").c_str()), 0);
  for (auto name : {"nl", "empty", "link"}) {
    auto r = ensure_token_file(dir / name, "");
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().status, Status::io);
    EXPECT_EQ(r.error().message.find("secret-value"), std::string::npos);
  }
  auto nodir = ensure_token_file(dir / "missing/t", "");
  ASSERT_FALSE(nodir);
  EXPECT_EQ(nodir.error().status, Status::io);
}

void write_file(std::string const& path, std::string const& text, mode_t mode) {
  unlink(path.c_str());
  std::ofstream(path) << text;
  ASSERT_EQ(chmod(path.c_str(), mode), 0);
}

// Issue 21.4: a token anyone may read or write, or too short to guess-proof,
// authenticates nobody.
TEST(TokenFile, WeakFilesAreRefused) {
  TempDir dir;
  std::string const good = "0123456789abcdef0123456789abcdef";
  struct Case {
    char const* name;
    std::string text;
    mode_t mode;
    char const* reason;
  };
  for (Case const& c : {Case{"world-writable", good, 0666, "writable"}, Case{"group-writable", good, 0660, "writable"},
                        Case{"world-readable", good, 0644, "readable by everyone"},
                        Case{"one byte", "x", 0600, "shorter than"}}) {
    write_file(dir / "t", c.text, c.mode);
    auto r = ensure_token_file(dir / "t", "");
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().status, Status::io) << c.name;
    EXPECT_NE(r.error().message.find(c.reason), std::string::npos) << c.name << ": " << r.error().message;
    EXPECT_EQ(r.error().message.find(good), std::string::npos);
  }
  write_file(dir / "t", good, 0640);
  auto ok = ensure_token_file(dir / "t", "");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->reveal(), good);
}

TEST(TokenFile, AnotherUsersFileIsRefused) {
  if (!running_as_root()) GTEST_SKIP() << "chown to another user needs root";
  TempDir dir;
  write_file(dir / "t", "0123456789abcdef0123456789abcdef", 0600);
  ASSERT_EQ(chown((dir / "t").c_str(), kOtherUid, kOtherGid), 0);
  auto r = ensure_token_file(dir / "t", "");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("owned by uid 65534"), std::string::npos) << r.error().message;
}

// Rotation revokes: the watch re-reads the file whenever it changed, and a
// file that became unusable yields an error (no token matches then).
TEST(WatchedTokenFile, ReReadsOnChange) {
  TempDir dir;
  std::string const a(32, 'a'), b(40, 'b');
  write_file(dir / "t", a, 0600);
  WatchedTokenFile watch(dir / "t");
  bool changed = false;
  auto first = watch.current(changed);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(changed);
  EXPECT_EQ(first->reveal(), a);
  auto same = watch.current(changed);
  ASSERT_TRUE(same);
  EXPECT_FALSE(changed);
  // rotated the way an operator would: a new file renamed over the old one
  std::ofstream(dir / "new") << b;
  ASSERT_EQ(chmod((dir / "new").c_str(), 0600), 0);
  ASSERT_EQ(rename((dir / "new").c_str(), (dir / "t").c_str()), 0);
  auto rotated = watch.current(changed);
  ASSERT_TRUE(rotated);
  EXPECT_TRUE(changed);
  EXPECT_EQ(rotated->reveal(), b);
  ASSERT_EQ(chmod((dir / "t").c_str(), 0666), 0);
  auto weak = watch.current(changed);
  EXPECT_FALSE(weak);
  EXPECT_TRUE(changed);
  unlink((dir / "t").c_str());
  EXPECT_FALSE(watch.current(changed));
}

}  // namespace
}  // namespace fedcred
