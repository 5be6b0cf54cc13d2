// SPDX-License-Identifier: Apache-2.0
// `fedcred gcp`: the executable-sourced credential response Google's auth
// libraries and gcloud parse (docs/PROTOCOLS.md section 7.3), honouring the
// GOOGLE_EXTERNAL_ACCOUNT_* variables they set.
#pragma once

#include "commands/credential_deps.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// {"version":1,"success":true,"token_type":...,"id_token":...,"expiration_time":N};
// also written to GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE when set.
Result<Secret> run_gcp_command(CommandInputs const& in, CredentialDeps const& deps);

// {"version":1,"success":false,"code":"...","message":"..."}: what the
// executable prints when it fails, next to a non-zero exit code.
Secret render_gcp_error(Error const& error);

}  // namespace fedcred
