// SPDX-License-Identifier: Apache-2.0
#include "same_secret.h"

namespace fedcred::serve {

bool same_secret(std::string_view given, std::string const& expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff = static_cast<unsigned char>(diff | (g ^ static_cast<unsigned char>(expected[i])));
  }
  return diff == 0;
}

}  // namespace fedcred::serve
