// SPDX-License-Identifier: Apache-2.0
// fedcred doctor with a scripted module runner: the steps it reports, their
// order and exit status, and that neither the token nor credentials appear.
#include "commands/doctor.h"

#include <json-c/json.h>

#include <string>

#include "base/json_handle.h"
#include "fakes/command_fixture.h"
#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::make_gce_jwt;
using test::make_jwt;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kArn[] = "arn:aws:iam::123456789012:role/s3-reader";
constexpr char kSecret[] = "doctor-secret-access-key-0123456789";
constexpr char kSession[] = "doctor-session-token-0123456789abcdef";

class DoctorTest : public test::CommandFixture {
 protected:
  DoctorTest() {
    env_.set("FEDCRED_CACHE_DIR", cache_.path() + "/fedcred");
    token_ = make_gce_jwt("web-1", "111");
    // FakeClock's now is 2026-01-01T00:00:00Z (1767225600), the token's iat.
    modules_.answer("gce", {{"status", "200"},
                            {"flavor", "Google"},
                            {"latency_ms", "2"},
                            {"email", "sa@p.iam.gserviceaccount.com"},
                            {"date", "Thu, 01 Jan 2026 00:00:01 GMT"},
                            {"subject_token", token_}});
    modules_.answer("sts", {{"status", "400"},
                            {"latency_ms", "5"},
                            {"date", "Thu, 01 Jan 2026 00:00:00 GMT"},
                            {"access_key_id", "ASIADOCTORTEST"},
                            {"secret_access_key", kSecret},
                            {"session_token", kSession},
                            {"expiration", "2026-01-01T01:00:00Z"},
                            {"assumed_role_arn", "arn:aws:sts::123456789012:assumed-role/s3-reader/web-1"},
                            {"request_id", "req-1"}});
  }

  DoctorReport run(bool gcp = false) {
    CommandInputs in;
    in.config_file = user_.write("fedcred.conf", config_);
    in.explicit_settings = explicit_;
    DoctorOptions options;
    options.gcp = gcp;
    return run_doctor(in, options, deps(), modules_);
  }

  static std::string names(DoctorReport const& r) {
    std::string out;
    for (auto const& s : r.steps) out += (out.empty() ? "" : ",") + s.name;
    return out;
  }

  static DoctorStep const& step(DoctorReport const& r, std::string const& name) {
    for (auto const& s : r.steps) {
      if (s.name == name) return s;
    }
    static DoctorStep missing{"<missing>", StepState::fail, "", "", Status::internal};
    ADD_FAILURE() << "no step " << name;
    return missing;
  }

  std::string config_ = std::string("[default]\nrole_arn = ") + kArn + "\n";
  Settings explicit_;
  std::string token_;
};

// Claims are unverified: an escape sequence or a newline in `sub` must not
// reach the terminal or forge a line of the report (issue 12, item 12).
TEST_F(DoctorTest, ControlCharactersInClaimsNeverReachTheReport) {
  token_ = make_gce_jwt("web-1", "111\\u001b[2J\\nfedcred: audit: forged\\u009b31m");
  modules_.answer("gce", {{"status", "200"}, {"flavor", "Google"}, {"subject_token", token_}});
  auto report = run();
  std::string const detail = step(report, "subject-token").detail;
  EXPECT_THAT(detail, HasSubstr("111 [2J fedcred: audit: forged 31m"));
  for (std::string const& text : {render_doctor_text(report), detail}) {
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos) << text;
    EXPECT_EQ(text.find("\nfedcred: audit"), std::string::npos) << text;
  }
}

TEST_F(DoctorTest, HealthyChainPassesEveryStep) {
  auto report = run();
  EXPECT_EQ(names(report), "config,cache,metadata,subject-token,sts-endpoint,clock,exchange");
  EXPECT_EQ(report.status(), Status::ok);
  for (auto const& s : report.steps) EXPECT_EQ(s.state, StepState::ok) << s.name << ": " << s.detail;
  EXPECT_THAT(step(report, "subject-token").detail, HasSubstr("azp=111"));
  EXPECT_THAT(step(report, "exchange").detail, HasSubstr("assumed-role/s3-reader/web-1"));
  std::string text = render_doctor_text(report);
  EXPECT_THAT(text, Not(HasSubstr(token_.substr(token_.find('.') + 1))));
  EXPECT_THAT(text, Not(HasSubstr(kSecret)));
  EXPECT_THAT(text, Not(HasSubstr(kSession)));
  // the cache directory was neither created nor written
  EXPECT_FALSE(std::filesystem::exists(cache_.path() + "/fedcred"));
}

