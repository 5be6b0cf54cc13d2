// SPDX-License-Identifier: Apache-2.0
// A scan of freed memory for a canary secret (issue 12, item 8). Including
// this header replaces free() in the test binary: while a FreedMemoryScan is
// armed, every block freed (by operator delete, json-c, expat ... too) is
// searched for the canary before it goes back to the allocator. A hit means a
// copy of the secret outlived its owner in memory that a later allocation, or
// a core dump, could show. Include it in one file per binary, and never in a
// sanitized build (AddressSanitizer owns free()).
#pragma once

#include <malloc.h>
#include <string.h>

#include <atomic>
#include <string_view>

extern "C" void __libc_free(void* p);  // glibc's own free, which ours forwards to

namespace {

std::atomic<bool> g_armed{false};
char g_canary[64];
std::size_t g_canary_len = 0;
std::atomic<int> g_hits{0};

}  // namespace

extern "C" void free(void* p) {
  if (p != nullptr && g_armed.load(std::memory_order_relaxed) && g_canary_len != 0) {
    std::size_t const n = malloc_usable_size(p);
    if (memmem(p, n, g_canary, g_canary_len) != nullptr) g_hits.fetch_add(1);
  }
  __libc_free(p);
}

namespace fedcred::test {

// Arms the scan for one scope; the canary is built at run time so that no
// literal copy of it lies around in the binary's data.
class FreedMemoryScan {
 public:
  FreedMemoryScan() {
    std::string_view const kPrefix = "wJalrXUtnFEMI/K7MDENG/";
    memcpy(g_canary, kPrefix.data(), kPrefix.size());
    for (std::size_t i = 0; i < 18; ++i) g_canary[kPrefix.size() + i] = static_cast<char>('A' + (i * 7) % 26);
    g_canary_len = kPrefix.size() + 18;
    g_hits = 0;
  }
  ~FreedMemoryScan() { disarm(); }
  std::string_view canary() const { return {g_canary, g_canary_len}; }
  void arm() { g_armed = true; }
  void disarm() { g_armed = false; }
  int hits() const { return g_hits.load(); }

  FreedMemoryScan(FreedMemoryScan const&) = delete;
  FreedMemoryScan& operator=(FreedMemoryScan const&) = delete;
};


}  // namespace fedcred::test
