// SPDX-License-Identifier: Apache-2.0
// Configuration files: INI parsing with file:line errors, precedence between
// files, and the search list.
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "config/config.h"

#include <string>

#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::env_of;
using test::FailsWith;
using test::Succeeds;
using test::TempDir;

constexpr char kArn[] = "arn:aws:iam::123456789012:role/s3-reader";

// Parses one text as file "NAME" into a fresh set.
Result<ConfigSet> parse(std::string const& text, std::string const& name = "test.conf") {
  ConfigSet set;
  auto r = parse_config_text(name, text, set);
  if (!r) return std::move(r).error();
  return set;
}

std::string value_of(ConfigSet const& set, std::string const& section, std::string const& key) {
  auto s = set.sections.find(section);
  if (s == set.sections.end()) return "<no section " + section + ">";
  auto k = s->second.find(key);
  return k == s->second.end() ? "<unset>" : k->second.value;
}

std::string origin_of(ConfigSet const& set, std::string const& section, std::string const& key) {
  auto s = set.sections.find(section);
  if (s == set.sections.end()) return "<no section " + section + ">";
  auto k = s->second.find(key);
  return k == s->second.end() ? "<unset>" : k->second.origin;
}

// ---- parse_config_text ----

TEST(ParseConfig, ReadsDefaultAndProfileSectionsWithOrigins) {
  auto set = parse(std::string("# comment\n"
                               "[default]\n"
                               "region = eu-west-1\n"
                               "\n"
                               "[profile s3-reader]\n"
                               "role_arn = ") + kArn + "\n"
                               "duration=7200\n");
  ASSERT_TRUE(Succeeds(set));
  EXPECT_EQ(value_of(*set, "default", "region"), "eu-west-1");
  EXPECT_EQ(origin_of(*set, "default", "region"), "test.conf:3");
  EXPECT_EQ(value_of(*set, "s3-reader", "role_arn"), kArn);
  EXPECT_EQ(origin_of(*set, "s3-reader", "role_arn"), "test.conf:6");
  EXPECT_EQ(value_of(*set, "s3-reader", "duration"), "7200");
  EXPECT_EQ(origin_of(*set, "s3-reader", "duration"), "test.conf:7");
  EXPECT_EQ(set->sections.size(), 2u);
}

TEST(ParseConfig, CommentsAndInlineCommentsAreIgnored) {
  auto set = parse("; full-line comment\n# another\n[default]\nregion = us-west-2 ; inline comment\n");
  ASSERT_TRUE(Succeeds(set));
  EXPECT_EQ(value_of(*set, "default", "region"), "us-west-2");
}

TEST(ParseConfig, LaterTextOverridesEarlierKeyByKey) {
  ConfigSet set;
  ASSERT_TRUE(Succeeds(parse_config_text("first.conf",
                                         "[default]\nregion = eu-west-1\naudience = first-aud\n"
                                         "[profile p]\nduration = 1000\n",
                                         set)));
  ASSERT_TRUE(Succeeds(parse_config_text("second.conf", "[default]\nregion = ap-south-1\n", set)));
  EXPECT_EQ(value_of(set, "default", "region"), "ap-south-1");
  EXPECT_EQ(origin_of(set, "default", "region"), "second.conf:2");
  EXPECT_EQ(value_of(set, "default", "audience"), "first-aud");  // untouched by the second file
  EXPECT_EQ(origin_of(set, "default", "audience"), "first.conf:3");
  EXPECT_EQ(value_of(set, "p", "duration"), "1000");
}

TEST(ParseConfig, UnknownKeyNamesFileAndLine) {
  auto set = parse("[default]\n# comment\nregion = us-east-1\nrole-arn = x\n", "/etc/fedcred/fedcred.conf");
  EXPECT_TRUE(FailsWith(set, Status::usage, "/etc/fedcred/fedcred.conf:4", "unknown key 'role-arn'"));
}

TEST(ParseConfig, BadNumberNamesFileLineAndKey) {
  auto set = parse("[default]\n\n[profile p]\nduration = 12x\n", "user.conf");
  EXPECT_TRUE(FailsWith(set, Status::usage, "user.conf:4", "duration", "12x"));
}

TEST(ParseConfig, OutOfRangeNumberIsRefused) {
  EXPECT_TRUE(FailsWith(parse("[default]\nduration = 899\n"), Status::usage, "test.conf:2", "duration"));
}

