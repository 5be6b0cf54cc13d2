// SPDX-License-Identifier: Apache-2.0
// fedcred doctor toward Azure (issue 22.4) with the fakes: the direction a
// profile chooses, the assertion's audience, the Entra exchange step, and
// the fix that names the federated credential to register.
#include <string>

#include "commands/doctor.h"
#include "commands/doctor/advice.h"
#include "fakes/command_fixture.h"
#include "fakes/test_support.h"

namespace fedcred {
namespace {

using test::make_gce_jwt;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTenant[] = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr char kClient[] = "0a0a0a0a-1111-4222-8333-0000000000c1";
constexpr char kEntraToken[] = "eyJ0eXAiOiJKV1QifQ.doctor-entra-token.signature";

class DoctorAzureTest : public test::CommandFixture {
 protected:
  DoctorAzureTest() {
    token_ = make_gce_jwt("web-1", "111");
    modules_.answer("gce", {{"status", "200"}, {"flavor", "Google"}, {"latency_ms", "2"}, {"subject_token", token_}});
    modules_.answer("azure", {{"access_token", kEntraToken}, {"expiration", "2026-01-01T01:00:00Z"}});
  }

  DoctorReport run(std::string const& config, bool azure = false) {
    CommandInputs in;
    in.config_file = user_.write("fedcred.conf", config);
    DoctorOptions options;
    options.azure = azure;
    return run_doctor(in, options, deps(), modules_);
  }

  static DoctorStep const* step(DoctorReport const& r, std::string const& name) {
    for (auto const& s : r.steps) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }

  std::string const profile_ = std::string("[default]\ntenant_id = ") + kTenant + "\nclient_id = " + kClient + "\n";
  std::string token_;
};

TEST_F(DoctorAzureTest, ATenantWithoutARoleIsTheAzureDirection) {
  auto report = run(profile_);
  ASSERT_NE(step(report, "exchange"), nullptr);
  EXPECT_EQ(report.status(), Status::ok) << render_doctor_text(report);
  EXPECT_THAT(step(report, "config")->detail, HasSubstr("-> Azure (fedcred azure)"));
  EXPECT_EQ(step(report, "sts-endpoint"), nullptr);
  EXPECT_THAT(step(report, "exchange")->detail, HasSubstr("application " + std::string(kClient)));
  EXPECT_THAT(render_doctor_text(report), Not(HasSubstr(kEntraToken)));
  ASSERT_EQ(modules_.calls.size(), 3U);  // probe, subject token, entra_token
  EXPECT_EQ(modules_.calls[1].param("audience"), "api://AzureADTokenExchange");
  EXPECT_EQ(modules_.calls[2].operation, "entra_token");
}

TEST_F(DoctorAzureTest, ARoleKeepsTheAwsDirectionUnlessAskedForAzure) {
  std::string const both = profile_ + "role_arn = arn:aws:iam::123456789012:role/s3-reader\n";
  EXPECT_THAT(step(run(both), "config")->detail, HasSubstr("GCP -> AWS"));
  EXPECT_THAT(step(run(both, true), "config")->detail, HasSubstr("-> Azure"));
}

TEST_F(DoctorAzureTest, AMissingClientIdFailsConfig) {
  auto report = run(std::string("[default]\ntenant_id = ") + kTenant + "\n");
  EXPECT_EQ(report.status(), Status::usage);
  EXPECT_THAT(step(report, "config")->fix, HasSubstr("client_id"));
}

TEST_F(DoctorAzureTest, AnUnmatchedFederatedCredentialNamesWhatToRegister) {
  modules_.fail("azure", Status::denied, "Entra ID refused: AADSTS700213 (invalid_client): No matching record");
  auto report = run(profile_);
  EXPECT_EQ(report.status(), Status::denied);
  std::string const& fix = step(report, "exchange")->fix;
  EXPECT_THAT(fix, HasSubstr("issuer https://accounts.google.com, subject 111, audience sts.amazonaws.com"));
  EXPECT_THAT(fix, HasSubstr("fedcred setup azure-federated-credential --tenant-id " + std::string(kTenant) +
                             " --client-id " + kClient));
}

TEST(EntraExchangeFix, OtherRefusalsPointAtTheirCode) {
  JwtClaims claims;
  claims.iss = "https://accounts.google.com";
  EXPECT_THAT(entra_exchange_fix(make_error(Status::denied, "AADSTS700016: no app"), claims, "t", "c"),
              HasSubstr("AADSTS code above"));
  EXPECT_THAT(entra_exchange_fix(make_error(Status::transient, "HTTP 503"), claims, "t", "c"),
              HasSubstr("AZURE_AUTHORITY_HOST"));
  EXPECT_THAT(entra_exchange_fix(make_error(Status::denied, "AADSTS70021: x"), claims, "t", "c"),
              HasSubstr("issuer https://accounts.google.com"));
}

}  // namespace
}  // namespace fedcred
