// SPDX-License-Identifier: Apache-2.0
#include "commands/doctor/advice.h"

#include "commands/azure.h"
#include "commands/setup.h"

namespace fedcred {

// The fix that fits a failure of the source, by status.
std::string source_fix(std::string const& source, Status status) {
  if (status == Status::usage) return "correct the setting named in the message (fedcred.conf(5))";
  if (source == "file") return "check token_file: the file must exist, be readable by this user and hold a JWT";
  if (source == "aws" && status == Status::denied) {
    return "enable outbound identity federation for the account (aws iam enable-outbound-web-identity-federation) "
           "and allow sts:GetWebIdentityToken to the instance role";
  }
  if (source == "aws") {
    return "check the instance role (an instance profile must be attached) and that the STS regional endpoint is "
           "reachable; AWS_REGION picks the region";
  }
  return "check that the VM has a service account attached and that the metadata server answers (GCE_METADATA_HOST "
         "overrides the address)";
}

std::string exchange_fix(Error const& error, JwtClaims const& claims, std::string const& role_arn) {
  if (error.message.find("AccessDenied") != std::string::npos) {
    std::string fix = "the trust policy of " + role_arn + " does not accept this token. It must allow "
                      "sts:AssumeRoleWithWebIdentity to Principal Federated " +
                      std::string(is_google_issuer(claims.iss) ? "accounts.google.com" : "the issuer's OIDC provider");
    auto conditions = aws_trust_conditions(claims);
    if (conditions) {
      fix += " with conditions this token satisfies: StringEquals";
      bool first = true;
      for (auto const& [key, value] : *conditions) {
        fix += std::string(first ? " " : ", ") + key + " = " + value;
        first = false;
      }
    }
    return fix + ". 'fedcred setup aws-trust-policy' prints the whole policy document";
  }
  if (error.message.find("InvalidIdentityToken") != std::string::npos) {
    return "STS could not validate the token: check the clock (step clock) and that the issuer is trusted "
           "(accounts.google.com needs no IAM OIDC provider, any other issuer does)";
  }
  switch (error.status) {
    case Status::usage: return "correct the setting named in the message (fedcred.conf(5))";
    case Status::transient: return "STS kept failing or could not be reached: retry later; check the network path to it";
    case Status::response: return "STS answered with something fedcred cannot use: check AWS_ENDPOINT_URL_STS";
    default: return "see the STS error code and message";
  }
}

std::string entra_exchange_fix(Error const& error, JwtClaims const& claims, std::string const& tenant_id,
                               std::string const& client_id) {
  if (is_unmatched_federated_credential(error.message)) {
    return "register on application " + client_id + " the federated identity credential this machine's token "
           "matches: issuer " + claims.iss + ", subject " + claims.sub + ", audience " + claims.aud +
           " (fedcred setup azure-federated-credential --tenant-id " + tenant_id + " --client-id " + client_id +
           " prints the az ad app federated-credential create command)";
  }
  switch (error.status) {
    case Status::denied:
      return "Entra ID refused: the AADSTS code above names the cause and its fix (tenant, application, scope)";
    case Status::transient:
      return "Entra ID did not answer in time: check the network and AZURE_AUTHORITY_HOST; try again";
    default:
      return "check AZURE_AUTHORITY_HOST and the CA bundle (AWS_CA_BUNDLE, CURL_CA_BUNDLE): the answer was not "
             "Entra ID's";
  }
}

}  // namespace fedcred
