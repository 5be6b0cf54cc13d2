// SPDX-License-Identifier: Apache-2.0
#include "net/system_resolver.h"

#include <netdb.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <system_error>
#include <string>
#include <thread>
#include <utility>

namespace fedcred::net {
namespace {

// What the resolving thread and its caller share; the last one to let go of
// it frees the answer.
struct PendingLookup {
  std::string host;
  std::string service;
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  int rc = EAI_SYSTEM;
  addrinfo* found = nullptr;

  PendingLookup(std::string h, std::string s) : host(std::move(h)), service(std::move(s)) {}
  PendingLookup(PendingLookup const&) = delete;
  PendingLookup& operator=(PendingLookup const&) = delete;
  ~PendingLookup() {
    if (found != nullptr) freeaddrinfo(found);
  }

  void run() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* answer = nullptr;
    int const status = getaddrinfo(host.c_str(), service.c_str(), &hints, &answer);
    std::lock_guard<std::mutex> lock(mutex);
    rc = status;
    found = answer;
    done = true;
    finished.notify_all();
  }
};

}  // namespace

Result<std::vector<SocketAddress>> SystemHostResolver::resolve(std::string const& host, std::uint16_t port,
                                                               std::int64_t timeout_ms) {
  auto lookup = std::make_shared<PendingLookup>(host, std::to_string(port));
  try {
    std::thread([lookup] { lookup->run(); }).detach();
  } catch (std::system_error const& e) {
    return make_error(Status::internal, "cannot resolve " + host + ": no thread for the resolver (" + e.what() + ")");
  }
  std::unique_lock<std::mutex> lock(lookup->mutex);
  auto const wait = std::chrono::milliseconds(std::max<std::int64_t>(timeout_ms, 0));
  if (!lookup->finished.wait_for(lock, wait, [&] { return lookup->done; })) {
    return make_error(Status::transient, "cannot reach " + host + ": no answer from the DNS resolver within the " +
                                             "time left (" + std::to_string(std::max<std::int64_t>(timeout_ms, 0)) +
                                             " ms)");
  }
  if (lookup->rc != 0) return make_error(Status::transient, "cannot reach " + host + ": " + gai_strerror(lookup->rc));
  std::vector<SocketAddress> out;
  for (addrinfo* a = lookup->found; a != nullptr; a = a->ai_next) {
    if (a->ai_addrlen > sizeof(sockaddr_storage)) continue;
    SocketAddress address;
    std::memcpy(&address.storage, a->ai_addr, a->ai_addrlen);
    address.length = a->ai_addrlen;
    out.push_back(address);
  }
  if (out.empty()) return make_error(Status::transient, "cannot reach " + host + ": no address");
  return out;
}

}  // namespace fedcred::net