TEST(ParseConfig, FirstErrorWins) {
  auto set = parse("[default]\nbogus = 1\nduration = nope\n");
  EXPECT_TRUE(FailsWith(set, Status::usage, "test.conf:2", "bogus"));
}

TEST(ParseConfig, UnknownSectionNamesFileAndLine) {
  EXPECT_TRUE(FailsWith(parse("[default]\nregion = us-east-1\n[prof x]\nregion = us-east-1\n"), Status::usage,
                        "test.conf:3", "unknown section [prof x]"));
  // AWS's own ~/.aws/config habit of "[x]" is not a fedcred profile section.
  EXPECT_TRUE(FailsWith(parse("[s3-reader]\nregion = us-east-1\n"), Status::usage, "test.conf:1", "[s3-reader]"));
}

TEST(ParseConfig, ProfileNamedDefaultIsRefused) {
  EXPECT_TRUE(FailsWith(parse("[profile default]\nregion = us-east-1\n"), Status::usage, "test.conf:1"));
}

// unknown sections are errors naming file:line, but a section is only checked
// when a key is inside it, so a misspelt empty section is silently accepted.
TEST(ParseConfig, EmptyUnknownSectionIsRefused) {
  EXPECT_TRUE(FailsWith(parse("[default]\nregion = us-east-1\n[profle s3-reader]\n"), Status::usage, "test.conf:3"));
}

TEST(ParseConfig, KeyOutsideAnySectionIsRefused) {
  EXPECT_TRUE(FailsWith(parse("# top\nregion = us-east-1\n[default]\n"), Status::usage,
                        "test.conf:2", "outside any section"));
}

TEST(ParseConfig, SyntaxErrorNamesItsLine) {
  EXPECT_TRUE(FailsWith(parse("[default]\nregion = us-east-1\nthis line has no equals sign\n"), Status::usage,
                        "test.conf:3", "syntax error"));
  EXPECT_TRUE(FailsWith(parse("[default]\n[profile p\n"), Status::usage, "test.conf:2", "syntax error"));
}

// inih's syntax error, even when the syntax error comes first. An unclosed
// "[default" on line 1 is reported as "test.conf:2: key 'region' outside any
// section", pointing the user at the wrong line.
TEST(ParseConfig, EarlierSyntaxErrorIsReportedFirst) {
  EXPECT_TRUE(FailsWith(parse("[default\nregion = us-east-1\n"), Status::usage, "test.conf:1", "syntax error"));
}

// inih reads into a 200-byte buffer: a line with its newline and terminator
// must fit, so 198 characters is the longest line.
TEST(ParseConfig, LongestLineThatFitsIsAccepted) {
  std::string line = "audience = ";
  line += std::string(198 - line.size(), 'a');
  ASSERT_EQ(line.size(), 198u);
  auto set = parse("[default]\n" + line + "\n");
  ASSERT_TRUE(Succeeds(set));
  EXPECT_EQ(value_of(*set, "default", "audience"), std::string(198 - 11, 'a'));
}

TEST(ParseConfig, OverLongLineNamesItsLine) {
  std::string line = "audience = ";
  line += std::string(199 - line.size(), 'a');
  EXPECT_TRUE(FailsWith(parse("[default]\nregion = us-east-1\n" + line + "\n"), Status::usage,
                        "test.conf:3", "line longer than"));
  EXPECT_TRUE(FailsWith(parse("[default]\n# " + std::string(5000, 'x') + "\n"), Status::usage, "test.conf:2"));
}

TEST(ParseConfig, OverLongLineIsNotTruncatedIntoAValue) {
  // The tail of an over-long line must never become a key of its own.
  std::string tail = "\nrole_arn = " + std::string(kArn);
  auto set = parse("[default]\naudience = " + std::string(300, 'a') + tail + "\n");
  EXPECT_TRUE(FailsWith(set, Status::usage, "test.conf:2"));
}

TEST(ParseConfig, EmptyProfileSectionStillExists) {
  auto set = parse("[default]\nregion = us-east-1\n[profile empty]\n# nothing here\n");
  ASSERT_TRUE(Succeeds(set));
  ASSERT_EQ(set->sections.count("empty"), 1u);
  EXPECT_TRUE(set->sections.at("empty").empty());
}

TEST(ParseConfig, EmptyTextGivesNoSections) {
  auto set = parse("");
  ASSERT_TRUE(Succeeds(set));
  EXPECT_TRUE(set->sections.empty());
}

