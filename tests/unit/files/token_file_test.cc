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

}  // namespace
}  // namespace fedcred
