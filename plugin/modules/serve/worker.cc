// SPDX-License-Identifier: Apache-2.0
#include "worker.h"

#include <utility>

namespace fedcred::serve {

Worker::Worker() : thread_([this] { loop(); }) {}

Worker::~Worker() { stop(); }

void Worker::post(Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      jobs_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  job(false);
}

void Worker::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  std::deque<Job> cancelled;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled.swap(jobs_);
  }
  for (auto& job : cancelled) job(false);
}

void Worker::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (stopping_) return;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job(true);
    lock.lock();
  }
}

}  // namespace fedcred::serve