// Issue 22.5: doctor asks Azure IMDS for the profile's resource, as `fedcred aws` would.
TEST_F(DoctorTest, SourceAzureAsksImdsForTheResource) {
  config_ += "source = azure\nazure_resource = api://fedcred-aws\n";
  token_ = test::make_jwt(R"({"iss":"https://sts.windows.net/t/","aud":"api://fedcred-aws","sub":"o1",)"
                         R"("iat":1767225600,"exp":1767229200})");
  modules_.answer("azure", {{"status", "200"}, {"subject_token", token_}});
  auto report = run();
  EXPECT_EQ(step(report, "subject-token").state, StepState::ok) << step(report, "subject-token").detail;
  ASSERT_FALSE(modules_.calls.empty());
  EXPECT_EQ(modules_.calls.at(0).module, "azure");
  EXPECT_EQ(modules_.calls.at(0).param("audience"), "api://fedcred-aws");
  EXPECT_THAT(step(report, "config").detail, HasSubstr("audience api://fedcred-aws"));
  EXPECT_THAT(step(report, "config").detail, HasSubstr("direction Azure -> AWS (fedcred aws)"));
}

TEST_F(DoctorTest, TheDirectionNamesTheDefaultSource) {
  auto report = run();
  EXPECT_THAT(step(report, "config").detail, HasSubstr("direction GCP -> AWS (fedcred aws)"));
}

TEST_F(DoctorTest, MissingRoleFailsConfigWithUsage) {
  config_ = "";
  auto report = run();
  EXPECT_EQ(names(report), "config");
  EXPECT_EQ(report.status(), Status::usage);
  EXPECT_THAT(step(report, "config").fix, HasSubstr("role_arn"));
}

TEST_F(DoctorTest, UnreachableMetadataStopsTheWalk) {
  modules_.answer("gce", {{"latency_ms", "0"}, {"error", "cannot reach 127.0.0.1:9: Connection refused"}});
  auto report = run();
  EXPECT_EQ(names(report), "config,cache,metadata");
  EXPECT_EQ(report.status(), Status::source);
  EXPECT_THAT(step(report, "metadata").fix, HasSubstr("GCE_METADATA_HOST"));
}

TEST_F(DoctorTest, AccessDeniedListsTheConditionsTheTokenSatisfies) {
  modules_.fail_operation("sts", "assume_role_with_web_identity",
                          make_error(Status::denied, "STS refused AssumeRoleWithWebIdentity: AccessDenied: Not authorized"));
  auto report = run();
  EXPECT_EQ(report.status(), Status::denied);
  auto const& exchange = step(report, "exchange");
  EXPECT_EQ(exchange.state, StepState::fail);
  EXPECT_THAT(exchange.detail, HasSubstr("AccessDenied"));
  EXPECT_THAT(exchange.fix, HasSubstr("accounts.google.com:aud = 111"));
  EXPECT_THAT(exchange.fix, HasSubstr("accounts.google.com:oaud = sts.amazonaws.com"));
  EXPECT_THAT(exchange.fix, HasSubstr("accounts.google.com:sub = 111"));
  EXPECT_THAT(exchange.fix, HasSubstr("fedcred setup aws-trust-policy"));
}

TEST_F(DoctorTest, UnreachableStsIsTransientAndSkipsTheExchange) {
  modules_.answer("sts", {{"latency_ms", "2000"}, {"error", "timed out"}, {"timed_out", "1"}});
  auto report = run();
  EXPECT_EQ(names(report), "config,cache,metadata,subject-token,sts-endpoint,clock");
  EXPECT_EQ(report.status(), Status::transient);
}

