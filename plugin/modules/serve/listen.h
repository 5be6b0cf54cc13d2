// SPDX-License-Identifier: Apache-2.0
// The listening sockets: the ones systemd passed (socket activation,
// LISTEN_FDS), else bound here on the requested loopback addresses.
#pragma once

#include <string>
#include <vector>

#include "serve_abi.h"

namespace fedcred::serve {

// Owns listening sockets; closes them when destroyed.
class ListenSockets {
 public:
  ListenSockets() = default;
  ListenSockets(ListenSockets const&) = delete;
  ListenSockets& operator=(ListenSockets const&) = delete;
  ListenSockets(ListenSockets&& other) noexcept : fds_(std::move(other.fds_)) { other.fds_.clear(); }
  ~ListenSockets();

  std::vector<int> const& fds() const { return fds_; }
  void add(int fd) { fds_.push_back(fd); }
  // Hands the sockets over (to the daemons that close them).
  std::vector<int> release();

 private:
  std::vector<int> fds_;
};

struct ListenResult {
  ListenSockets sockets;
  std::string error;  // empty on success
  std::vector<std::string> bound;  // "127.0.0.1:8960", for the log
};

// systemd's sockets when it passed some (they are then the whole truth), else
// one socket per `listen` entry. An optional entry whose address family the
// kernel lacks is skipped; any other failure (port in use) is an error.
ListenResult open_listen_sockets(fedcred_serve_listen const* listen, std::size_t count);

}  // namespace fedcred::serve
