// SPDX-License-Identifier: Apache-2.0
#include "commands/serve_stats.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"

namespace fedcred {

Result<Secret> query_serve(ListenAddress const& where, std::string const& path, std::int64_t timeout_seconds) {
  auto fail = [&](std::string const& what) {
    return make_error(Status::transient, "GET " + path + " of the server on " + where.text() + ": " + what +
                                             " (is `fedcred serve` running there? --listen names it)");
  };
  sockaddr_storage ss{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, where.address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(where.port);
    len = sizeof(*v4);
  } else if (inet_pton(AF_INET6, where.address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(where.port);
    len = sizeof(*v6);
  } else {
    return fail("not a numeric address");
  }
  UniqueFd fd(socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fail(std::strerror(errno));
  timeval tv{static_cast<time_t>(timeout_seconds), 0};
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail(std::strerror(errno));
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + where.text() + "\r\nConnection: close\r\n\r\n";
  if (send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    return fail(std::strerror(errno));
  }
  std::string response;
  char buf[4096];
  for (;;) {
    ssize_t n = recv(fd.get(), buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::strerror(errno));
    if (n == 0) break;
    response.append(buf, static_cast<std::size_t>(n));
    if (response.size() > 65536) return fail("answer too large");
  }
  // Our own server's answer: a status line, headers, a blank line, JSON.
  auto body = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12 || body == std::string::npos) {
    return fail("unexpected answer");
  }
  if (response.compare(9, 3, "200") != 0) {
    // /healthz's 503 says what is not served; neither path's body holds a secret
    return make_error(Status::transient, "GET " + path + " of the server on " + where.text() + ": HTTP " +
                                             response.substr(9, 3) + " " + response.substr(body + 4, 512));
  }
  return Secret(response.substr(body + 4));
}

}  // namespace fedcred
