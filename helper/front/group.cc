// SPDX-License-Identifier: Apache-2.0
// The static front's files/group.h, linked in place of the core's
// files/group.cc (whose getgrnam_r would make glibc load the NSS modules of
// nsswitch.conf with dlopen, which a static program must not do): a group
// name is resolved by the fetcher. `token --output-group` looks its group up
// first thing, before the cache is read or locked, so handing off here keeps
// the rule that the fetcher takes the lock.
#include "files/group.h"

#include "handoff.h"

namespace fedcred {

Result<gid_t> lookup_group(std::string const&) { return front::exec_fetcher(); }

}  // namespace fedcred
