// SPDX-License-Identifier: Apache-2.0
// Keeps secrets out of core dumps and away from same-uid debuggers: a crash
// inside libcurl / OpenSSL / expat / json-c while a request runs would
// otherwise hand the ID token, secret key and session token to
// systemd-coredump or apport.
#pragma once

#include <sys/prctl.h>
#include <sys/resource.h>

namespace fedcred {

// PR_SET_DUMPABLE 0: no core dump, no ptrace attach by same-uid processes,
// /proc/PID/{mem,environ} root-only. RLIMIT_CORE soft limit 0 as well, for
// kernels configured to dump non-dumpable processes (suid_dumpable=2) and for
// core handlers that honour the limit. The hard limit is left alone so that a
// library user can raise its own soft limit again if it must. Both calls are
// best-effort: neither can fail for a valid argument, and a failure must not
// stop the request.
inline void harden_process_for_secrets() noexcept {
  (void)::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  rlimit core{};
  if (::getrlimit(RLIMIT_CORE, &core) == 0) {
    core.rlim_cur = 0;
    (void)::setrlimit(RLIMIT_CORE, &core);
  }
}

}  // namespace fedcred
