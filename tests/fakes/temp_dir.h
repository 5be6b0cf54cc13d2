// SPDX-License-Identifier: Apache-2.0
// A fresh private directory under $TMPDIR (or /tmp), removed with everything
// in it afterwards, read-only subdirectories included. The one scratch
// directory of every C++ test.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fedcred::test {

class TempDir {
 public:
  TempDir() {
    char const* base = getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/fedcred-test-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();  // nothing to test without it
    path_ = tmpl;
  }
  TempDir(TempDir const&) = delete;
  TempDir& operator=(TempDir const&) = delete;
  ~TempDir() {
    // Tests leave read-only directories behind; give access back first.
    namespace fs = std::filesystem;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(path_, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) {
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
      }
    }
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }

  std::string const& path() const { return path_; }
  std::string operator/(std::string const& rel) const { return path_ + "/" + rel; }

  // Writes `content` to path()/rel, creating parent directories; returns the full path.
  std::string write(std::string const& rel, std::string const& content) const {
    std::filesystem::path full = std::filesystem::path(path_) / rel;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream(full, std::ios::binary) << content;
    return full.string();
  }
  std::string mkdir(std::string const& rel) const {
    std::filesystem::create_directories(std::filesystem::path(path_) / rel);
    return path_ + "/" + rel;
  }

 private:
  std::string path_;
};

}  // namespace fedcred::test
