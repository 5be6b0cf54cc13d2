// SPDX-License-Identifier: Apache-2.0
// The Azure names fedcred takes from users: what passes, and what is a usage
// error (exit 2) before any request.
#include "azure_ids.h"

#include <gtest/gtest.h>

namespace fedcred::azure {
namespace {

TEST(AzureIds, Guid) {
  EXPECT_TRUE(is_guid("72f988bf-86f1-41af-91ab-2d7cd011db47"));
  EXPECT_TRUE(is_guid("72F988BF-86F1-41AF-91AB-2D7CD011DB47"));
  for (char const* bad : {"", "72f988bf86f141af91ab2d7cd011db47", "72f988bf-86f1-41af-91ab-2d7cd011db4",
                          "72f988bf-86f1-41af-91ab-2d7cd011db47 ", "g2f988bf-86f1-41af-91ab-2d7cd011db47",
                          "72f988bf-86f1_41af-91ab-2d7cd011db47"}) {
    EXPECT_FALSE(is_guid(bad)) << bad;
  }
}

TEST(AzureIds, TenantIds) {
  EXPECT_TRUE(check_tenant_id("72f988bf-86f1-41af-91ab-2d7cd011db47").ok());
  EXPECT_TRUE(check_tenant_id("contoso.onmicrosoft.com").ok());
  for (char const* bad : {"", "contoso/../x", "a b", "tenant?x=1", "common", "Organizations", "consumers"}) {
    auto r = check_tenant_id(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, Status::usage);
    EXPECT_NE(r.error().message.find("tenant"), std::string::npos) << r.error().message;
  }
  EXPECT_FALSE(check_tenant_id(std::string(257, 'a')).ok());
}

TEST(AzureIds, ClientIds) {
  EXPECT_TRUE(check_client_id("11111111-2222-4333-8444-555555555555").ok());
  auto r = check_client_id("my-app");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, Status::usage);
  EXPECT_NE(r.error().message.find("\"my-app\""), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("GUID"), std::string::npos);
}

TEST(AzureIds, AuthorityIsHttpsOnly) {
  EXPECT_EQ(*normalize_authority("https://login.microsoftonline.com/"), "https://login.microsoftonline.com");
  EXPECT_EQ(*normalize_authority("https://127.0.0.1:8443"), "https://127.0.0.1:8443");
  for (char const* bad : {"http://login.microsoftonline.com", "http://127.0.0.1:8080",
                          "https://login.microsoftonline.com/tenant", "https://login.microsoftonline.com/?x=1",
                          "login.microsoftonline.com", "https://user@login.microsoftonline.com"}) {
    auto r = normalize_authority(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, Status::usage) << bad;
  }
}

TEST(AzureIds, ScopeIsOneDefault) {
  EXPECT_TRUE(check_scope("https://management.azure.com/.default").ok());
  EXPECT_TRUE(check_scope("api://fedcred-test-api/.default").ok());
  for (char const* bad : {"", "/.default", "https://management.azure.com", "https://a/.default https://b/.default",
                          "https://storage.azure.com/user_impersonation"}) {
    auto r = check_scope(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, Status::usage);
  }
}

TEST(AzureIds, ManagedIdentityNamesOneIdentity) {
  using messages::ManagedIdentity;
  EXPECT_TRUE(check_managed_identity(ManagedIdentity{}).ok());
  EXPECT_TRUE(check_managed_identity(ManagedIdentity{"9a1b2c3d-0000-4000-8000-00000000a002", "", ""}).ok());
  EXPECT_TRUE(
      check_managed_identity(ManagedIdentity{"", "",
                                             "/subscriptions/s/resourcegroups/g/providers/Microsoft.ManagedIdentity/"
                                             "userAssignedIdentities/u"})
          .ok());
  for (auto const& bad :
       {ManagedIdentity{"not-a-guid", "", ""}, ManagedIdentity{"", "x", ""},
        ManagedIdentity{"", "", "resourcegroups/g"},
        ManagedIdentity{"9a1b2c3d-0000-4000-8000-00000000a002", "9a1b2c3d-0000-4000-8000-00000000b002", ""}}) {
    auto r = check_managed_identity(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, Status::usage);
  }
}

}  // namespace
}  // namespace fedcred::azure
