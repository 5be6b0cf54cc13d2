// SPDX-License-Identifier: Apache-2.0
// JsonWriter: builds the small, flat JSON documents fedcred prints. Written by
// hand rather than through json-c so that every byte of a document holding
// secrets lives in one buffer we own and can wipe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "secret.h"

namespace fedcred {

class JsonWriter {
 public:
  JsonWriter() { out_.push_back('{'); }
  JsonWriter(JsonWriter const&) = delete;
  JsonWriter& operator=(JsonWriter const&) = delete;
  ~JsonWriter() { wipe(out_); }

  JsonWriter& string(std::string_view key, std::string_view value);
  JsonWriter& number(std::string_view key, std::int64_t value);
  JsonWriter& boolean(std::string_view key, bool value);
  // Closes the object and hands the text over.
  Secret finish();

 private:
  void key(std::string_view k);
  void quoted(std::string_view s);
  std::string out_;
};

}  // namespace fedcred
