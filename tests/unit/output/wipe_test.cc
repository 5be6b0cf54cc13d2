// SPDX-License-Identifier: Apache-2.0
// No secret left in freed memory by the buffers the core owns (issue 12,
// item 8), found by scanning every freed block for a canary
// (fakes/freed_memory_scan.h, which replaces free() in this binary).
#include <string.h>

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "base/json_handle.h"
#include "fakes/freed_memory_scan.h"
#include "output/json_writer.h"
#include "secret.h"

namespace fedcred {
namespace {

using test::FreedMemoryScan;

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
