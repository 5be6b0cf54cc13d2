// SPDX-License-Identifier: Apache-2.0
// No secret left in freed memory by the buffers fedcred owns (issue 12,
// item 8). This binary replaces free(): while a test is "armed", every block
// freed (by operator delete too) is scanned for a canary secret before it
// goes back to the allocator. A hit means a copy of the secret outlived its
// owner in memory a later allocation, or a core dump, could show.
// Not built under AddressSanitizer, which owns free() itself.
#include <malloc.h>
#include <string.h>

#include <atomic>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "base/json_handle.h"
#include "output/json_writer.h"
#include "secret.h"

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

namespace fedcred {
namespace {

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

// The scan itself works: a std::string holding the canary, freed without a
// wipe, is found (else the tests below could pass by seeing nothing).
TEST(FreedMemoryScan, FindsAnUnwipedCopy) {
  FreedMemoryScan scan;
  auto* copy = new std::string(std::string(scan.canary()) + std::string(64, 'x'));
  scan.arm();
  delete copy;
  scan.disarm();
  EXPECT_GE(scan.hits(), 1);
}

// A document far larger than the writer's first reservation: before the fix
// every growth freed the previous buffer with the secret in it.
TEST(JsonWriterWipe, GrowthLeavesNoSecretInFreedMemory) {
  FreedMemoryScan scan;
  std::string value(std::string(scan.canary()) + std::string(700, 'v'));
  scan.arm();
  {
    JsonWriter w;
    for (int i = 0; i < 40; ++i) w.string("SessionToken" + std::to_string(i), value);
    Secret doc = w.finish();
    EXPECT_GT(doc.size(), 40u * 700u);
  }
  scan.disarm();
  wipe(value);
  EXPECT_EQ(scan.hits(), 0) << "a freed block held the secret";
}

TEST(AppendWiping, GrowthLeavesNoSecretInFreedMemory) {
  FreedMemoryScan scan;
  std::string chunk(std::string(scan.canary()) + std::string(100, 'c'));
  scan.arm();
  {
    std::string body;
    for (int i = 0; i < 200; ++i) append_wiping(body, chunk);  // curl's body, chunk by chunk
    EXPECT_EQ(body.size(), 200 * chunk.size());
    wipe(body);
  }
  scan.disarm();
  wipe(chunk);
  EXPECT_EQ(scan.hits(), 0) << "a freed block held the secret";
}

// json-c copies the string it parses into the tokener's buffer; the core's
// tokener deleter wipes it (before the fix its free held the token).
TEST(JsonTokenerWipe, TheTokenersBufferIsWipedWhenFreed) {
  FreedMemoryScan scan;
  std::string text = "{\"SessionToken\":\"" + std::string(scan.canary()) + std::string(300, 't') + "\"}";
  JsonPtr root;
  {
    JsonTokenerPtr tok(json_tokener_new());
    root.reset(json_tokener_parse_ex(tok.get(), text.data(), static_cast<int>(text.size())));
    ASSERT_TRUE(root);
    scan.arm();
  }  // the tokener is freed here
  scan.disarm();
  // the parsed value is json-c's copy: wiped in place before release, as the cache does
  json_object* value = nullptr;
  ASSERT_TRUE(json_object_object_get_ex(root.get(), "SessionToken", &value));
  explicit_bzero(const_cast<char*>(json_object_get_string(value)), static_cast<size_t>(json_object_get_string_len(value)));
  root.reset();
  wipe(text);
  EXPECT_EQ(scan.hits(), 0) << "the tokener's freed buffer held the secret";
}

TEST(SecretWipe, MovedAndAssignedSecretsLeaveNothing) {
  FreedMemoryScan scan;
  std::string value(std::string(scan.canary()) + std::string(200, 's'));
  scan.arm();
  {
    Secret a(value);
    Secret b(std::move(a));
    Secret c;
    c = b;
    Secret d(std::string(32, 'd'));
    d = std::move(c);
  }
  scan.disarm();
  wipe(value);
  EXPECT_EQ(scan.hits(), 0) << "a freed block held the secret";
}

}  // namespace
}  // namespace fedcred
