// SPDX-License-Identifier: Apache-2.0
// The credential cache, in one include: CacheDir (location, entries, locks,
// list, clear), CacheKey, CacheEntry and freshness.
#pragma once

#include "cache_dir.h"        // IWYU pragma: export
#include "cache_entry.h"      // IWYU pragma: export
#include "cache_freshness.h"  // IWYU pragma: export
#include "cache_key.h"        // IWYU pragma: export
#include "cache_lock.h"       // IWYU pragma: export
