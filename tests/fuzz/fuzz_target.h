// SPDX-License-Identifier: Apache-2.0
// The one function every fuzz target defines: libFuzzer calls it, and so does
// replay_main.cc in ordinary builds.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size);
