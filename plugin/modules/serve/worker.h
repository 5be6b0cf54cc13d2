// SPDX-License-Identifier: Apache-2.0
// One thread for the requests whose answer may wait on the library (the
// Azure routes fetch a token per resource: a cold exchange takes up to its
// deadline). The daemons' few threads each serve many connections, so such a
// request suspends its connection and is answered here instead: a slow Entra
// never stalls the AWS and Google routes. Jobs run in order, one at a time,
// as the library takes them.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace fedcred::serve {

class Worker {
 public:
  // A job is called once: with true to do its work, or with false when the
  // worker stops first (it must still let its connection go).
  using Job = std::function<void(bool run)>;

  Worker();
  Worker(Worker const&) = delete;
  Worker& operator=(Worker const&) = delete;
  ~Worker();  // stop() if not yet

  void post(Job job);
  // Waits for the job running now; cancels the queued ones (and later posts).
  void stop();

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace fedcred::serve
