// SPDX-License-Identifier: Apache-2.0
// name_instance_role (flows/instance_role.h) with the fake seam, and
// ImdsRoleLookup's failures against real loopback sockets: bounded by the
// run's deadline, failing as the aws module's IMDS client does.
#include "flows/instance_role.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "base/unique_fd.h"
#include "clock.h"
#include "fakes/host_resolver.h"
#include "fakes/instance_role.h"
#include "fakes/random.h"
#include "fakes/test_support.h"
#include "net/endpoint.h"

namespace fedcred {
namespace {

using test::FailsWith;

TEST(NameInstanceRole, TheImdsLinkGetsTheRoleInItsIdentity) {
  test::FakeInstanceRoleLookup lookup;
  lookup.role = "web-role";
  AwsChainLink link{"imds", "instance role at http://169.254.169.254"};
  ASSERT_TRUE(name_instance_role(link, "http://169.254.169.254", &lookup, 1234).ok());
  EXPECT_EQ(link.identity, "instance role web-role at http://169.254.169.254");
  EXPECT_EQ(link.instance_role, "web-role") << "for the module, which signs with no other";
  ASSERT_EQ(lookup.calls.size(), 1U);
  EXPECT_EQ(lookup.calls[0].deadline_ms, 1234);
}

TEST(NameInstanceRole, OtherLinksAreLeftAlone) {
  test::FakeInstanceRoleLookup lookup;
  AwsChainLink link{"environment", "access key AKIA"};
  ASSERT_TRUE(name_instance_role(link, "http://169.254.169.254", &lookup, 1).ok());
  EXPECT_EQ(link.identity, "access key AKIA");
  EXPECT_TRUE(lookup.calls.empty());
}

TEST(NameInstanceRole, AFailedLookupFailsAndNoSeamIsInternal) {
  test::FakeInstanceRoleLookup lookup;
  lookup.error = make_error(Status::source, "no IAM role is attached to this instance");
  AwsChainLink link{"imds", "instance role at x"};
  auto failed = name_instance_role(link, "http://169.254.169.254", &lookup, 1);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().status, Status::source);
  EXPECT_EQ(link.identity, "instance role at x");
  auto none = name_instance_role(link, "http://169.254.169.254", nullptr, 1);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().status, Status::internal);
}

// No name resolves: the lookups below use addresses, and the one name must fail.
Error no_names() { return make_error(Status::transient, "cannot reach x: no names here"); }

// A loopback listener that never accepts: the kernel completes the handshake,
// nobody answers (IMDS's answer lost at a hop limit of 1).
struct SilentListener {
  UniqueFd fd{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  int port = 0;
  SilentListener() {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sin;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sin), len) != 0 || ::listen(fd.get(), 8) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sin), &len) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
    }
    port = ntohs(sin.sin_port);
  }
};

TEST(ImdsRoleLookup, SilenceIsBoundedByTheDeadlineAndNamesTheHopLimit) {
  SilentListener silent;
  SystemClock clock;
  test::FixedRandom random;
  test::FakeHostResolver names(no_names());
  ImdsRoleLookup lookup(clock, random, names);
  std::int64_t const started = clock.monotonic_ms();
  auto role = lookup.role_name("http://127.0.0.1:" + std::to_string(silent.port), started + 300);
  std::int64_t const elapsed = clock.monotonic_ms() - started;
  EXPECT_TRUE(FailsWith(role, Status::source, "no answer to the IMDSv2 token request", "hop limit"));
  EXPECT_GE(elapsed, 250);
  EXPECT_LT(elapsed, 1000) << "the run's deadline, not the 1 s attempt timeout";
}

TEST(ImdsRoleLookup, RefusedConnectionIsUnreachable) {
  std::string url;
  {
    SilentListener closed;  // a port that was just free, closed again
    url = "http://127.0.0.1:" + std::to_string(closed.port);
  }
  SystemClock clock;
  test::FixedRandom random;
  test::FakeHostResolver names(no_names());
  ImdsRoleLookup lookup(clock, random, names);
  auto role = lookup.role_name(url, clock.monotonic_ms() + 2000);
  EXPECT_TRUE(FailsWith(role, Status::source, "cannot reach the instance metadata service (IMDS) at 127.0.0.1:",
                        "is this an EC2 instance?"));
}

TEST(ImdsRoleLookup, PlainHttpOnlyAndNamesGoThroughTheResolver) {
  SystemClock clock;
  test::FixedRandom random;
  test::FakeHostResolver names(no_names());
  ImdsRoleLookup lookup(clock, random, names);
  EXPECT_TRUE(FailsWith(lookup.role_name("https://169.254.169.254", clock.monotonic_ms() + 100), Status::usage,
                        "plain http"));
  EXPECT_TRUE(FailsWith(lookup.role_name("http://imds.internal", clock.monotonic_ms() + 100), Status::source,
                        "no names here"));
}

}  // namespace
}  // namespace fedcred
