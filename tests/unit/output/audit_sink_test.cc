// SPDX-License-Identifier: Apache-2.0
// The syslog sink against a real datagram socket whose queue is full
// (net.unix.max_dgram_qlen, 10 by default without systemd's sysctl): the
// audit line waits for the reader, within a bound, and lands in syslog rather
// than on stderr; a reader that never drains costs the bound, and the line
// still reaches the fallback (issue 21, item 15: 32 parallel credential
// processes raced for a full queue and all but one wrote the line to stderr).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/unique_fd.h"
#include "fakes/temp_dir.h"
#include "output/audit.h"

namespace fedcred {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// The fallback (stderr in the product), counted.
class RecordingSink final : public AuditSink {
 public:
  void write(bool, std::string const& line) override {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.push_back(line);
  }
  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

// Several sinks' fallbacks into one recorder.
class ForwardingSink final : public AuditSink {
 public:
  explicit ForwardingSink(RecordingSink& to) : to_(to) {}
  void write(bool failure, std::string const& line) override { to_.write(failure, line); }

 private:
  RecordingSink& to_;
};

sockaddr_un address_of(std::string const& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

// A bound datagram socket nobody reads until the test says, with its queue
// filled to the brim by a non-blocking sender.
class FullSyslogSocket {
 public:
  explicit FullSyslogSocket(std::string path) : path_(std::move(path)) {
    sockaddr_un addr = address_of(path_);
    server_ = UniqueFd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    EXPECT_EQ(bind(server_.get(), reinterpret_cast<sockaddr const*>(&addr), sizeof addr), 0);
    UniqueFd filler(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    EXPECT_EQ(connect(filler.get(), reinterpret_cast<sockaddr const*>(&addr), sizeof addr), 0);
    while (send(filler.get(), "filler", 6, MSG_NOSIGNAL) == 6) ++queued_;
    EXPECT_EQ(errno, EAGAIN);
    EXPECT_GT(queued_, 0);
  }

  std::string const& path() const { return path_; }

  // Reads one datagram (blocking); returns its text.
  std::string take_one() {
    char buf[4096];
    ssize_t n = recv(server_.get(), buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }

  // One queued datagram, without waiting.
  std::optional<std::string> take_one_if_any() {
    char buf[4096];
    ssize_t n = recv(server_.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
  }

  // Every datagram still queued, without waiting.
  std::vector<std::string> drain() {
    std::vector<std::string> out;
    char buf[4096];
    ssize_t n;
    while ((n = recv(server_.get(), buf, sizeof buf, MSG_DONTWAIT)) > 0) {
      out.emplace_back(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  std::string path_;
  UniqueFd server_;
  int queued_ = 0;
};

std::size_t count_containing(std::vector<std::string> const& lines, std::string const& needle) {
  std::size_t n = 0;
  for (auto const& line : lines) n += line.find(needle) != std::string::npos;
  return n;
}

// A full syslog socket, and sinks whose fallbacks all land in one recorder.
class SyslogSink : public ::testing::Test {
 protected:
  std::unique_ptr<AuditSink> sink() {
    return make_syslog_sink(syslog.path(), std::make_unique<ForwardingSink>(fallback_lines));
  }

  test::TempDir dir;
  FullSyslogSocket syslog{dir.path() + "/log"};
  RecordingSink fallback_lines;
};

// The reader is slow (a loaded machine, a busy journald): it frees one slot
// only after 300 ms, longer than one poll of the old code waited.
TEST_F(SyslogSink, WaitsForASlowReaderInsteadOfFallingBackToStderr) {
  std::thread reader([&] {
    std::this_thread::sleep_for(milliseconds(300));
    syslog.take_one();
  });
  sink()->write(false, "event=issued slow-reader");
  reader.join();

  EXPECT_EQ(fallback_lines.lines(), std::vector<std::string>{});
  EXPECT_EQ(count_containing(syslog.drain(), "event=issued slow-reader"), 1u);
}

// Many writers on one full queue: each slot the reader frees wakes them all,
// one wins it, the others must wait for the next instead of giving up.
TEST_F(SyslogSink, WritersRacingForAFullQueueAllReachSyslog) {
  constexpr int kWriters = 6;

  std::atomic<int> finished{0};
  std::vector<std::string> received;
  std::thread reader([&] {
    // one datagram every 20 ms: one free slot at a time
    while (finished.load() < kWriters) {
      std::this_thread::sleep_for(milliseconds(20));
      if (auto one = syslog.take_one_if_any()) received.push_back(std::move(*one));
    }
    for (auto& line : syslog.drain()) received.push_back(std::move(line));
  });
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      sink()->write(false, "event=issued writer=" + std::to_string(i));
      ++finished;
    });
  }
  for (auto& w : writers) w.join();
  reader.join();

  EXPECT_EQ(fallback_lines.lines(), std::vector<std::string>{});
  EXPECT_EQ(count_containing(received, "event=issued writer="), static_cast<std::size_t>(kWriters));
}

// A syslog that never reads: the line is not lost (it goes to the fallback,
// naming why) and the wait is bounded, so the workload still gets its
// credentials.
TEST_F(SyslogSink, AReaderThatNeverDrainsCostsABoundedWaitAndTheLineReachesTheFallback) {
  auto started = steady_clock::now();
  sink()->write(true, "event=failed hung-syslog");
  auto waited = steady_clock::now() - started;

  EXPECT_LT(waited, milliseconds(3000));
  auto lines = fallback_lines.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("event=failed hung-syslog"), std::string::npos);
  EXPECT_NE(lines[0].find("unreachable"), std::string::npos);
}

}  // namespace
}  // namespace fedcred