TEST(ParseConfig, CrLfLineEndingsAreAccepted) {
  auto set = parse("[default]\r\nregion = eu-north-1\r\n");
  ASSERT_TRUE(Succeeds(set));
  EXPECT_EQ(value_of(*set, "default", "region"), "eu-north-1");
}

// ---- load_config ----

TEST(LoadConfig, MissingOptionalFilesAreSkipped) {
  TempDir dir;
  std::string present = dir.write("present.conf", "[default]\nregion = eu-west-2\n");
  auto set = load_config({{dir / "absent.conf", false}, {present, false}, {dir / "also-absent.conf", false}});
  ASSERT_TRUE(Succeeds(set));
  EXPECT_EQ(set->files_read, std::vector<std::string>{present});
  EXPECT_EQ(value_of(*set, "default", "region"), "eu-west-2");
}

TEST(LoadConfig, MissingRequiredFileIsAnErrorNamingIt) {
  TempDir dir;
  auto set = load_config({{dir / "missing.conf", true}});
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.error().message, ::testing::HasSubstr(dir / "missing.conf"));
}

// required file that cannot be read", but a missing required file (stat()
// failing) is reported as Status::usage. Either the code or the header is wrong.
// A file the user named that is missing is a mistake in the command line:
// a usage error (exit 2) that names the file.
TEST(LoadConfig, MissingRequiredFileIsAUsageErrorNamingIt) {
  TempDir dir;
  EXPECT_TRUE(FailsWith(load_config({{dir / "missing.conf", true}}), Status::usage, dir / "missing.conf"));
}

// As ssh and pam-u2f do: whoever can change the config chooses the role.
TEST(LoadConfig, WorldWritableFileIsRefused) {
  TempDir dir;
  std::string path = dir.write("open.conf", "[default]\nregion = us-east-1\n");
  ASSERT_EQ(chmod(path.c_str(), 0666), 0);
  EXPECT_TRUE(FailsWith(load_config({{path, true}}), Status::usage, path, "writable by its group or everyone"));
}

// Issue 12, item 10: group-writable is as open as world-writable on a shared
// group, and the directory counts as much as the file.
TEST(LoadConfig, GroupWritableFileIsRefused) {
  TempDir dir;
  std::string path = dir.write("group.conf", "[default]\nregion = us-east-1\n");
  ASSERT_EQ(chmod(path.c_str(), 0664), 0);
  EXPECT_TRUE(FailsWith(load_config({{path, false}}), Status::usage, path, "group"));
}

TEST(LoadConfig, FileInAGroupOrWorldWritableDirectoryIsRefused) {
  for (mode_t mode : {0770, 0777}) {
    TempDir dir;
    std::string sub = dir.mkdir("conf.d");
    std::string path = dir.write("conf.d/10-site.conf", "[default]\nregion = us-east-1\n");
    ASSERT_EQ(chmod(sub.c_str(), mode), 0);
    EXPECT_TRUE(FailsWith(load_config({{path, false}}), Status::usage, path, "directory " + sub)) << mode;
  }
}

TEST(LoadConfig, FileInADirectoryOwnedByAnotherUserIsRefused) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to hand the directory to another user";
  TempDir dir;
  std::string sub = dir.mkdir("theirs");
  std::string path = dir.write("theirs/fedcred.conf", "[default]\nregion = us-east-1\n");
  ASSERT_EQ(chown(sub.c_str(), 65534, 65534), 0);
  EXPECT_TRUE(FailsWith(load_config({{path, false}}), Status::usage, path, "directory " + sub));
}

TEST(LoadConfig, FileInARootOwnedStickyDirectoryIsAccepted) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to own the sticky directory";
  TempDir dir;
  std::string sub = dir.mkdir("tmp");
  std::string path = dir.write("tmp/fedcred.conf", "[default]\nregion = us-east-1\n");
  ASSERT_EQ(chmod(sub.c_str(), 01777), 0);
  EXPECT_TRUE(Succeeds(load_config({{path, false}})));
}

TEST(LoadConfig, FileOwnedByAnotherUserIsRefused) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to hand the file to another user";
  TempDir dir;
  std::string path = dir.write("theirs.conf", "[default]\nregion = us-east-1\n");
  ASSERT_EQ(chown(path.c_str(), 65534, 65534), 0);
  EXPECT_TRUE(FailsWith(load_config({{path, true}}), Status::usage, path, "owned by uid 65534"));
}

TEST(LoadConfig, FifoInPlaceOfTheFileIsRefusedWithoutHanging) {
  TempDir dir;
  std::string path = dir / "fifo.conf";
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  EXPECT_TRUE(FailsWith(load_config({{path, false}}), Status::usage, path, "not a regular file"));
}

