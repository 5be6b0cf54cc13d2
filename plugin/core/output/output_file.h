// SPDX-License-Identifier: Apache-2.0
// Writing a document to a file the user named (`token --output`, Google's
// output_file): atomically, so a reader never sees half a token, and mode
// 0600, because the content is a credential.
#pragma once

#include <string>
#include <string_view>

#include "result.h"

namespace fedcred {

// Status::io naming the path and the reason on failure; the old file, if
// any, is left untouched.
Result<void> write_file_atomically(std::string const& path, std::string_view content);

}  // namespace fedcred
