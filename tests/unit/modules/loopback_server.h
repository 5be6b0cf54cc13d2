// SPDX-License-Identifier: Apache-2.0
// A tiny HTTP server on loopback for the tests of CurlHttpClient: one canned
// response per connection, each request's raw text recorded.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fedcred::modules {

class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&&) = delete;
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Serves one canned response per connection, on 127.0.0.1 and an ephemeral
// port, and records each request's raw text.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::vector<std::string> responses, bool hang = false)
      : responses_(std::move(responses)), hang_(hang), listener_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listener_.get(), 8) != 0 ||
        ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    ::shutdown(listener_.get(), SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void serve() {
    for (std::string const& reply : responses_) {
      UniqueFd conn(::accept(listener_.get(), nullptr, nullptr));
      if (conn.get() < 0 || stop_) return;
      std::string request = read_request(conn.get());
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(request);
      }
      if (hang_) {
        while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return;
      }
      std::size_t sent = 0;
      while (sent < reply.size()) {
        ssize_t n = ::send(conn.get(), reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
    }
  }

  static std::string read_request(int fd) {
    std::string data;
    char buf[4096];
    std::size_t want = std::string::npos;
    while (want == std::string::npos || data.size() < want) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      data.append(buf, static_cast<std::size_t>(n));
      auto end = data.find("\r\n\r\n");
      if (end != std::string::npos && want == std::string::npos) {
        std::size_t body = 0;
        auto cl = data.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) body = std::stoul(data.substr(cl + 16));
        want = end + 4 + body;
      }
    }
    return data;
  }

  std::vector<std::string> responses_;
  bool hang_;
  UniqueFd listener_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::string> requests_;
};

}  // namespace fedcred::modules
