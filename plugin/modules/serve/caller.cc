// SPDX-License-Identifier: Apache-2.0
#include "caller.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace fedcred::serve {
namespace {

class NetlinkSocket {
 public:
  NetlinkSocket() : fd_(socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) {}
  NetlinkSocket(NetlinkSocket const&) = delete;
  NetlinkSocket& operator=(NetlinkSocket const&) = delete;
  ~NetlinkSocket() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// The address and port of one end, in the shape inet_diag wants (network
// order); false for a family other than IPv4/IPv6.
bool endpoint(sockaddr_storage const& ss, std::uint32_t addr[4], std::uint16_t& port) {
  if (ss.ss_family == AF_INET) {
    auto const* v4 = reinterpret_cast<sockaddr_in const*>(&ss);
    memcpy(addr, &v4->sin_addr, sizeof(v4->sin_addr));
    port = v4->sin_port;
    return true;
  }
  if (ss.ss_family == AF_INET6) {
    auto const* v6 = reinterpret_cast<sockaddr_in6 const*>(&ss);
    memcpy(addr, &v6->sin6_addr, sizeof(v6->sin6_addr));
    port = v6->sin6_port;
    return true;
  }
  return false;
}

}  // namespace

std::optional<uid_t> loopback_peer_uid(int fd) {
  sockaddr_storage local{}, peer{};
  socklen_t local_len = sizeof(local), peer_len = sizeof(peer);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0 ||
      getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0 || local.ss_family != peer.ss_family) {
    return std::nullopt;
  }
  struct {
    nlmsghdr header;
    inet_diag_req_v2 body;
  } request{};
  request.header.nlmsg_len = sizeof(request);
  request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST;  // one socket by its exact id, not a dump
  request.body.sdiag_family = static_cast<std::uint8_t>(local.ss_family);
  request.body.sdiag_protocol = IPPROTO_TCP;
  request.body.idiag_states = ~0u;
  // The client's socket: its local end is our peer, its remote end us.
  if (!endpoint(peer, request.body.id.idiag_src, request.body.id.idiag_sport) ||
      !endpoint(local, request.body.id.idiag_dst, request.body.id.idiag_dport)) {
    return std::nullopt;
  }
  request.body.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  request.body.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

  NetlinkSocket nl;
  if (nl.get() < 0) return std::nullopt;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(nl.get(), &request, sizeof(request), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) !=
      static_cast<ssize_t>(sizeof(request))) {
    return std::nullopt;
  }
  alignas(nlmsghdr) char answer[8192];
  ssize_t n;
  do {
    n = recv(nl.get(), answer, sizeof(answer), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return std::nullopt;
  std::size_t const address_size = local.ss_family == AF_INET ? sizeof(in_addr) : sizeof(in6_addr);
  auto remaining = static_cast<unsigned>(n);
  // One answer: the socket, or an error (NLMSG_ERROR: no such socket).
  auto const* h = reinterpret_cast<nlmsghdr const*>(answer);
  if (NLMSG_OK(h, remaining)) {
    if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) return std::nullopt;
    auto const* msg = reinterpret_cast<inet_diag_msg const*>(answer + NLMSG_HDRLEN);
    // An orphaned socket (the client closed it) has no inode and so no
    // owner: the kernel would say uid 0.
    if (msg->idiag_inode == 0) return std::nullopt;
    if (msg->id.idiag_sport != request.body.id.idiag_sport || msg->id.idiag_dport != request.body.id.idiag_dport ||
        memcmp(msg->id.idiag_src, request.body.id.idiag_src, address_size) != 0 ||
        memcmp(msg->id.idiag_dst, request.body.id.idiag_dst, address_size) != 0) {
      return std::nullopt;
    }
    return static_cast<uid_t>(msg->idiag_uid);
  }
  return std::nullopt;
}

}  // namespace fedcred::serve
