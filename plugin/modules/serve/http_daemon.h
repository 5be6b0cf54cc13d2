// SPDX-License-Identifier: Apache-2.0
// libmicrohttpd in front of the Router: one daemon per listening socket, each
// event driven (epoll) with a small thread pool, so a slow or oversized
// request costs one connection slot, never a thread other clients wait for.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "connections.h"
#include "logger.h"
#include "router.h"
#include "worker.h"

struct MHD_Daemon;

namespace fedcred::serve {

class HttpDaemons {
 public:
  HttpDaemons(Router& router, Logger log)
      : router_(router), log_(std::move(log)), connections_([&router] { return router.hold_until_unix(); }) {}
  HttpDaemons(HttpDaemons const&) = delete;
  HttpDaemons& operator=(HttpDaemons const&) = delete;
  // Answers the held requests and those waiting for the worker, stops every
  // daemon (and closes its socket).
  ~HttpDaemons();

  // Takes ownership of `fd` (closed by the daemon, or here on failure).
  // Returns an error message, empty on success.
  std::string start(int fd);

  Router& router() { return router_; }
  Connections& connections() { return connections_; }
  // Answers the requests held for the first credentials (after a publish).
  void release_held();
  // Answers `req` on the worker; the caller suspended `connection`, whose
  // request (and so `req`'s views) lives until the resume.
  void answer_on_worker(HttpRequest const& req, Connection* state, MHD_Connection* connection);
  // Whether a request may be held now: not once the server is stopping.
  bool holding() const { return !stopping_.load(); }
  Logger const& log() const { return log_; }

 private:
  struct Stop {
    void operator()(MHD_Daemon* d) const noexcept;
  };
  Router& router_;
  Logger log_;
  // Set before the held requests are released for the last time: a request
  // resumed then is answered, never held again (libmicrohttpd aborts the
  // process when a daemon stops with a suspended connection).
  std::atomic<bool> stopping_{false};
  Connections connections_;  // before the daemons: they report closed connections while stopping
  Worker worker_;
  std::vector<std::unique_ptr<MHD_Daemon, Stop>> daemons_;
};

}  // namespace fedcred::serve
