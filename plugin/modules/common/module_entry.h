// SPDX-License-Identifier: Apache-2.0
// The one symbol a module exports (see fedcred/module.h). Each module
// defines it; the version script (../module.map) hides everything else.
#pragma once

#include "fedcred/module.h"

#define FEDCRED_MODULE_EXPORT __attribute__((visibility("default")))

extern "C" FEDCRED_MODULE_EXPORT fedcred_module const* fedcred_module_entry_v1(void);
