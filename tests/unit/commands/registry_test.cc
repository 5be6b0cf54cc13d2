// SPDX-License-Identifier: Apache-2.0
// The command registry (commands/registry.h) is the one description of every
// command: these tests prove each row and each of its flags reachable from
// argv (helper/cli.cc), from the C ABI (plugin/abi/entry.cc) and from the man
// page, so the three cannot drift; and that the dispatch obeys the traits.
#include "commands/registry.h"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"
#include "commands/request.h"
#include "commands/run.h"
#include "fakes/test_support.h"
#include "fedcred/fedcred.h"

namespace fedcred {
namespace {

std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto space = text.find(' ');
    out.push_back(text.substr(0, space));
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  }
  return out;
}

TEST(CommandRegistry, NamesAreUniqueAndFindable) {
  std::set<std::string_view> names;
  std::set<std::string_view> words;
  for (auto const* row : all_rows()) {
    EXPECT_TRUE(names.insert(row->name).second) << row->name;
    EXPECT_TRUE(words.insert(row->words).second) << row->words;
    EXPECT_EQ(find_any_row(row->name), row);
    EXPECT_NE(row->run, nullptr) << row->name;
    EXPECT_FALSE(row->summary.empty()) << row->name;
    EXPECT_TRUE(is_known_command(row->name));
    std::set<std::string_view> spellings;
    std::set<std::string_view> keys;
    for (auto const& flag : row->flags) {
      EXPECT_TRUE(spellings.insert(flag.spelling).second) << row->name << " --" << flag.spelling;
      EXPECT_TRUE(keys.insert(flag.key).second) << row->name << " " << flag.key;
      EXPECT_FALSE(flag.help.empty()) << row->name << " --" << flag.spelling;
      bool const free_form = flag.target == FlagTarget::profile || flag.target == FlagTarget::config;
      EXPECT_EQ(flag.validate == nullptr, free_form) << row->name << " --" << flag.spelling;
    }
  }
  EXPECT_EQ(find_any_row("nope"), nullptr);
  EXPECT_FALSE(is_known_command("aws "));
}

TEST(CommandRegistry, EveryRowAndFlagIsReachableFromArgv) {
  auto const rows = all_rows();
  for (auto const* row : rows) {
    auto args = words_of(row->words);
    auto line = parse_command_line(rows, args);
    ASSERT_EQ(line.row, row) << row->words << ": " << line.error;
    EXPECT_TRUE(line.error.empty()) << line.error;
    for (auto const& flag : row->flags) {
      auto with_flag = args;
      std::string const dashed = "--" + std::string(flag.spelling);
      with_flag.push_back(dashed);
      if (flag.arity == FlagArity::value) with_flag.push_back("VALUE");
      auto parsed = parse_command_line(rows, with_flag);
      ASSERT_EQ(parsed.row, row);
      ASSERT_TRUE(parsed.error.empty()) << row->words << " " << dashed << ": " << parsed.error;
      ASSERT_EQ(parsed.keys.size(), 1u) << row->words << " " << dashed;
      EXPECT_EQ(parsed.keys[0].first, flag.key);
      std::string const expected = flag.arity == FlagArity::value       ? "VALUE"
                                   : flag.arity == FlagArity::switch_on ? "true"
                                                                        : "false";
      EXPECT_EQ(parsed.keys[0].second, expected) << row->words << " " << dashed;
    }
  }
  auto unknown = parse_command_line(rows, {"aws", "--no-such-flag"});
  EXPECT_EQ(unknown.error, "unknown option --no-such-flag for 'fedcred aws'");
  EXPECT_EQ(parse_command_line(rows, {"setup"}).error,
            "'fedcred setup' needs 'aws-trust-policy', 'aws-config', 'gcp-cred-config' or 'azure-federated-credential'");
  EXPECT_EQ(parse_command_line(rows, {"cache", "--help"}).error, "'fedcred cache' needs 'list' or 'clear'");
  EXPECT_EQ(parse_command_line(rows, {"nope"}).row, nullptr);
}

