// SPDX-License-Identifier: Apache-2.0
// JsonWriter: builds the small, flat JSON documents fedcred prints. Written by
// hand rather than through json-c so that every byte of a document holding
// secrets lives in one buffer we own and can wipe: reserved once (a
// credential_process document is about 1.3 KiB), grown only by
// append_wiping (secret.h), wiped when the writer dies.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "secret.h"

namespace fedcred {

class JsonWriter {
 public:
  JsonWriter() {
    out_.reserve(kInitialCapacity);
    out_.push_back('{');
  }
  JsonWriter(JsonWriter const&) = delete;
  JsonWriter& operator=(JsonWriter const&) = delete;
  ~JsonWriter() { wipe(out_); }

  JsonWriter& string(std::string_view key, std::string_view value);
  JsonWriter& number(std::string_view key, std::int64_t value);
  JsonWriter& boolean(std::string_view key, bool value);
  // Closes the object and hands the text over.
  Secret finish();

 private:
  static constexpr std::size_t kInitialCapacity = 4096;
  void put(std::string_view s) { append_wiping(out_, s); }
  void put(char c) { append_wiping(out_, std::string_view(&c, 1)); }
  void key(std::string_view k);
  void quoted(std::string_view s);
  std::string out_;
};

}  // namespace fedcred
