// SPDX-License-Identifier: Apache-2.0
// Error and Result<T>: the one way failures travel inside fedcred (core and
// modules). The status is the public FEDCRED_E_* code, so no mapping table is
// needed at the C boundary. Messages must never contain a secret.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "fedcred/fedcred.h"

namespace fedcred {

enum class Status : int {
  ok = FEDCRED_OK,
  internal = FEDCRED_E_INTERNAL,
  usage = FEDCRED_E_USAGE,
  source = FEDCRED_E_SOURCE,
  denied = FEDCRED_E_DENIED,
  transient = FEDCRED_E_TRANSIENT,
  response = FEDCRED_E_RESPONSE,
  io = FEDCRED_E_IO,
};

struct Error {
  Status status = Status::internal;
  std::string message;

  // Prefixes context while an error travels outwards: "profile s3-reader: ...".
  Error& prefix(std::string const& context) {
    message = context + ": " + message;
    return *this;
  }
};

inline Error make_error(Status status, std::string message) {
  return Error{status, std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  T const& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  T const& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  T const* operator->() const { return &value(); }

  Error const& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  Error const& error() const& { assert(!ok_); return error_; }
  Error&& error() && { assert(!ok_); return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace fedcred
