// SPDX-License-Identifier: Apache-2.0
// Keeps secrets out of core dumps and away from same-uid debuggers: a crash
// inside libcurl / OpenSSL / expat / json-c while a request runs would
// otherwise hand the ID token, secret key and session token to
// systemd-coredump or apport.
#pragma once

#include <sys/prctl.h>
#include <sys/resource.h>

// LeakSanitizer stops the world at exit with ptrace, which a non-dumpable
// process refuses (its tracer crashes when another thread, such as a resolver
// thread curl left behind, is still alive). The ASan+UBSan build of
// .ci/sanitizers therefore keeps the process dumpable and relies on
// RLIMIT_CORE alone; every other build, and what is shipped, drops both.
#if defined(__SANITIZE_ADDRESS__)
#define FEDCRED_KEEP_DUMPABLE_FOR_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define FEDCRED_KEEP_DUMPABLE_FOR_LSAN 1
#endif
#endif

namespace fedcred {

// PR_SET_DUMPABLE 0: no core dump, no ptrace attach by same-uid processes,
// /proc/PID/{mem,environ} root-only. RLIMIT_CORE soft limit 0 as well, for
// kernels configured to dump non-dumpable processes (suid_dumpable=2) and for
// core handlers that honour the limit. The hard limit is left alone so that a
// library user can raise its own soft limit again if it must. Both calls are
// best-effort: neither can fail for a valid argument, and a failure must not
// stop the request.
inline void harden_process_for_secrets() noexcept {
#ifndef FEDCRED_KEEP_DUMPABLE_FOR_LSAN
  (void)::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
  rlimit core{};
  if (::getrlimit(RLIMIT_CORE, &core) == 0) {
    core.rlim_cur = 0;
    (void)::setrlimit(RLIMIT_CORE, &core);
  }
}

}  // namespace fedcred