TEST(LoadConfig, DirectoryInsteadOfFileIsRefused) {
  TempDir dir;
  std::string sub = dir.mkdir("not-a-file.conf");
  EXPECT_TRUE(FailsWith(load_config({{sub, false}}), Status::usage, sub, "not a regular file"));
}

TEST(LoadConfig, LaterFilesOverrideEarlierOnesKeyByKey) {
  TempDir dir;
  std::string system = dir.write("system.conf", "[default]\nregion = eu-west-1\naudience = sys-aud\n");
  std::string user = dir.write("user.conf", "[default]\nregion = sa-east-1\n");
  auto set = load_config({{system, false}, {user, false}});
  ASSERT_TRUE(Succeeds(set));
  EXPECT_EQ(set->files_read, (std::vector<std::string>{system, user}));
  EXPECT_EQ(value_of(*set, "default", "region"), "sa-east-1");
  EXPECT_EQ(origin_of(*set, "default", "region"), user + ":2");
  EXPECT_EQ(value_of(*set, "default", "audience"), "sys-aud");
  EXPECT_EQ(origin_of(*set, "default", "audience"), system + ":3");
}

TEST(LoadConfig, ErrorsNameTheFileThatHasThem) {
  TempDir dir;
  std::string good = dir.write("10-good.conf", "[default]\nregion = eu-west-1\n");
  std::string bad = dir.write("20-bad.conf", "[default]\n\nbogus = 1\n");
  EXPECT_TRUE(FailsWith(load_config({{good, false}, {bad, false}}), Status::usage, bad + ":3"));
}

// The per-user file that the caller may not open (root's HOME seen by a
// service user) is skipped with a warning; the same file named explicitly,
// or as a system file, stays an error (issue 12, item 7). Run in a child as
// uid 65534 when root, since root opens any file.
TEST(LoadConfig, UnreadableUserFileIsSkippedWithAWarning) {
  TempDir dir;
  std::string system = dir.write("fedcred.conf", "[default]\nregion = eu-west-1\n");
  std::string user = dir.write("user/fedcred/fedcred.conf", "[default]\nregion = eu-north-1\n");
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  ASSERT_EQ(chmod(system.c_str(), 0644), 0);
  ASSERT_EQ(chmod(user.c_str(), 0), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // no gtest assertions in the child: the exit code says which check failed
    if (geteuid() == 0 && (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0)) _exit(10);
    auto skipped = load_config({{system, false}, {user, false, true}});
    if (!skipped.ok()) _exit(1);
    if (skipped->files_read != std::vector<std::string>{system}) _exit(2);
    if (value_of(*skipped, "default", "region") != "eu-west-1") _exit(3);
    if (skipped->warnings.size() != 1 || skipped->warnings[0].find(user) == std::string::npos ||
        skipped->warnings[0].find("Permission denied") == std::string::npos) {
      _exit(4);
    }
    if (load_config({{user, true}}).ok()) _exit(5);   // --config / FEDCRED_CONFIG
    if (load_config({{user, false}}).ok()) _exit(6);  // a system file
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 10) GTEST_SKIP() << "cannot become uid 65534 here";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "check number " << WEXITSTATUS(status) << " failed";
}

TEST(ConfigSearchList, OnlyTheUserFileMayBeSkippedWhenUnreadable) {
  TempDir sys;
  sys.write("conf.d/a.conf", "");
  auto files = config_search_list(env_of({{"HOME", "/home/u"}}), "", sys.path());
  ASSERT_EQ(files.size(), 3u);
  EXPECT_FALSE(files[0].skip_if_unreadable);
  EXPECT_FALSE(files[1].skip_if_unreadable);
  EXPECT_TRUE(files[2].skip_if_unreadable) << files[2].path;
  EXPECT_FALSE(config_search_list(env_of({{"HOME", "/home/u"}}), "/explicit.conf", sys.path())[0].skip_if_unreadable);
}

// ---- config_search_list ----

std::vector<std::string> paths(std::vector<ConfigFile> const& files) {
  std::vector<std::string> out;
  for (auto const& f : files) out.push_back(f.path);
  return out;
}

TEST(ConfigSearchList, ExplicitFileReplacesTheListAndIsRequired) {
  MapEnv env = env_of({{"FEDCRED_CONFIG", "/env/fedcred.conf"}, {"XDG_CONFIG_HOME", "/xdg"}});
  auto files = config_search_list(env, "/explicit.conf", "/etc/fedcred");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, "/explicit.conf");
  EXPECT_TRUE(files[0].required);
}

