// SPDX-License-Identifier: Apache-2.0
// The codecs of the module ABI: what the host encodes, a module decodes to
// the same values (and back); bad numbers and times are errors with the
// status their direction calls for, never a silent 0.
#include "module_messages.h"

#include <gtest/gtest.h>

#include "fedcred/module.h"

namespace fedcred::messages {
namespace {

Secret S(char const* text) { return Secret(std::string(text)); }

TEST(ModuleMessages, SubjectTokenParamsRoundTrip) {
  SubjectTokenParams p;
  p.audience = "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/x";
  p.imds_endpoint = "http://169.254.169.254";
  p.region = "eu-west-1";
  p.duration_seconds = 900;
  p.caller_keys = AwsKeys{"AKIDFAKE", S("secret"), S("session")};
  p.deadline_ms = 123456;
  Values wire = encode(p);
  EXPECT_EQ(wire.at(FEDCRED_KEY_DURATION).reveal(), "900");
  EXPECT_EQ(wire.count(FEDCRED_KEY_METADATA_HOST), 0U);  // empty values are not sent
  auto back = decode_subject_token_params(reader_of(wire));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->audience, p.audience);
  EXPECT_EQ(back->region, "eu-west-1");
  EXPECT_EQ(back->duration_seconds, 900);
  ASSERT_TRUE(back->caller_keys.has_value());
  EXPECT_EQ(back->caller_keys->secret_access_key.reveal(), "secret");
  EXPECT_EQ(back->caller_keys->session_token.reveal(), "session");
  EXPECT_EQ(back->deadline_ms, 123456);
}

TEST(ModuleMessages, AwsLinkRoundTrip) {
  Aws4RequestParams p;
  p.audience = "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/aws";
  p.verification_url = "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15";
  p.aws_link.name = "container";
  p.aws_link.container_url = "http://169.254.170.23/v1/credentials";
  p.aws_link.container_authorization_token = S("pod-token");
  auto back = decode_aws4_request_params(reader_of(encode(p)));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->verification_url, p.verification_url);
  EXPECT_EQ(back->aws_link.name, "container");
  EXPECT_EQ(back->aws_link.container_authorization_token.reveal(), "pod-token");
  p.aws_link.name = "imds";
  p.aws_link.instance_role = "web-role";
  EXPECT_EQ(decode_subject_token_params(reader_of(encode(p)))->aws_link.instance_role, "web-role");
  EXPECT_FALSE(back->caller_keys.has_value());

  SubjectTokenParams old;  // a host that names no link: keys mean the environment link
  old.audience = "a";
  old.caller_keys = AwsKeys{"AKIDFAKE", S("secret"), S("")};
  EXPECT_EQ(decode_subject_token_params(reader_of(encode(old)))->aws_link.name, "environment");
  old.caller_keys.reset();
  EXPECT_EQ(decode_subject_token_params(reader_of(encode(old)))->aws_link.name, "imds");
}

