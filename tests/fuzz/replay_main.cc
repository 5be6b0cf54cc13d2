// SPDX-License-Identifier: Apache-2.0
// Replays a fuzz target's corpus without libFuzzer: every CI build (gcc, no
// sanitizer) runs each seed through the same LLVMFuzzerTestOneInput once.
//   fuzz_<target>_replay DIR|FILE...
// Prints TAP (one point per file) and exits non-zero if a directory is empty
// or a file cannot be read. A crash in a target aborts the run, which meson
// reports as a failure.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.h"


namespace {

void collect(std::string const& path, std::vector<std::string>& files) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    files.push_back(path);  // reported as unreadable below
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    files.push_back(path);
    return;
  }
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) {
    files.push_back(path);
    return;
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || name[0] == '.') continue;
    names.push_back(path + "/" + name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  files.insert(files.end(), names.begin(), names.end());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) collect(argv[i], files);
  std::printf("1..%zu\n", files.empty() ? std::size_t{1} : files.size());
  if (files.empty()) {
    std::printf("not ok 1 - no corpus files\n");
    return 1;
  }
  int failed = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::ifstream in(files[i], std::ios::binary);
    if (!in) {
      std::printf("not ok %zu - %s: cannot read\n", i + 1, files[i].c_str());
      ++failed;
      continue;
    }
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fflush(stdout);
    LLVMFuzzerTestOneInput(reinterpret_cast<std::uint8_t const*>(bytes.data()), bytes.size());
    std::printf("ok %zu - %s\n", i + 1, files[i].c_str());
  }
  return failed == 0 ? 0 : 1;
}
