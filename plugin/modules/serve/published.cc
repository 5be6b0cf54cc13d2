// SPDX-License-Identifier: Apache-2.0
#include "published.h"

#include <string.h>

namespace fedcred::serve {

Published::~Published() {
  if (!value.empty()) explicit_bzero(value.data(), value.size());
}

void PublishedSlot::publish(std::string value, std::int64_t expiration) {
  auto next = std::make_shared<Published const>(std::move(value), expiration);
  std::lock_guard<std::mutex> lock(mutex_);
  value_ = std::move(next);
}

std::shared_ptr<Published const> PublishedSlot::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return value_;
}

}  // namespace fedcred::serve