TEST(ModuleMessages, AccessTokenRoundTrip) {
  AccessTokenParams p;
  p.token_url = "https://sts.googleapis.com/v1/token";
  p.audience = "aud";
  p.subject_token = S("subject");
  p.subject_token_type = "urn:ietf:params:aws:token-type:aws4_request";
  p.scope = "https://www.googleapis.com/auth/cloud-platform";
  p.lifetime_seconds = 1800;
  auto back = decode_access_token_params(reader_of(encode(p)));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->subject_token.reveal(), "subject");
  EXPECT_EQ(back->lifetime_seconds, 1800);
  EXPECT_TRUE(back->impersonation_url.empty());

  Values wire = encode(AccessTokenResult{S("ya29.x"), 1'700'003'600, true});
  EXPECT_EQ(wire.at(FEDCRED_KEY_EXPIRATION).reveal(), "2023-11-14T23:13:20Z");
  auto result = decode_access_token_result(reader_of(wire));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->expiration, 1'700'003'600);
  EXPECT_TRUE(result->impersonated);
  EXPECT_EQ(decode_access_token_result(reader_of(Values{})).error().status, Status::response);
}

TEST(ModuleMessages, EntraTokenRoundTrip) {
  EntraTokenParams p;
  p.authority = "https://login.microsoftonline.com";
  p.tenant_id = "contoso.onmicrosoft.com";
  p.client_id = "11111111-2222-4333-8444-555555555555";
  p.scope = "https://storage.azure.com/.default";
  p.client_assertion = S("assertion");
  p.deadline_ms = 42;
  auto back = decode_entra_token_params(reader_of(encode(p)));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->authority, p.authority);
  EXPECT_EQ(back->tenant_id, p.tenant_id);
  EXPECT_EQ(back->client_id, p.client_id);
  EXPECT_EQ(back->scope, p.scope);
  EXPECT_EQ(back->client_assertion.reveal(), "assertion");
  EXPECT_EQ(back->deadline_ms, 42);
  p.authority.clear();  // optional: the module's default
  EXPECT_TRUE(decode_entra_token_params(reader_of(encode(p)))->authority.empty());
  for (char const* key : {FEDCRED_KEY_TENANT_ID, FEDCRED_KEY_CLIENT_ID, FEDCRED_KEY_SCOPE,
                          FEDCRED_KEY_CLIENT_ASSERTION}) {
    Values wire = encode(p);
    wire.erase(key);
    auto missing = decode_entra_token_params(reader_of(wire));
    ASSERT_FALSE(missing.ok()) << key;
    EXPECT_EQ(missing.error().status, Status::usage);
    EXPECT_NE(missing.error().message.find(key), std::string::npos) << missing.error().message;
  }
}

TEST(ModuleMessages, ManagedIdentityRoundTrip) {
  SubjectTokenParams p;
  p.audience = "api://fedcred-test-api";
  p.azure_imds_endpoint = "http://127.0.0.1:8080";
  p.managed_identity.client_id = "9a1b2c3d-0000-4000-8000-00000000a002";
  auto back = decode_subject_token_params(reader_of(encode(p)));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->azure_imds_endpoint, p.azure_imds_endpoint);
  EXPECT_EQ(back->managed_identity.client_id, p.managed_identity.client_id);
  EXPECT_TRUE(back->managed_identity.object_id.empty());
  p.managed_identity = ManagedIdentity{"", "obj", "/subscriptions/s/x"};
  back = decode_subject_token_params(reader_of(encode(p)));
  EXPECT_EQ(back->managed_identity.object_id, "obj");
  EXPECT_EQ(back->managed_identity.res_id, "/subscriptions/s/x");
}

TEST(ModuleMessages, BadParamsAreUsage) {
  Values wire{{FEDCRED_KEY_AUDIENCE, S("a")}, {FEDCRED_KEY_DURATION, S("90x")}};
  auto r = decode_subject_token_params(reader_of(wire));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, Status::usage);
  Values half{{FEDCRED_KEY_AUDIENCE, S("a")}, {FEDCRED_KEY_ACCESS_KEY_ID, S("AKIDFAKE")}};
  EXPECT_EQ(decode_subject_token_params(reader_of(half)).error().status, Status::usage);
  EXPECT_EQ(decode_subject_token_params(reader_of(Values{})).error().status, Status::usage);  // no audience
}

TEST(ModuleMessages, SubjectTokenResultUsesRfc3339) {
  SubjectTokenResult result;
  result.subject_token = S("jwt");
  result.expiration = 1700003600;
  result.region = "us-east-1";
  Values wire = encode(result);
  EXPECT_EQ(wire.at(FEDCRED_KEY_EXPIRATION).reveal(), "2023-11-14T23:13:20Z");
  auto back = decode_subject_token_result(reader_of(wire));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->expiration, 1700003600);
  EXPECT_EQ(back->subject_token.reveal(), "jwt");
  // A module that sends Unix seconds (the old, ambiguous form) is refused, not misread.
  Values unix_seconds{{FEDCRED_KEY_SUBJECT_TOKEN, S("jwt")}, {FEDCRED_KEY_EXPIRATION, S("1700003600")}};
  EXPECT_EQ(decode_subject_token_result(reader_of(unix_seconds)).error().status, Status::response);
  EXPECT_EQ(decode_subject_token_result(reader_of(Values{})).error().status, Status::source);
}