TEST(ConfigSearchList, FedcredConfigVariableReplacesTheListAndIsRequired) {
  MapEnv env = env_of({{"FEDCRED_CONFIG", "/env/fedcred.conf"}, {"XDG_CONFIG_HOME", "/xdg"}});
  auto files = config_search_list(env, "", "/etc/fedcred");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, "/env/fedcred.conf");
  EXPECT_TRUE(files[0].required);
}

TEST(ConfigSearchList, EmptyFedcredConfigCountsAsUnset) {
  TempDir sys;
  MapEnv env = env_of({{"FEDCRED_CONFIG", ""}, {"XDG_CONFIG_HOME", "/xdg"}});
  EXPECT_EQ(paths(config_search_list(env, "", sys.path())),
            (std::vector<std::string>{sys / "fedcred.conf", "/xdg/fedcred/fedcred.conf"}));
}

TEST(ConfigSearchList, SystemFileThenConfDInNameOrderThenXdgFile) {
  TempDir sys;
  sys.write("fedcred.conf", "");
  sys.write("conf.d/20-b.conf", "");
  sys.write("conf.d/10-a.conf", "");
  sys.write("conf.d/30-c.conf", "");
  sys.write("conf.d/.hidden.conf", "");
  sys.write("conf.d/notes.txt", "");
  sys.write("conf.d/40-d.conf.disabled", "");
  MapEnv env = env_of({{"XDG_CONFIG_HOME", "/home/u/.xdg"}, {"HOME", "/home/u"}});
  auto files = config_search_list(env, "", sys.path());
  EXPECT_EQ(paths(files), (std::vector<std::string>{sys / "fedcred.conf", sys / "conf.d/10-a.conf",
                                                    sys / "conf.d/20-b.conf", sys / "conf.d/30-c.conf",
                                                    "/home/u/.xdg/fedcred/fedcred.conf"}));
  for (auto const& f : files) EXPECT_FALSE(f.required) << f.path;
}

TEST(ConfigSearchList, HomeConfigIsTheFallbackWithoutXdgConfigHome) {
  TempDir sys;
  MapEnv env = env_of({{"HOME", "/home/u"}});
  EXPECT_EQ(paths(config_search_list(env, "", sys.path())),
            (std::vector<std::string>{sys / "fedcred.conf", "/home/u/.config/fedcred/fedcred.conf"}));
}

TEST(ConfigSearchList, RelativeXdgConfigHomeAndHomeAreIgnored) {
  TempDir sys;
  EXPECT_EQ(paths(config_search_list(env_of({{"XDG_CONFIG_HOME", "cfg"}, {"HOME", "/home/u"}}), "", sys.path())),
            (std::vector<std::string>{sys / "fedcred.conf", "/home/u/.config/fedcred/fedcred.conf"}));
  EXPECT_EQ(paths(config_search_list(env_of({{"HOME", "."}}), "", sys.path())),
            (std::vector<std::string>{sys / "fedcred.conf"}));
}

TEST(ConfigSearchList, NoHomeAndNoXdgGivesSystemFilesOnly) {
  TempDir sys;
  sys.write("conf.d/a.conf", "");
  MapEnv env;
  EXPECT_EQ(paths(config_search_list(env, "", sys.path())),
            (std::vector<std::string>{sys / "fedcred.conf", sys / "conf.d/a.conf"}));
}

TEST(ConfigSearchList, WholeChainLoadsWithUserFileWinning) {
  TempDir sys, xdg;
  sys.write("fedcred.conf", "[default]\nregion = eu-west-1\naudience = sys-aud\nduration = 1000\n");
  sys.write("conf.d/50-site.conf", "[default]\naudience = site-aud\nduration = 2000\n");
  xdg.write("fedcred/fedcred.conf", "[default]\nduration = 3000\n");
  MapEnv env = env_of({{"XDG_CONFIG_HOME", xdg.path()}});
  auto set = load_config(config_search_list(env, "", sys.path()));
  ASSERT_TRUE(Succeeds(set));
  EXPECT_EQ(set->files_read.size(), 3u);
  EXPECT_EQ(value_of(*set, "default", "region"), "eu-west-1");
  EXPECT_EQ(value_of(*set, "default", "audience"), "site-aud");
  EXPECT_EQ(value_of(*set, "default", "duration"), "3000");
}

}  // namespace
}  // namespace fedcred
