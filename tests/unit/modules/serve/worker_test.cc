// SPDX-License-Identifier: Apache-2.0
// The serve module's worker thread: jobs run in order, off the caller's
// thread; stop() waits for the running job and cancels the queued ones (and
// later posts), each still called once, so every suspended connection is let go.
#include "worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace fedcred::serve {
namespace {

TEST(Worker, RunsJobsInOrderOffTheCallersThread) {
  std::mutex m;
  std::vector<int> ran;
  std::vector<std::thread::id> threads;
  std::promise<void> done;
  {
    Worker w;
    for (int i = 0; i < 5; ++i) {
      w.post([&, i](bool run) {
        std::lock_guard<std::mutex> lock(m);
        EXPECT_TRUE(run);
        ran.push_back(i);
        threads.push_back(std::this_thread::get_id());
        if (i == 4) done.set_value();
      });
    }
    ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  }
  EXPECT_EQ(ran, (std::vector<int>{0, 1, 2, 3, 4}));
  for (auto id : threads) EXPECT_NE(id, std::this_thread::get_id());
}

TEST(Worker, StopWaitsForTheRunningJobAndCancelsTheQueued) {
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> completed{0};
  std::atomic<int> cancelled{0};
  Worker w;
  w.post([&](bool run) {
    EXPECT_TRUE(run);
    started.set_value();
    released.wait();
    ++completed;
  });
  for (int i = 0; i < 3; ++i) w.post([&](bool run) { ++(run ? completed : cancelled); });
  started.get_future().wait();
  std::thread stopper([&] { w.stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  release.set_value();
  stopper.join();
  EXPECT_EQ(completed.load(), 1);
  EXPECT_EQ(cancelled.load(), 3);
  w.post([&](bool run) { ++(run ? completed : cancelled); });
  EXPECT_EQ(cancelled.load(), 4) << "a job posted after stop() is cancelled at once";
}

}  // namespace
}  // namespace fedcred::serve
