// SPDX-License-Identifier: Apache-2.0
#include "listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace fedcred::serve {
namespace {

// One socket until it is listening; closed on every early return.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket const&) = delete;
  Socket& operator=(Socket const&) = delete;
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

std::string describe(fedcred_serve_listen const& l) {
  std::string a = l.address;
  if (a.find(':') != std::string::npos) a = "[" + a + "]";
  return a + ":" + std::to_string(l.port);
}

// "127.0.0.1:8960" for a socket systemd passed, or why it is not one the
// server may answer on: the same rule as --listen (a numeric loopback
// address, 127.0.0.0/8 or ::1), since a socket unit is the one way around
// that check (issue 21.5: ListenStream=8960 would serve the network).
std::string passed_socket_problem(int fd, std::string& where) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return std::string("getsockname: ") + strerror(errno);
  char text[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET) {
    auto const* v4 = reinterpret_cast<sockaddr_in const*>(&ss);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
    where = std::string(text) + ":" + std::to_string(ntohs(v4->sin_port));
    if ((ntohl(v4->sin_addr.s_addr) >> 24) == 127) return {};
  } else if (ss.ss_family == AF_INET6) {
    auto const* v6 = reinterpret_cast<sockaddr_in6 const*>(&ss);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
    where = "[" + std::string(text) + "]:" + std::to_string(ntohs(v6->sin6_port));
    // ::1 only: a v4-mapped or wildcard address reaches beyond this host or
    // shares the port with IPv4 callers the v4 socket does not see.
    if (IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) return {};
  } else {
    where = "fd " + std::to_string(fd);
    return "not an IPv4 or IPv6 socket";
  }
  return "not a loopback address: fedcred serve listens on 127.0.0.0/8 or [::1] only (ListenStream= in the "
         "socket unit must name one, e.g. 127.0.0.1:PORT)";
}

}  // namespace

ListenSockets::~ListenSockets() {
  for (int fd : fds_) close(fd);
}

std::vector<int> ListenSockets::release() {
  std::vector<int> out;
  out.swap(fds_);
  return out;
}

ListenResult open_listen_sockets(fedcred_serve_listen const* listen, std::size_t count) {
  ListenResult r;
  // unset_environment: children of the server must not believe they own them.
  int passed = sd_listen_fds(1);
  if (passed > 0) {
    for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + passed; ++fd) {
      if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
        r.error = "a socket systemd passed (fd " + std::to_string(fd) + ") is not a listening stream socket";
        return r;
      }
      fcntl(fd, F_SETFD, FD_CLOEXEC);
      r.sockets.add(fd);
      std::string where;
      if (auto problem = passed_socket_problem(fd, where); !problem.empty()) {
        r.error = "the socket systemd passed on " + where + " (fd " + std::to_string(fd) + "): " + problem;
        return r;
      }
      r.bound.push_back(where + " (from systemd, fd " + std::to_string(fd) + ")");
    }
    return r;
  }
  for (std::size_t i = 0; i < count; ++i) {
    auto const& l = listen[i];
    sockaddr_storage ss{};
    socklen_t len = 0;
    int family = AF_INET;
    if (auto* v4 = reinterpret_cast<sockaddr_in*>(&ss); inet_pton(AF_INET, l.address, &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(l.port);
      len = sizeof(sockaddr_in);
    } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss); inet_pton(AF_INET6, l.address, &v6->sin6_addr) == 1) {
      family = AF_INET6;
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(l.port);
      len = sizeof(sockaddr_in6);
    } else {
      r.error = std::string("not a numeric address: ") + l.address;
      return r;
    }
    Socket sock(socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    int fd = sock.get();
    if (fd < 0 && l.optional && (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)) continue;
    if (fd < 0) {
      r.error = "cannot listen on " + describe(l) + ": socket: " + strerror(errno);
      return r;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    // [::1] must not also claim 127.0.0.1: that one has its own socket.
    if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
      int err = errno;
      if (l.optional && (err == EADDRNOTAVAIL || err == EAFNOSUPPORT)) continue;
      r.error = "cannot listen on " + describe(l) + ": " + strerror(err) +
                (err == EADDRINUSE ? " (another server on that port? choose another with --listen)" : "");
      return r;
    }
    if (::listen(fd, SOMAXCONN) != 0) {
      r.error = "cannot listen on " + describe(l) + ": " + strerror(errno);
      return r;
    }
    r.sockets.add(sock.release());
    r.bound.push_back(describe(l));
  }
  if (r.sockets.fds().empty()) r.error = "no address to listen on";
  return r;
}

}  // namespace fedcred::serve
