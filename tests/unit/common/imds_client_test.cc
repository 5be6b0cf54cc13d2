// SPDX-License-Identifier: Apache-2.0
// The one IMDS client (plugin/common/imds_client.h) against the one fake of
// the HTTP seam: the token PUT, IMDSv2 only (no IMDSv1 fallback), the
// hop-limit diagnosis, retries within the deadline, and the error mapping
// that the core's instance-role lookup and the aws module both inherit.
#include "imds_client.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <utility>

#include "fakes/fake_clock.h"
#include "fakes/fake_http_client.h"
#include "fakes/random.h"

namespace fedcred::imds {
namespace {

using test::connection_refused;
using test::response;

constexpr char kBase[] = "http://169.254.169.254";
constexpr char kHost[] = "169.254.169.254";
constexpr char kToken[] = "AQAEA-imds-session-token-canary";

std::string header(modules::HttpRequest const& r, std::string const& name) {
  for (auto const& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "(absent)";
}

bool mentions(Error const& e, std::string const& words) { return e.message.find(words) != std::string::npos; }

// Every failure of the client: Status::source, saying `words`, never the token.
template <typename T>
::testing::AssertionResult source_failure(Result<T> const& r, std::string const& words) {
  if (r.ok()) return ::testing::AssertionFailure() << "succeeded";
  if (r.error().status != Status::source || !mentions(r.error(), words) || mentions(r.error(), kToken)) {
    return ::testing::AssertionFailure() << "status " << static_cast<int>(r.error().status) << ": "
                                         << r.error().message;
  }
  return ::testing::AssertionSuccess();
}

// What the tests compare of a request.
struct Sent {
  std::string method;
  std::string url;
  std::string ttl;    // X-aws-ec2-metadata-token-ttl-seconds
  std::string token;  // X-aws-ec2-metadata-token
  bool direct;
  bool operator==(Sent const&) const = default;
  friend std::ostream& operator<<(std::ostream& out, Sent const& s) {
    return out << s.method << " " << s.url << " ttl=" << s.ttl << " token=" << s.token << " direct=" << s.direct;
  }
};
Sent sent(modules::HttpRequest const& r) {
  return {r.method, r.url, header(r, "X-aws-ec2-metadata-token-ttl-seconds"), header(r, "X-aws-ec2-metadata-token"),
          r.direct};
}
constexpr char kTokenUrl[] = "http://169.254.169.254/latest/api/token";
constexpr char kListingUrl[] = "http://169.254.169.254/latest/meta-data/iam/security-credentials/";

class ImdsClientTest : public ::testing::Test {
 protected:
  ImdsClientTest() : http_(&clock_) {}

  ImdsClient client(std::string base = kBase, std::int64_t budget_ms = 10'000) {
    return ImdsClient(http_, clock_, std::move(base), clock_.monotonic_ms() + budget_ms, default_policy(), random_);
  }
  void push_token() { http_.push(response(200, std::string(kToken) + "\n")); }

  testing::FakeClock clock_;
  test::FixedRandom random_ = test::FixedRandom::unit(1.0);  // the whole backoff ceiling
  test::FakeHttpClient http_;
};

TEST_F(ImdsClientTest, TokenPutThenTheRoleListingWithTheToken) {
  push_token();
  http_.push(response(200, "reader\nsecond-line-ignored\n"));
  auto imds = client(std::string(kBase) + "//");
  auto role = imds.role_name();
  ASSERT_TRUE(role.ok()) << role.error().message;
  EXPECT_EQ(*role, "reader");
  ASSERT_EQ(http_.requests.size(), 2U);
  // Never through a proxy; the token trimmed.
  EXPECT_EQ(sent(http_.requests[0]), (Sent{"PUT", kTokenUrl, "300", "(absent)", true}));
  EXPECT_EQ(sent(http_.requests[1]), (Sent{"GET", kListingUrl, "(absent)", kToken, true}));
  for (auto const& r : http_.requests) {
    EXPECT_EQ(r.timeout_ms, kAttemptTimeoutMs);
    EXPECT_EQ(r.max_body_bytes, kMaxBodyBytes);
  }
  EXPECT_EQ(imds.host(), kHost);
}

TEST_F(ImdsClientTest, OneTokenServesEveryRead) {
  push_token();
  http_.push(response(200, "reader"));
  http_.push(response(200, "us-east-1"));
  auto imds = client();
  ASSERT_TRUE(imds.role_name().ok());
  auto region = imds.get("/latest/meta-data/placement/region", "the region");
  ASSERT_TRUE(region.ok());
  EXPECT_EQ(region->reveal(), "us-east-1");
  ASSERT_EQ(http_.requests.size(), 3U);
  EXPECT_EQ(sent(http_.requests[2]),
            (Sent{"GET", "http://169.254.169.254/latest/meta-data/placement/region", "(absent)", kToken, true}));
}

// IMDSv2 only: a refused or failed token PUT is final; no GET without a token follows.
TEST_F(ImdsClientTest, NoImdsV1Fallback) {
  for (int status : {400, 401, 403, 404, 405}) {
    SCOPED_TRACE(status);
    http_.requests.clear();
    http_.push(response(status, "no"));
    std::string const words = status == 403 ? "refused the IMDSv2 token request (HTTP 403)"
                                            : "answered HTTP " + std::to_string(status) +
                                                  " to the IMDSv2 token request (fedcred uses IMDSv2 only)";
    EXPECT_TRUE(source_failure(client().role_name(), words));
    EXPECT_EQ(http_.requests.size(), 1U) << "no token-less GET";
  }
  http_.requests.clear();
  http_.push(response(200, " \n"));
  EXPECT_TRUE(source_failure(client().role_name(), "returned an empty IMDSv2 token"));
  EXPECT_EQ(http_.requests.size(), 1U);
}

// The hop limit of 1 in a container: the PUT's answer never arrives. Final
// after one attempt that used its whole timeout; named as what to fix.
TEST_F(ImdsClientTest, UnansweredTokenPutNamesTheHopLimitAndIsNotRetried) {
  http_.set_latency_ms(60'000);
  http_.set_fallback(make_error(Status::transient, "cannot reach 169.254.169.254: Timeout was reached"));
  auto role = client().role_name();
  EXPECT_TRUE(source_failure(role,
                             "no answer to the IMDSv2 token request from the instance metadata service "
                             "(IMDS) at 169.254.169.254 within 1000 ms"));
  EXPECT_TRUE(source_failure(role, "--http-put-response-hop-limit 2"));
  EXPECT_EQ(http_.requests.size(), 1U);
}

// A refusal that comes at once is not the hop limit: retried, then unreachable.
TEST_F(ImdsClientTest, RefusedConnectionIsRetriedThenUnreachable) {
  http_.set_fallback(connection_refused(kHost));
  std::int64_t const started = clock_.monotonic_ms();
  auto role = client().role_name();
  ASSERT_TRUE(source_failure(role, ""));
  EXPECT_EQ(role.error().message,
            "cannot reach the instance metadata service (IMDS) at 169.254.169.254 for the IMDSv2 token (Failed to "
            "connect to 169.254.169.254: Connection refused): is this an EC2 instance? "
            "AWS_EC2_METADATA_SERVICE_ENDPOINT overrides the address");
  EXPECT_EQ(http_.requests.size(), 2U) << "default_policy(): two attempts";
  EXPECT_EQ(clock_.sleeps, (std::vector<std::int64_t>{100})) << "the backoff before the retry";
  EXPECT_EQ(clock_.monotonic_ms() - started, 100);
}

TEST_F(ImdsClientTest, ServerErrorsAreRetried) {
  http_.push(response(503, "busy"));
  push_token();
  http_.push(response(500, "busy"));
  http_.push(response(200, "reader"));
  auto role = client().role_name();
  ASSERT_TRUE(role.ok()) << role.error().message;
  EXPECT_EQ(http_.requests.size(), 4U);
  EXPECT_EQ(header(http_.requests[3], "X-aws-ec2-metadata-token"), kToken);

  http_.requests.clear();
  push_token();
  http_.set_fallback(response(502, "down"));
  EXPECT_TRUE(source_failure(client().role_name(),
                             "for the instance role name (the instance metadata service (IMDS) "
                             "at 169.254.169.254 answered HTTP 502): is this an EC2 instance?"));
  EXPECT_EQ(http_.requests.size(), 3U) << "one PUT, two GETs";
}

// No retry starts that the deadline leaves no room for, and each attempt's
// timeout is what is left when it is less than a second.
TEST_F(ImdsClientTest, TheDeadlineBoundsAttemptsAndRetries) {
  http_.set_fallback(connection_refused(kHost));
  auto role = client(kBase, 90).role_name();
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(http_.requests.size(), 1U) << "90 ms left, under default_policy()'s 100 ms minimum attempt";
  EXPECT_EQ(http_.requests[0].timeout_ms, 90);
}

TEST_F(ImdsClientTest, ErrorMappingOfTheReads) {
  struct Case {
    Result<modules::HttpResponse> answer;
    std::string words;
  };
  Case const cases[] = {
      {response(401, ""), "the IMDSv2 session token was rejected while reading the instance role name"},
      {response(403, ""), "access to the instance role name is not allowed"},
      {response(404, ""), "no IAM role is attached to this instance"},
      {response(418, ""), "answered HTTP 418 for the instance role name"},
      {response(200, "not a role!\n"), "returned no usable IAM role name"},
      {response(200, std::string(129, 'r')), "returned no usable IAM role name"},
      {make_error(Status::response, "cannot read 169.254.169.254: answer too long"), "answer too long"},
  };
  for (auto const& c : cases) {
    SCOPED_TRACE(c.words);
    http_.requests.clear();
    push_token();
    http_.push(c.answer);
    // a garbled answer (Status::response) is the source's failure too
    EXPECT_TRUE(source_failure(client().role_name(), c.words));
    EXPECT_EQ(http_.requests.size(), 2U) << "final: not retried";
  }
  // A 404 elsewhere is no statement about the role.
  push_token();
  http_.push(response(404, ""));
  EXPECT_TRUE(source_failure(client().get("/latest/meta-data/placement/region", "the region"),
                             "answered HTTP 404 for the region"));
}

TEST_F(ImdsClientTest, AnEndpointThatIsNoUrlIsUsageAndSendsNothing) {
  auto role = client("169.254.169.254").role_name();
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(role.error().status, Status::usage);
  EXPECT_TRUE(mentions(role.error(), "invalid IMDS endpoint (AWS_EC2_METADATA_SERVICE_ENDPOINT)"));
  EXPECT_TRUE(http_.requests.empty());
}

// Doctor's probe: built by the client, sent by the probe once each.
TEST_F(ImdsClientTest, ProbeRequests) {
  auto const imds = client(std::string(kBase) + "/", 700);
  auto const put = imds.probe_token_request(60);
  EXPECT_EQ(sent(put), (Sent{"PUT", kTokenUrl, "60", "(absent)", true}));
  EXPECT_EQ(put.timeout_ms, 700) << "within the deadline";
  auto const get = imds.probe_untokened_request();
  EXPECT_EQ(sent(get), (Sent{"GET", "http://169.254.169.254/latest/meta-data/", "(absent)", "(absent)", true}));
  EXPECT_TRUE(get.headers.empty()) << "an instance requiring IMDSv2 answers 401";
  EXPECT_TRUE(http_.requests.empty()) << "built, not sent";
}

}  // namespace
}  // namespace fedcred::imds