TEST_F(DoctorTest, ImdsPutUnansweredWhileGetsAnswerMeansHopLimit) {
  config_ = "[default]\naudience = //iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/x\n";
  modules_.answer("aws", {{"put_latency_ms", "1000"}, {"put_timed_out", "1"}, {"put_error", "timed out"},
                          {"get_status", "401"}, {"get_latency_ms", "1"}});
  auto report = run();
  EXPECT_EQ(names(report), "config,allow-executables,cache,imds");
  EXPECT_EQ(report.status(), Status::source);
  EXPECT_THAT(step(report, "imds").fix, HasSubstr("--http-put-response-hop-limit 2"));
}

TEST_F(DoctorTest, ClockBehindTheTokenFails) {
  modules_.answer("gce", {{"status", "200"},
                          {"flavor", "Google"},
                          {"latency_ms", "2"},
                          {"subject_token", make_jwt(R"({"iss":"https://accounts.google.com","aud":"sts.amazonaws.com",)"
                                                     R"("sub":"1","azp":"1","iat":1767229200,"exp":1767232800})")}});
  auto report = run();
  auto const& clock = step(report, "clock");
  EXPECT_EQ(clock.state, StepState::fail);
  EXPECT_EQ(clock.status, Status::usage);
  EXPECT_THAT(clock.detail, HasSubstr("3600 s behind"));
  EXPECT_THAT(clock.fix, HasSubstr("clock"));
}

TEST_F(DoctorTest, ServerDateAheadFails) {
  modules_.answer("gce", {{"status", "200"},
                          {"flavor", "Google"},
                          {"latency_ms", "2"},
                          {"date", "Thu, 01 Jan 2026 00:10:00 GMT"},
                          {"subject_token", token_}});
  auto report = run();
  EXPECT_EQ(step(report, "clock").state, StepState::fail);
  EXPECT_THAT(step(report, "clock").detail, HasSubstr("metadata server Date +600 s"));
}

TEST_F(DoctorTest, GcpDirectionChecksAllowExecutables) {
  config_ = "[default]\naudience = //iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/x\n"
            "source = gce\n";
  modules_.answer("gce", {{"status", "200"},
                          {"flavor", "Google"},
                          {"latency_ms", "2"},
                          {"subject_token", make_jwt(R"({"iss":"https://accounts.google.com","aud":)"
                                                     R"("https://iam.googleapis.com/projects/1/locations/global/)"
                                                     R"(workloadIdentityPools/p/providers/x","sub":"1","iat":1767225600,)"
                                                     R"("exp":1767229200})")}});
  auto report = run();
  EXPECT_EQ(names(report), "config,allow-executables,cache,metadata,subject-token,clock");
  EXPECT_EQ(step(report, "allow-executables").state, StepState::warn);
  EXPECT_EQ(report.status(), Status::ok);
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES", "0");
  report = run();
  EXPECT_EQ(step(report, "allow-executables").state, StepState::fail);
  EXPECT_EQ(report.status(), Status::usage);
  env_.set("GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES", "1");
  EXPECT_EQ(run().status(), Status::ok);
}

TEST_F(DoctorTest, JsonReportParses) {
  modules_.answer("gce", {{"latency_ms", "0"}, {"error", "refused"}});
  auto report = run();
  auto text = render_doctor_json(report);
  ASSERT_TRUE(text.ok());
  JsonPtr doc = parse_json_exact(text->data(), text->size());
  ASSERT_NE(doc, nullptr);
  json_object* ok = nullptr;
  json_object* steps = nullptr;
  ASSERT_TRUE(json_object_object_get_ex(doc.get(), "ok", &ok));
  EXPECT_FALSE(json_object_get_boolean(ok));
  ASSERT_TRUE(json_object_object_get_ex(doc.get(), "steps", &steps));
  ASSERT_EQ(json_object_array_length(steps), 3u);
  json_object* last = json_object_array_get_idx(steps, 2);
  json_object* status = nullptr;
  ASSERT_TRUE(json_object_object_get_ex(last, "status", &status));
  EXPECT_STREQ(json_object_get_string(status), "fail");
}

TEST(HttpDate, ParsesImfFixdate) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 2026 00:00:00 GMT"), 1767225600);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(parse_http_date(""), std::nullopt);
}

}  // namespace
}  // namespace fedcred
