// SPDX-License-Identifier: Apache-2.0
#include "module_call.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "fakes.h"

namespace fedcred::modules {
namespace {

using testing::fake_host;
using testing::FakeClock;

TEST(ModuleCall, ReadsParametersAndTreatsEmptyAsAbsent) {
  fedcred_module_call call;
  call.record.params = {{"audience", "sts.amazonaws.com"}, {"empty", ""}};
  ModuleCall mc(fake_host(), &call);
  EXPECT_EQ(mc.param("audience"), "sts.amazonaws.com");
  EXPECT_EQ(mc.param("empty"), std::nullopt);
  EXPECT_EQ(mc.param("missing"), std::nullopt);
  auto missing = mc.required_param("role_arn");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().status, Status::usage);
  EXPECT_EQ(missing.error().message, "missing parameter role_arn");
  EXPECT_FALSE(mc.required_secret_param("empty").ok());
}

TEST(ModuleCall, ParsesTheDeadline) {
  FakeClock clock;
  fedcred_module_call call;
  ModuleCall mc(fake_host(), &call);
  auto defaulted = mc.deadline_ms(clock);
  ASSERT_TRUE(defaulted.ok());
  EXPECT_GT(*defaulted, clock.monotonic_ms());

  call.record.params["deadline_ms"] = "123456";
  EXPECT_EQ(*mc.deadline_ms(clock), 123456);
  for (char const* bad : {"12x", "-5", " 1", "99999999999999999999999"}) {
    call.record.params["deadline_ms"] = bad;
    auto d = mc.deadline_ms(clock);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.error().status, Status::usage);
  }
}

TEST(ModuleCall, ReportsResultsErrorsAndLogs) {
  fedcred_module_call call;
  ModuleCall mc(fake_host(), &call);
  mc.set_result("subject_token", Secret(std::string("a.b.c")));
  mc.set_result("expiration", std::string_view("2026-01-01T00:00:00Z"));
  mc.log(FEDCRED_LOG_INFO, "hello");
  mc.logger().debug("via logger");
  EXPECT_EQ(mc.fail(make_error(Status::denied, "refused")), FEDCRED_E_DENIED);
  EXPECT_EQ(call.record.results.at("subject_token"), "a.b.c");
  EXPECT_EQ(call.record.results.at("expiration"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(call.record.error_status, FEDCRED_E_DENIED);
  EXPECT_EQ(call.record.error_message, "refused");
  ASSERT_EQ(call.record.logs.size(), 2U);
  EXPECT_EQ(call.record.logs[1].second, "via logger");
  // A failure never reads as success.
  EXPECT_EQ(mc.fail(make_error(Status::ok, "odd")), FEDCRED_E_INTERNAL);
}

// Module logic logs through the same Logger as the core: what reaches the host
// is scrubbed of JWTs and control characters already (logger.h).
TEST(ModuleCall, LoggerSanitizesBeforeTheHost) {
  fedcred_module_call call;
  ModuleCall mc(fake_host(), &call);
  mc.logger().info("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl\x1b[2J here");
  ASSERT_EQ(call.record.logs.size(), 1U);
  EXPECT_EQ(call.record.logs[0].first, FEDCRED_LOG_INFO);
  EXPECT_EQ(call.record.logs[0].second, "token [redacted] [2J here");
}

TEST(RunGuarded, CatchesExceptions) {
  fedcred_module_call call;
  int rc = run_guarded(&fake_host(), &call, "op",
                       [](ModuleCall&, std::string_view) -> int { throw std::runtime_error("boom"); });
  EXPECT_EQ(rc, FEDCRED_E_INTERNAL);
  EXPECT_EQ(call.record.error_status, FEDCRED_E_INTERNAL);
  EXPECT_NE(call.record.error_message.find("boom"), std::string::npos);

  fedcred_module_call call2;
  rc = run_guarded(&fake_host(), &call2, "op", [](ModuleCall&, std::string_view) -> int { throw 7; });
  EXPECT_EQ(rc, FEDCRED_E_INTERNAL);
  EXPECT_EQ(call2.record.error_status, FEDCRED_E_INTERNAL);
}

TEST(RunGuarded, PassesTheOperationAndResult) {
  fedcred_module_call call;
  int rc = run_guarded(&fake_host(), &call, "subject_token", [](ModuleCall& mc, std::string_view op) {
    EXPECT_EQ(op, "subject_token");
    return mc.fail(unsupported_operation("gce", "nope"));
  });
  EXPECT_EQ(rc, FEDCRED_E_USAGE);
  EXPECT_EQ(call.record.error_message, "module gce does not support operation \"nope\"");
}

TEST(RunGuarded, RefusesForeignHosts) {
  fedcred_module_call call;
  fedcred_module_host other = fake_host();
  other.abi_version = 99;
  auto never = [](ModuleCall&, std::string_view) -> int {
    ADD_FAILURE() << "handler ran";
    return 0;
  };
  EXPECT_EQ(run_guarded(&other, &call, "op", never), FEDCRED_E_INTERNAL);
  EXPECT_EQ(run_guarded(nullptr, &call, "op", never), FEDCRED_E_INTERNAL);
  EXPECT_EQ(run_guarded(&fake_host(), nullptr, "op", never), FEDCRED_E_INTERNAL);
  EXPECT_EQ(run_guarded(&fake_host(), &call, nullptr, never), FEDCRED_E_USAGE);
}

}  // namespace
}  // namespace fedcred::modules
