// SPDX-License-Identifier: Apache-2.0
// The server's open connections (issues 21.3, 21.7, 21.8): each one's caller
// (found once, when it opens), a cap on the connections of one caller, a
// bound on the time one request may take to arrive, and the requests held
// until the first credentials are in. A housekeeping thread enforces the
// time bounds.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "http_types.h"

struct MHD_Connection;

namespace fedcred::serve {

struct Connection {
  int fd = -1;
  std::optional<uid_t> caller;  // nullopt: unknown (refused by the router)
  std::chrono::steady_clock::time_point waiting_since;  // when the request being read began
  MHD_Connection* held = nullptr;  // suspended until the first credentials are in
  // Suspended while the worker (worker.h) makes its answer: exempt from the
  // request-time bound, which is for clients, not for the server's own wait.
  bool working = false;
  std::optional<HttpResponse> answer;  // the worker's answer, queued once resumed
};

class Connections {
 public:
  // Connections one caller may hold open; more are closed at once.
  static constexpr unsigned kPerCaller = 64;
  // From a connection's opening (or its previous answer) to a complete
  // request: a client trickling its headers is cut off after that.
  static constexpr std::chrono::seconds kRequestTime{5};

  // `hold_until`: when held requests are answered anyway (unix seconds).
  explicit Connections(std::function<std::int64_t()> hold_until);
  Connections(Connections const&) = delete;
  Connections& operator=(Connections const&) = delete;
  ~Connections();  // stops the housekeeping thread; release_held() first

  // MHD's connection notifications. opened() returns the state to keep with
  // the connection; a caller over its cap has its socket shut down.
  Connection* opened(int fd);
  void closed(Connection* c);
  void answered(Connection* c);

  // Suspends a request (the caller called MHD_suspend_connection) until
  // release_held() or the hold deadline.
  void hold(Connection* c, MHD_Connection* connection);
  void release_held();

  // A request answered by the worker (the caller suspended the connection):
  // work_started() before the job is posted, work_done() from the worker
  // with its answer, which resumes the connection.
  void work_started(Connection* c);
  void work_done(Connection* c, MHD_Connection* connection, HttpResponse answer);

 private:
  void housekeeping();

  std::function<std::int64_t()> hold_until_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::set<Connection*> open_;
  std::map<std::optional<uid_t>, unsigned> per_caller_;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace fedcred::serve
