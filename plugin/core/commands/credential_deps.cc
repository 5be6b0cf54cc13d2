// SPDX-License-Identifier: Apache-2.0
#include "commands/credential_deps.h"

namespace fedcred {

void choose_audit_target(RunSettings const& run, CommandContext const& context, AuditRecord& audit) {
  audit.log_target = run.log_target;
  if (!run.log_target_refused.empty()) {
    context.log.warning("log setting (" + run.log_target_refused +
                        ") ignored: only a configuration file owned by root moves the audit trail away from syslog");
  }
}

}  // namespace fedcred