TEST(ModuleMessages, AssumeRoleRoundTripAndMissingFields) {
  AssumeRoleParams p{"https://sts.amazonaws.com", "us-east-1", "arn:aws:iam::1:role/r", "s", 3600, S("tok"), 9};
  auto params = decode_assume_role_params(reader_of(encode(p)));
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params->duration_seconds, 3600);
  EXPECT_EQ(params->web_identity_token.reveal(), "tok");
  AssumeRoleResult r{S("ASIAFAKE"), S("s"), S("t"), 1700003600, "arn", "id"};
  Values wire = encode(r);
  auto back = decode_assume_role_result(reader_of(wire));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->expiration, 1700003600);
  wire.erase(FEDCRED_KEY_SESSION_TOKEN);
  auto missing = decode_assume_role_result(reader_of(wire));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().status, Status::response);
  EXPECT_NE(missing.error().message.find("SessionToken"), std::string::npos);
}

TEST(ModuleMessages, ProbeParamsRoundTrip) {
  ProbeParams p;
  p.imds_endpoint = "http://169.254.169.254";
  p.deadline_ms = 5000;
  Values wire = encode(p);
  EXPECT_EQ(wire.count(FEDCRED_KEY_METADATA_HOST), 0U) << "an empty address is not sent";
  auto back = decode_probe_params(reader_of(wire));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->imds_endpoint, p.imds_endpoint);
  EXPECT_EQ(back->metadata_host, "");
  EXPECT_EQ(back->deadline_ms, 5000);
  Values bad{{FEDCRED_KEY_ENDPOINT, S("https://sts.example")}, {FEDCRED_KEY_DEADLINE_MS, S("soon")}};
  EXPECT_EQ(decode_probe_params(reader_of(bad)).error().status, Status::usage);
}

TEST(ModuleMessages, ProbeReadings) {
  ProbeResult aws;
  aws.put = {200, 12, "", false, ""};
  aws.get = {0, 1000, "timeout", true, ""};
  aws.date = "Sat, 05 Dec 2026 07:00:00 GMT";
  Values wire = encode(aws);
  EXPECT_EQ(wire.count(FEDCRED_KEY_LATENCY_MS), 0U) << "the unused unprefixed reading is not sent";
  EXPECT_EQ(wire.count(std::string("put_") + FEDCRED_KEY_STATUS), 1U);
  auto r = decode_probe_result(reader_of(wire));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->put.status, 200);
  EXPECT_EQ(r->put.latency_ms, 12);
  EXPECT_EQ(r->get.status, 0);
  EXPECT_TRUE(r->get.timed_out);
  EXPECT_EQ(r->reading.status, 0);
  EXPECT_EQ(r->date, aws.date);
  Values bad{{FEDCRED_KEY_STATUS, S("2OO")}};
  EXPECT_EQ(decode_probe_result(reader_of(bad)).error().status, Status::response);
}

TEST(ModuleMessages, ParseIntegerIsWholeValue) {
  EXPECT_EQ(parse_integer("42"), 42);
  EXPECT_EQ(parse_integer("-1"), -1);
  EXPECT_FALSE(parse_integer("").has_value());
  EXPECT_FALSE(parse_integer(" 1").has_value());
  EXPECT_FALSE(parse_integer("1 ").has_value());
  EXPECT_FALSE(parse_integer("99999999999999999999").has_value());
}

}  // namespace
}  // namespace fedcred::messages
