// SPDX-License-Identifier: Apache-2.0
// The credential cache, in one include: CacheDir (location, entries, locks,
// list, clear), CacheKey, CacheEntry and freshness.
#pragma once

#include "cache/dir.h"        // IWYU pragma: export
#include "cache/entry.h"      // IWYU pragma: export
#include "cache/freshness.h"  // IWYU pragma: export
#include "cache/key.h"        // IWYU pragma: export
#include "cache/lock.h"       // IWYU pragma: export
