// SPDX-License-Identifier: Apache-2.0
// LogFn: how module logic reports diagnostics without depending on the host
// ABI. Levels are FEDCRED_LOG_* from fedcred/module.h. Never pass a secret.
#pragma once

#include <functional>
#include <string>

namespace fedcred::modules {

using LogFn = std::function<void(int level, std::string const& text)>;

}  // namespace fedcred::modules
