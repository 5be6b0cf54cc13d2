// SPDX-License-Identifier: Apache-2.0
// The fake of the instance-role seam (flows/instance_role.h): answers a role
// name (and no IMDS session), or fails, and records each question.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flows/instance_role.h"

namespace fedcred::test {

class FakeInstanceRoleLookup final : public InstanceRoleLookup {
 public:
  struct Call {
    std::string imds_endpoint;
    std::int64_t deadline_ms;
  };
  std::string role = "fedcred-ec2-role";
  std::optional<Error> error;  // set: every question fails with it
  std::vector<Call> calls;

  Result<InstanceRole> role_name(std::string const& imds_endpoint, std::int64_t deadline_ms) override {
    calls.push_back(Call{imds_endpoint, deadline_ms});
    if (error) return *error;
    return InstanceRole{role, Secret()};  // no session: the module opens its own
  }
};

}  // namespace fedcred::test
