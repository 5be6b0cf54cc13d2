// SPDX-License-Identifier: Apache-2.0
#include "commands/setup/azure_federated_credential.h"

#include <json-c/json.h>

#include <utility>

#include "ascii.h"
#include "base/json_handle.h"
#include "commands/setup/pretty_json.h"

namespace fedcred {
namespace {

// Entra's rule for a federated identity credential's name: 3 to 120
// characters, letters, digits, '-' and '_', starting with a letter or digit.
constexpr std::size_t kMaxNameLength = 120;

std::string credential_name(std::string const& subject) {
  std::string name = "fedcred-";
  for (char c : subject) {
    if (name.size() == kMaxNameLength) break;
    name += modules::ascii::is_alnum(c) || c == '-' || c == '_' ? c : '-';
  }
  return name;
}

// POSIX shell single quotes: nothing inside is special but the quote itself.
std::string shell_quoted(std::string const& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Result<std::string> render_federated_credential_parameters(JwtClaims const& claims) {
  for (auto const& [claim, value] : {std::pair{"iss", &claims.iss}, {"sub", &claims.sub}, {"aud", &claims.aud}}) {
    if (value->empty()) {
      return make_error(Status::source, std::string("the assertion has no ") + claim +
                                            " claim (a single string is needed) to register as a federated credential");
    }
  }
  JsonPtr doc(json_object_new_object());
  json_object_object_add(doc.get(), "name", new_json_string(credential_name(claims.sub)));
  json_object_object_add(doc.get(), "issuer", new_json_string(claims.iss));
  json_object_object_add(doc.get(), "subject", new_json_string(claims.sub));
  json_object_object_add(doc.get(), "description", new_json_string("the identity of this workload, exchanged by fedcred"));
  json_object* audiences = json_object_new_array();
  json_object_array_add(audiences, new_json_string(claims.aud));
  json_object_object_add(doc.get(), "audiences", audiences);
  return to_pretty_json(doc.get());
}

Result<std::string> render_azure_federated_credential(AzureFederatedCredentialInput const& in) {
  auto parameters = render_federated_credential_parameters(in.claims);
  if (!parameters) return std::move(parameters).error();
  std::string const profile = in.profile.empty() ? "PROFILE" : in.profile;
  std::string out;
  out += "# Lets this machine's identity (issuer, subject, audience as its token carries them)\n";
  out += "# sign in as application " + in.client_id + " of tenant " + in.tenant_id + ":\n";
  out += "az ad app federated-credential create --id " + in.client_id + " --parameters " +
         shell_quoted(*parameters) + "\n";
  out += "\n";
  out += "# Then `fedcred azure` works as is. The Azure SDKs' WorkloadIdentityCredential\n";
  out += "# (DefaultAzureCredential) read the same identity from a token file: a profile with\n";
  out += "# audience = api://AzureADTokenExchange, kept fresh by fedcred-token@" + profile + ".timer:\n";
  out += "AZURE_TENANT_ID=" + in.tenant_id + "\n";
  out += "AZURE_CLIENT_ID=" + in.client_id + "\n";
  out += "AZURE_FEDERATED_TOKEN_FILE=/run/fedcred/" + profile + "/token\n";
  out += "AZURE_AUTHORITY_HOST=" + in.authority;
  return out;
}

}  // namespace fedcred
