// SPDX-License-Identifier: Apache-2.0
// Who is calling (issue 21.3): the owner of a real loopback connection's
// other end through sock_diag, and the caller policy over uids and groups.
#include "caller.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "caller_policy.h"

namespace fedcred::serve {
namespace {

struct Fd {
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  int fd;
};

TEST(LoopbackPeerUid, NamesTheOwnerOfTheClientSocket) {
  Fd listener(socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener.fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  ASSERT_EQ(listen(listener.fd, 1), 0);
  socklen_t len = sizeof(a);
  ASSERT_EQ(getsockname(listener.fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  Fd client(socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_EQ(connect(client.fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  Fd accepted(accept(listener.fd, nullptr, nullptr));
  ASSERT_GE(accepted.fd, 0);
  auto uid = loopback_peer_uid(accepted.fd);
  ASSERT_TRUE(uid.has_value());
  EXPECT_EQ(*uid, geteuid());
  // the listener is not a connection: no peer to name
  EXPECT_FALSE(loopback_peer_uid(listener.fd).has_value());
  // a client that closed its end has no owner any more
  close(client.fd);
  client.fd = -1;
  EXPECT_FALSE(loopback_peer_uid(accepted.fd).has_value());
}

TEST(CallerPolicy, UidsAndGroupMembers) {
  int lookups = 0;
  CallerPolicy policy({0, 1000}, {50}, [&](uid_t uid) {
    ++lookups;
    return uid == 2000 ? std::vector<gid_t>{7, 50} : std::vector<gid_t>{uid + 10000};
  });
  EXPECT_TRUE(policy.allows(0));
  EXPECT_TRUE(policy.allows(1000));
  EXPECT_TRUE(policy.allows(2000));
  EXPECT_FALSE(policy.allows(3000));
  EXPECT_FALSE(policy.allows(50));  // a gid is not a uid
  EXPECT_TRUE(policy.allows(2000));
  EXPECT_EQ(lookups, 3) << "memberships are cached";
  CallerPolicy only_uids({1000}, {}, [](uid_t) -> std::vector<gid_t> { ADD_FAILURE(); return {}; });
  EXPECT_FALSE(only_uids.allows(2000));
}

}  // namespace
}  // namespace fedcred::serve
