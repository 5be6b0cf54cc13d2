// SPDX-License-Identifier: Apache-2.0
// The per-caller connection cap and the request-time bound of `fedcred
// serve` (issue 21.7) on real loopback connections: the caller of each is
// found by sock_diag, as in the server, and a connection over its caller's
// cap, or too slow to send its request, is shut down (its client reads
// end-of-file).
#include "connections.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <thread>
#include <vector>

namespace fedcred::serve {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd const&) = delete;
  Fd& operator=(Fd const&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// One client connection: the client's socket and the server's accepted end.
struct Link {
  std::unique_ptr<Fd> client;
  std::unique_ptr<Fd> accepted;
};

class Loopback {
 public:
  Loopback() : listener_(socket(AF_INET, SOCK_STREAM, 0)) {
    address_.sin_family = AF_INET;
    address_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listener_.get(), reinterpret_cast<sockaddr*>(&address_), sizeof(address_)), 0);
    EXPECT_EQ(listen(listener_.get(), SOMAXCONN), 0);
    socklen_t len = sizeof(address_);
    EXPECT_EQ(getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address_), &len), 0);
  }

  // A client socket owned by the current effective uid (the owner sock_diag names).
  static std::unique_ptr<Fd> client_socket() { return std::make_unique<Fd>(socket(AF_INET, SOCK_STREAM, 0)); }

  Link connect_with(std::unique_ptr<Fd> client) {
    EXPECT_EQ(connect(client->get(), reinterpret_cast<sockaddr const*>(&address_), sizeof(address_)), 0);
    auto accepted = std::make_unique<Fd>(accept(listener_.get(), nullptr, nullptr));
    EXPECT_GE(accepted->get(), 0);
    return Link{std::move(client), std::move(accepted)};
  }

 private:
  Fd listener_;
  sockaddr_in address_{};
};

// Whether the server shut the connection down: its client reads end-of-file
// (within `wait_ms`; a connection left open has nothing to read).
bool shut_down(Link const& link, int wait_ms) {
  pollfd p{link.client->get(), POLLIN, 0};
  if (poll(&p, 1, wait_ms) != 1) return false;
  char byte = 0;
  return recv(link.client->get(), &byte, 1, MSG_DONTWAIT) == 0;
}

// Never hold: these tests do not suspend requests.
std::int64_t no_hold() { return 0; }

TEST(Connections, OneCallerIsCappedAndTheCapFreesAsItsConnectionsClose) {
  Loopback loopback;
  Connections connections(no_hold);
  std::vector<Link> links;
  std::vector<Connection*> states;
  for (unsigned i = 0; i < Connections::kPerCaller; ++i) {
    links.push_back(loopback.connect_with(Loopback::client_socket()));
    states.push_back(connections.opened(links.back().accepted->get()));
    ASSERT_TRUE(states.back()->caller.has_value());
    EXPECT_EQ(*states.back()->caller, geteuid());
  }
  Link over = loopback.connect_with(Loopback::client_socket());
  Connection* over_state = connections.opened(over.accepted->get());
  EXPECT_TRUE(shut_down(over, 2000)) << "connection " << Connections::kPerCaller + 1 << " of one caller was kept";
  for (auto const& link : links) EXPECT_FALSE(shut_down(link, 0)) << "a connection within the cap was shut down";
  connections.closed(over_state);

  // one closes: the caller may open one again, and only one
  connections.closed(states.back());
  states.pop_back();
  links.pop_back();
  Link again = loopback.connect_with(Loopback::client_socket());
  states.push_back(connections.opened(again.accepted->get()));
  EXPECT_FALSE(shut_down(again, 200)) << "a closed connection still counted against its caller";
  Link once_more = loopback.connect_with(Loopback::client_socket());
  Connection* once_more_state = connections.opened(once_more.accepted->get());
  EXPECT_TRUE(shut_down(once_more, 2000));
  connections.closed(once_more_state);
  for (Connection* c : states) connections.closed(c);
}

TEST(Connections, TheCapIsPerCaller) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to own a socket as another user";
  Loopback loopback;
  // Made before the housekeeping thread exists: seteuid changes every thread.
  uid_t const other = 65534;
  ASSERT_EQ(seteuid(other), 0);
  auto other_socket = Loopback::client_socket();
  ASSERT_EQ(seteuid(0), 0);
  Connections connections(no_hold);
  std::vector<Link> links;
  std::vector<Connection*> states;
  for (unsigned i = 0; i <= Connections::kPerCaller; ++i) {
    links.push_back(loopback.connect_with(Loopback::client_socket()));
    states.push_back(connections.opened(links.back().accepted->get()));
  }
  EXPECT_TRUE(shut_down(links.back(), 2000)) << "root's connection over the cap was kept";
  Link others = loopback.connect_with(std::move(other_socket));
  Connection* others_state = connections.opened(others.accepted->get());
  ASSERT_TRUE(others_state->caller.has_value());
  EXPECT_EQ(*others_state->caller, other);
  EXPECT_FALSE(shut_down(others, 200)) << "another caller was refused for root's connections";
  connections.closed(others_state);
  for (Connection* c : states) connections.closed(c);
}

TEST(Connections, ARequestTooSlowToArriveIsCutOffAndAnAnswerRestartsTheClock) {
  Loopback loopback;
  Connections connections(no_hold);
  Link slow = loopback.connect_with(Loopback::client_socket());
  Link served = loopback.connect_with(Loopback::client_socket());
  Connection* slow_state = connections.opened(slow.accepted->get());
  Connection* served_state = connections.opened(served.accepted->get());
  // Both open a while, then one is answered: its clock starts again.
  std::this_thread::sleep_for(Connections::kRequestTime / 2);
  EXPECT_FALSE(shut_down(slow, 0));
  connections.answered(served_state);
  // The housekeeper looks every 200 ms: the slow one is cut within a second of its bound.
  EXPECT_TRUE(shut_down(slow, 4000)) << "a connection that sent no request was kept past the bound";
  EXPECT_FALSE(shut_down(served, 0)) << "the answered connection's clock did not restart";
  connections.closed(slow_state);
  connections.closed(served_state);
}

}  // namespace
}  // namespace fedcred::serve
