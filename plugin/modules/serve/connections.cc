// SPDX-License-Identifier: Apache-2.0
#include "connections.h"

#include <microhttpd.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "caller.h"

namespace fedcred::serve {

Connections::Connections(std::function<std::int64_t()> hold_until)
    : hold_until_(std::move(hold_until)), thread_([this] { housekeeping(); }) {}

Connections::~Connections() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Connection* Connections::opened(int fd) {
  auto* c = new Connection;
  c->fd = fd;
  c->caller = loopback_peer_uid(fd);  // outside the lock: a netlink round trip
  c->waiting_since = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  open_.insert(c);
  // Over the cap: MHD reads end-of-file and closes it, before it holds a
  // slot other callers need (issue 21.7). Counted all the same, so closed()
  // stays simple.
  if (++per_caller_[c->caller] > kPerCaller) shutdown(fd, SHUT_RDWR);
  return c;
}

void Connections::closed(Connection* c) {
  if (c == nullptr) return;
  {
    // MHD closes the fd after this returns: under the lock, the housekeeper
    // never shuts down an fd number that was already reused.
    std::lock_guard<std::mutex> lock(mutex_);
    open_.erase(c);
    if (auto it = per_caller_.find(c->caller); it != per_caller_.end() && --it->second == 0) per_caller_.erase(it);
  }
  // An answer the client left before reading may hold a token.
  if (c->answer && !c->answer->body.empty()) explicit_bzero(c->answer->body.data(), c->answer->body.size());
  delete c;
}

void Connections::answered(Connection* c) {
  if (c == nullptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  c->waiting_since = std::chrono::steady_clock::now();
}

void Connections::hold(Connection* c, MHD_Connection* connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  c->held = connection;
}

void Connections::release_held() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (Connection* c : open_) {
    if (c->held == nullptr) continue;
    MHD_Connection* connection = c->held;
    c->held = nullptr;
    c->waiting_since = std::chrono::steady_clock::now();
    MHD_resume_connection(connection);
  }
}

void Connections::work_started(Connection* c) {
  std::lock_guard<std::mutex> lock(mutex_);
  c->working = true;
}

void Connections::work_done(Connection* c, MHD_Connection* connection, HttpResponse answer) {
  std::lock_guard<std::mutex> lock(mutex_);
  c->answer = std::move(answer);
  c->working = false;
  c->waiting_since = std::chrono::steady_clock::now();
  MHD_resume_connection(connection);
}

void Connections::housekeeping() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(200));
    if (stopping_) break;
    auto now = std::chrono::steady_clock::now();
    bool hold_over = static_cast<std::int64_t>(time(nullptr)) >= hold_until_();
    for (Connection* c : open_) {
      if (c->held != nullptr) {
        if (hold_over) {
          MHD_resume_connection(c->held);
          c->held = nullptr;
          c->waiting_since = now;
        }
        continue;
      }
      if (c->working) continue;
      // Too slow to send its request (issue 21.7): MHD sees the socket
      // closed and drops the connection.
      if (now - c->waiting_since > kRequestTime) shutdown(c->fd, SHUT_RDWR);
    }
  }
}

}  // namespace fedcred::serve
