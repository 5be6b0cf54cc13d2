// SPDX-License-Identifier: Apache-2.0
// The fake of the name-resolution seam (net/endpoint.h HostResolver): every
// name resolves to 127.0.0.1, or fails with `failure` when one is set; each
// call is counted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/endpoint.h"

namespace fedcred::test {

class FakeHostResolver final : public net::HostResolver {
 public:
  FakeHostResolver() = default;
  explicit FakeHostResolver(Error refusal) : failure(std::move(refusal)) {}

  int calls = 0;
  std::optional<Error> failure;

  Result<std::vector<net::SocketAddress>> resolve(std::string const&, std::uint16_t port, std::int64_t) override {
    ++calls;
    if (failure) return *failure;
    return std::vector<net::SocketAddress>{*net::numeric_address("127.0.0.1", port)};
  }
};

}  // namespace fedcred::test
