// SPDX-License-Identifier: Apache-2.0
#include "flows/aws_chain.h"

#include "aws_container_host.h"
#include "config/endpoints.h"
#include "files/secret_file.h"
#include "ascii.h"

namespace fedcred {
namespace {

using modules::ascii::lower_case;

constexpr char kEcsHost[] = "http://169.254.170.2";

// The container credentials URL: RELATIVE_URI against the ECS host (or the
// test override), else FULL_URI.
Result<std::string> container_url(Env const& env) {
  if (auto relative = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    std::string base = kEcsHost;
    if (auto override_base = env.get(kContainerEndpointVar)) {
      // For tests only: it may redirect the ECS host to a stand-in, nowhere else.
      auto url = modules::parse_url(*override_base);
      if (!url || url->scheme != "http" || !is_loopback_host(url->host)) {
        return make_error(Status::usage, std::string(kContainerEndpointVar) +
                                             " must be http://<loopback address>[:port] (a test stand-in)");
      }
      base = *override_base;
      while (!base.empty() && base.back() == '/') base.pop_back();
    }
    if (relative->empty() || relative->front() != '/') {
      return make_error(Status::usage, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'");
    }
    return base + *relative;
  }
  auto full = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  auto checked = aws::check_container_credentials_url(*full);
  if (!checked) return Error(checked.error()).prefix("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  return *full;
}

}  // namespace

Result<AwsChainLink> select_aws_link(Env const& env, std::string const& imds_endpoint) {
  auto akid = env.get("AWS_ACCESS_KEY_ID");
  auto secret = env.get("AWS_SECRET_ACCESS_KEY");
  if (akid && secret) return AwsChainLink{"environment", "access key " + *akid};
  if (akid || secret) {
    return make_error(Status::usage, std::string(akid ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") + " is set but " +
                                         (akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
                                         " is not: set both, or neither to use the next credential source");
  }
  if (auto file = env.get("AWS_WEB_IDENTITY_TOKEN_FILE")) {
    auto role = env.get("AWS_ROLE_ARN");
    if (!role) {
      return make_error(Status::usage, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: set the role to "
                                       "assume (EKS sets both for a service account with an IAM role)");
    }
    return AwsChainLink{"web_identity", "web identity role " + *role + " token file " + *file};
  }
  if (env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") || env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    auto url = container_url(env);
    if (!url) return std::move(url).error();
    return AwsChainLink{"container", "container credentials " + *url};
  }
  if (lower_case(env.get("AWS_EC2_METADATA_DISABLED").value_or("")) == "true") {
    return make_error(Status::source,
                      "no AWS credentials: AWS_EC2_METADATA_DISABLED=true and none of AWS_ACCESS_KEY_ID, "
                      "AWS_WEB_IDENTITY_TOKEN_FILE, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/_FULL_URI is set");
  }
  return AwsChainLink{"imds", "instance role at " + imds_endpoint};
}

Result<void> fill_aws_link(AwsChainLink const& link, Env const& env, std::optional<messages::AwsKeys>& keys,
                           messages::AwsLinkInputs& inputs) {
  inputs.name = link.link;
  inputs.instance_role = link.instance_role;
  inputs.imds_session_token = link.imds_session_token;
  if (link.link == "environment") {
    messages::AwsKeys k{env.get("AWS_ACCESS_KEY_ID").value_or(""), Secret(env.get("AWS_SECRET_ACCESS_KEY").value_or("")),
                        Secret()};
    if (auto token = env.get("AWS_SESSION_TOKEN")) k.session_token = Secret(*token);
    keys = std::move(k);
  } else if (link.link == "web_identity") {
    auto token = read_secret_file(env.get("AWS_WEB_IDENTITY_TOKEN_FILE").value_or(""),
                                  "web identity token file (AWS_WEB_IDENTITY_TOKEN_FILE)");
    if (!token) return std::move(token).error();
    inputs.web_identity_token = std::move(*token);
    inputs.role_arn = env.get("AWS_ROLE_ARN").value_or("");
    inputs.role_session_name = env.get("AWS_ROLE_SESSION_NAME").value_or("");
  } else if (link.link == "container") {
    auto url = container_url(env);
    if (!url) return std::move(url).error();
    inputs.container_url = *url;
    auto token = container_authorization_token(env);
    if (!token) return std::move(token).error();
    inputs.container_authorization_token = std::move(*token);
  }
  return {};
}

Result<Secret> container_authorization_token(Env const& env) {
  // The file wins over the variable and is re-read on every use: EKS Pod
  // Identity rotates it.
  if (auto file = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    return read_secret_file(*file, "container authorization token file (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)");
  }
  if (auto token = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")) return Secret(*token);
  return Secret();
}

}  // namespace fedcred
