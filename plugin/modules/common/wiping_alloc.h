// SPDX-License-Identifier: Apache-2.0
// Memory functions for the C libraries that take them (expat's
// XML_Memory_Handling_Suite, curl_global_init_mem): every block is wiped, to
// its usable size, before it goes back to the allocator, so their copies of
// the answers they parse or receive (session tokens, secret keys, ID tokens)
// do not outlive them in freed memory (issue 12, item 8).
#pragma once

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>

namespace fedcred::modules {

inline void wiping_free(void* block) {
  if (block != nullptr) explicit_bzero(block, malloc_usable_size(block));
  free(block);
}

// realloc that never leaves the old block behind unwiped: always a new block.
inline void* wiping_realloc(void* block, size_t size) {
  if (block == nullptr) return malloc(size);
  void* moved = malloc(size);
  if (moved == nullptr) return nullptr;  // realloc's contract: `block` stays valid
  memcpy(moved, block, std::min(size, malloc_usable_size(block)));
  wiping_free(block);
  return moved;
}

}  // namespace fedcred::modules