// A value every validated flag refuses; the message then names the flag as
// the user typed it, and no flag is an "unknown key" to the library.
TEST(CommandRegistry, EveryFlagIsReachableFromTheCAbiAndItsErrorsNameTheFlag) {
  for (auto const* row : all_rows()) {
    std::string const name(row->name);
    fedcred_request* req = nullptr;
    ASSERT_EQ(fedcred_request_new(name.c_str(), &req), FEDCRED_OK) << name;
    for (auto const& flag : row->flags) {
      std::string const key(flag.key);
      int rc = fedcred_request_set(req, key.c_str(), " ");
      std::string const error = rc == FEDCRED_OK ? "" : fedcred_request_error(req);
      if (rc != FEDCRED_OK) {
        EXPECT_EQ(rc, FEDCRED_E_USAGE) << name << " " << key;
        EXPECT_EQ(error.rfind("--" + std::string(flag.spelling) + ": ", 0), 0u) << name << " " << key << ": " << error;
      }
    }
    if (row->names_its_binary) {
      EXPECT_EQ(fedcred_request_set(req, kExeKey, "/usr/bin/fedcred"), FEDCRED_OK) << name;
    } else {
      EXPECT_EQ(fedcred_request_set(req, kExeKey, "/usr/bin/fedcred"), FEDCRED_E_USAGE) << name;
    }
    fedcred_request_free(req);
  }
}

TEST(CommandRegistry, TheManPageNamesEveryCommandAndEveryFlag) {
  std::ifstream in(FEDCRED_SOURCE_ROOT "/man/fedcred.1.scd");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  std::string const man = text.str();
  for (auto const* row : all_rows()) {
    EXPECT_NE(man.find("*fedcred " + std::string(row->words) + "*"), std::string::npos) << row->words;
    for (auto const& flag : row->flags) {
      EXPECT_NE(man.find("*--" + std::string(flag.spelling) + "*"), std::string::npos)
          << "fedcred " << row->words << " --" << flag.spelling;
    }
  }
}

TEST(CommandRegistry, ErrorsNameWhatTheUserTyped) {
  Request aws{"aws", {}, {}};
  EXPECT_TRUE(test::FailsWith(set_request_key(aws, "role_arn", "bad"), Status::usage,
                              "--role-arn: 'bad' is not an IAM role ARN"));
  EXPECT_TRUE(test::FailsWith(set_request_key(aws, "use_fips_endpoint", "maybe"), Status::usage,
                              "--use-fips-endpoint: 'maybe' is not a boolean"));
  EXPECT_TRUE(test::FailsWith(set_request_key(aws, "cache", "maybe"), Status::usage, "--no-cache: "));
  Request setup{"setup-gcp-cred-config", {}, {}};
  EXPECT_TRUE(test::FailsWith(set_request_key(setup, "token_url", "http://example.com"), Status::usage,
                              "--token-url: 'http://example.com' is not an https URL"));
  Request serve{"serve", {}, {}};
  EXPECT_TRUE(test::FailsWith(set_request_key(serve, "token_file", "relative"), Status::usage, "--token-file: "));
  // A flag's value keeps its flag as its origin (config/settings.h).
  ASSERT_TRUE(set_request_key(aws, "role_arn", "arn:aws:iam::123456789012:role/r").ok());
  EXPECT_EQ(aws.inputs.explicit_settings.at("role_arn").origin, "--role-arn");
  // A profile key that is no flag of the command (libfedcred(3)) names the key.
  EXPECT_TRUE(test::FailsWith(set_request_key(aws, "refresh_margin", "x"), Status::usage, "refresh_margin: "));
}

TEST(CommandRegistry, OnlyTheFrontsRowsAreAuditedAndServedByIt) {
  std::set<std::string_view> audited;
  std::set<std::string_view> credentials;
  for (auto const* row : all_rows()) {
    if (row->audited) audited.insert(row->name);
    if (row->hands_out_credentials) credentials.insert(row->name);
  }
  EXPECT_EQ(audited, (std::set<std::string_view>{"access-token", "aws", "azure", "gcp", "token"}));
  EXPECT_EQ(credentials, (std::set<std::string_view>{"access-token", "aws", "azure", "gcp", "serve", "token"}));
  // the static front (helper/front/) serves exactly these rows
  std::set<std::string_view> front;
  for (auto const& row : front_rows()) front.insert(row.name);
  EXPECT_EQ(front, audited);
}

