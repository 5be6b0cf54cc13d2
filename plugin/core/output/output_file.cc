// SPDX-License-Identifier: Apache-2.0
#include "output/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "files/private_file.h"
#include "base/unique_fd.h"

namespace fedcred {

Result<void> write_file_atomically(std::string const& path, std::string_view content,
                                   std::optional<gid_t> reader_group) {
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") {
    return make_error(Status::usage, "output file '" + path + "' names a directory, not a file");
  }
  UniqueFd dir_fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd.valid()) {
    return make_error(Status::io, "cannot write " + path + ": directory " + dir + ": " + std::strerror(errno));
  }
  auto written = write_private_file(dir_fd.get(), dir, name, content, reader_group);
  if (!written) return make_error(Status::io, "cannot write " + path + ": " + written.error().message);
  return {};
}

}  // namespace fedcred
