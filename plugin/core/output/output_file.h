// SPDX-License-Identifier: Apache-2.0
// Writing a document to a file the user named (`token --output`, Google's
// output_file): atomically, so a reader never sees half a token, and mode
// 0600 (0640 for a named reader group), because the content is a credential.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "result.h"

namespace fedcred {

// Status::io naming the path and the reason on failure; the old file, if
// any, is left untouched. With `reader_group`: mode 0640 and that group
// (`token --output-group`: consumers read the token as members of the group).
Result<void> write_file_atomically(std::string const& path, std::string_view content,
                                   std::optional<gid_t> reader_group = std::nullopt);

}  // namespace fedcred
