// SPDX-License-Identifier: Apache-2.0
// Secret: a string that holds a token, secret key or session token. It wipes
// its bytes when it dies and is never streamed or formatted implicitly, so it
// cannot slip into a message by accident: reaching the bytes takes .reveal().
#pragma once

#include <string.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

namespace fedcred {

inline void wipe(std::string& s) noexcept {
  // explicit_bzero is not elided by the optimizer, unlike memset on a dying buffer.
  if (!s.empty()) explicit_bzero(s.data(), s.size());
  s.clear();
}

// Appends to a string that holds a secret without leaving a copy of it in
// freed memory: std::string's own growth frees the old buffer unwiped. Grows
// by at least doubling (allocate, copy, wipe the old buffer, free it).
inline void append_wiping(std::string& out, std::string_view data) {
  if (out.size() + data.size() > out.capacity()) {
    std::string bigger;
    bigger.reserve(std::max(out.size() + data.size(), out.capacity() * 2));
    bigger.append(out);
    wipe(out);
    out.swap(bigger);
  }  // `bigger`, now the old buffer, is wiped: its free leaves nothing
  out.append(data);
}

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  explicit Secret(std::string_view value) : value_(value) {}
  Secret(Secret const& other) = default;
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { wipe(other.value_); }
  Secret& operator=(Secret const& other) {
    if (this != &other) { wipe(value_); value_ = other.value_; }
    return *this;
  }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) { wipe(value_); value_ = std::move(other.value_); wipe(other.value_); }
    return *this;
  }
  ~Secret() { wipe(value_); }

  std::string const& reveal() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }
  std::size_t size() const noexcept { return value_.size(); }

 private:
  std::string value_;
};

}  // namespace fedcred