TEST(CommandRegistry, OnlyGcpIsQuietAndPrintsAFailureDocument) {
  for (auto const* row : all_rows()) {
    bool gcp = row->name == "gcp";
    EXPECT_EQ(row->quiet_stderr, gcp) << row->name;
    EXPECT_EQ(row->failure_document != nullptr, gcp) << row->name;
    EXPECT_EQ(row->logs_what_it_serves, row->name == "serve") << row->name;
    // setup prints configuration; azure-federated-credential holds the live
    // assertion it reads the claims of, an Entra client credential
    bool const holds = row->name.substr(0, 6) != "setup-" || row->name == "setup-azure-federated-credential";
    EXPECT_EQ(row->holds_secrets, holds) << row->name;
  }
  auto doc = failure_document_for("gcp", make_error(Status::denied, "no"));
  ASSERT_TRUE(doc.has_value());
  EXPECT_NE(doc->reveal().find("\"success\":false"), std::string::npos);
  EXPECT_FALSE(failure_document_for("aws", make_error(Status::denied, "no")).has_value());
}

TEST(CommandRegistry, RequestKeysFollowTheRowFlags) {
  Request token{"token", {}, {}};
  EXPECT_TRUE(set_request_key(token, "output", "/tmp/x").ok());
  EXPECT_EQ(token.options.at("output"), "/tmp/x");
  Request aws{"aws", {}, {}};
  // "output" is not an aws flag, nor a profile key.
  EXPECT_TRUE(test::FailsWith(set_request_key(aws, "output", "/tmp/x"), Status::usage));
  EXPECT_TRUE(set_request_key(aws, "role_arn", "arn:aws:iam::123456789012:role/r").ok());
  Request doctor{"doctor", {}, {}};
  EXPECT_TRUE(set_request_key(doctor, "json", "true").ok());
  EXPECT_TRUE(test::FailsWith(set_request_key(doctor, "json", "maybe"), Status::usage));
  EXPECT_TRUE(test::FailsWith(set_request_key(doctor, "exe", "/usr/bin/fedcred"), Status::usage));
  Request serve{"serve", {}, {}};
  ASSERT_TRUE(set_request_key(serve, "listen", "127.0.0.1:1").ok());
  ASSERT_TRUE(set_request_key(serve, "listen", "127.0.0.1:2").ok());
  EXPECT_EQ(serve.options.at("listen"), "127.0.0.1:1\n127.0.0.1:2") << "--listen is repeatable";
}

// The static front passes the run's start to the fetcher it execs (issue 15):
// only a start inside the longest run is taken, so a stray or forged value
// can shorten the caller's own deadline, never lengthen it.
TEST(HandedOffStart, OnlyAStartWithinTheLongestRunIsTaken) {
  constexpr std::int64_t kNow = 5'000'000;
  constexpr std::int64_t kMaxAge = 300'000;
  auto start = [&](std::string const& value) { return handed_off_start_ms(MapEnv{{kRunStartedEnv, value}}, kNow, kMaxAge); };
  EXPECT_EQ(start("4999990"), 4'999'990);
  EXPECT_EQ(start(std::to_string(kNow)), kNow);
  EXPECT_EQ(start(std::to_string(kNow - kMaxAge)), kNow - kMaxAge);
  EXPECT_EQ(start(std::to_string(kNow - kMaxAge - 1)), 0) << "older than any run";
  EXPECT_EQ(start(std::to_string(kNow + 1)), 0) << "a start in the future would lengthen the deadline";
  for (char const* bad : {"", "-1", "12a", " 4999990", "4999990.5", "99999999999999999999999"}) {
    EXPECT_EQ(start(bad), 0) << bad;
  }
  EXPECT_EQ(handed_off_start_ms(MapEnv{}, kNow, kMaxAge), 0);
}

}  // namespace
}  // namespace fedcred
