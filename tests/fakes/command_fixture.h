// SPDX-License-Identifier: Apache-2.0
// The fixture of every command test: the seams a command takes (CommandContext,
// CredentialDeps)
// as fakes, and scratch directories for the configuration and the cache.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "base/env.h"
#include "commands/credential_deps.h"
#include "config/settings.h"
#include "files/group.h"
#include "fakes/instance_role.h"
#include "fakes/metadata_account.h"
#include "fakes/module_runner.h"
#include "fakes/random.h"
#include "fakes/temp_dir.h"
#include "fakes/test_support.h"
#include "logger.h"

namespace fedcred::test {

class CommandFixture : public ::testing::Test {
 protected:
  // The cache stays inside the test's own private directory.
  CommandFixture() { env_.set("FEDCRED_CACHE_DIR", cache_.path()); }

  CredentialDeps deps() {
    CredentialDeps d{{env_, clock_, log_, sysconf_.path(), 15}, random_, modules_};
    d.instance_role = &instance_role_;
    d.metadata_account = &metadata_account_;
    return d;
  }

  // Settings as if given on the command line (origin "--KEY").
  static Settings flags(std::map<std::string, std::string> const& values) {
    Settings s;
    for (auto const& [k, v] : values) s[k] = Setting{v, "--" + k};
    return s;
  }

  TempDir sysconf_;  // an empty SYSCONFDIR unless a test writes into it
  TempDir user_;     // the user's configuration files
  TempDir cache_;    // 0700, owned by the caller, as the cache requires
  MapEnv env_;
  FakeClock clock_;  // 2026-01-01T00:00:00Z
  FixedRandom random_;
  FakeModuleRunner modules_;
  FakeInstanceRoleLookup instance_role_;
  FakeMetadataAccountLookup metadata_account_;
  Logger log_;
};

}  // namespace fedcred::test
