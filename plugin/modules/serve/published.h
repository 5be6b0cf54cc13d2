// SPDX-License-Identifier: Apache-2.0
// What the server hands out: the last credentials the library published for
// each route, swapped atomically by the refresher and read by every request.
// Readers get a shared snapshot, so a refresh never waits for a slow client
// and a client never sees half of an update.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace fedcred::serve {

struct Published {
  Published(std::string v, std::int64_t exp) : value(std::move(v)), expiration(exp) {}
  Published(Published const&) = delete;
  Published& operator=(Published const&) = delete;
  ~Published();  // wipes value

  std::string value;        // a secret: the document or the token
  std::int64_t expiration;  // unix seconds
};

class PublishedSlot {
 public:
  void publish(std::string value, std::int64_t expiration);
  // The current value, or nullptr when nothing was published yet.
  std::shared_ptr<Published const> current() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<Published const> value_;
};

// Whether `p` may still be handed out at now_unix.
inline bool valid_at(Published const* p, std::int64_t now_unix) { return p != nullptr && p->expiration > now_unix; }

}  // namespace fedcred::serve
