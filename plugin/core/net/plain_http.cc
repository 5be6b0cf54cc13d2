// SPDX-License-Identifier: Apache-2.0
#include "net/plain_http.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>

#include "base/unique_fd.h"

namespace fedcred::net {
namespace {

// Wipes a buffer that holds what was read (the session token) on every return.
struct WipedOnExit {
  std::string& bytes;
  ~WipedOnExit() { wipe(bytes); }
};

class Exchange {
 public:
  Exchange(std::string const& authority, std::int64_t deadline_ms, Clock const& clock)
      : authority_(authority), deadline_ms_(deadline_ms), clock_(clock) {}

  Error unreachable(std::string const& why) const {
    return make_error(Status::transient, "cannot reach " + authority_ + ": " + why);
  }
  Error timed_out() const { return unreachable("timed out"); }

  // Waits for `events` on fd within the deadline: true when ready.
  Result<bool> wait(int fd, short events) const {
    for (;;) {
      std::int64_t const left = deadline_ms_ - clock_.monotonic_ms();
      if (left <= 0) return false;
      pollfd p{fd, events, 0};
      int const rc = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left, 60'000)));
      if (rc > 0) return true;
      if (rc < 0 && errno != EINTR) return unreachable(std::string("poll: ") + strerror(errno));
    }
  }

  Result<UniqueFd> connect_to(SocketAddress const& address) const {
    UniqueFd fd(::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) return unreachable(std::string("socket: ") + strerror(errno));
    if (::connect(fd.get(), reinterpret_cast<sockaddr const*>(&address.storage), address.length) == 0) return fd;
    if (errno != EINPROGRESS) return unreachable(strerror(errno));
    auto ready = wait(fd.get(), POLLOUT);
    if (!ready) return std::move(ready).error();
    if (!*ready) return timed_out();
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error != 0) return unreachable(strerror(error));
    return fd;
  }

  Result<void> send_all(int fd, std::string const& bytes) const {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t const n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return unreachable(std::string("send: ") + strerror(errno));
      }
      auto ready = wait(fd, POLLOUT);
      if (!ready) return std::move(ready).error();
      if (!*ready) return timed_out();
    }
    return {};
  }

  Result<HttpAnswer> receive(int fd, std::size_t max_body_bytes) const {
    std::string raw;
    WipedOnExit wiped{raw};
    std::size_t const cap = kMaxHttpHeaderBytes + max_body_bytes + 4;
    raw.reserve(std::min<std::size_t>(cap, 8192));
    std::array<char, 4096> chunk{};
    bool at_eof = false;
    for (;;) {
      ssize_t const n = ::recv(fd, chunk.data(), chunk.size(), 0);
      if (n > 0) {
        append_wiping(raw, std::string_view(chunk.data(), static_cast<std::size_t>(n)));
        explicit_bzero(chunk.data(), chunk.size());
      } else if (n == 0) {
        at_eof = true;
      } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return unreachable(std::string("recv: ") + strerror(errno));
      }
      if (n != 0 && raw.size() > cap) {
        return make_error(Status::response, authority_ + " answered more than " + std::to_string(cap) + " bytes");
      }
      if (n > 0 || at_eof) {
        auto parsed = parse_http_answer(raw, at_eof, max_body_bytes);
        if (!parsed) return Error(std::move(parsed).error()).prefix(authority_);
        if (*parsed) return std::move(**parsed);
      }
      if (n > 0) continue;
      auto ready = wait(fd, POLLIN);
      if (!ready) return std::move(ready).error();
      if (!*ready) return timed_out();
    }
  }

 private:
  std::string const& authority_;
  std::int64_t deadline_ms_;
  Clock const& clock_;
};

}  // namespace

Result<HttpAnswer> plain_http_exchange(std::vector<SocketAddress> const& addresses, std::string const& authority,
                                       Secret const& request, std::int64_t deadline_ms, Clock const& clock,
                                       std::size_t max_body_bytes) {
  Exchange exchange(authority, deadline_ms, clock);
  Result<UniqueFd> connected = exchange.unreachable("no address");
  for (auto const& address : addresses) {
    connected = exchange.connect_to(address);
    if (connected) break;
  }
  if (!connected) return std::move(connected).error();
  auto sent = exchange.send_all(connected->get(), request.reveal());
  if (!sent) return std::move(sent).error();
  return exchange.receive(connected->get(), max_body_bytes);
}

}  // namespace fedcred::net
