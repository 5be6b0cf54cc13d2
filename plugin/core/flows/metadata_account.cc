// SPDX-License-Identifier: Apache-2.0
#include "flows/metadata_account.h"

#include <utility>
#include <vector>

#include "net/http_message.h"
#include "net/plain_http.h"

namespace fedcred {
namespace {

constexpr char kDefaultHost[] = "metadata.google.internal";
constexpr char kDefaultAddress[] = "169.254.169.254";
constexpr std::size_t kMaxAnswerBytes = 1024;

bool is_email_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '@' || c == '.' ||
         c == '-' || c == '_' || c == '+';
}

Error unknown_account(std::string const& host, std::string const& why) {
  return make_error(Status::source, "cannot learn the service account of the metadata server at " + host + ": " +
                                        why + " (the cache key names the account; is this a Google VM with a "
                                        "service account, or GCE_METADATA_HOST a metadata server?)");
}

}  // namespace

Result<std::string> account_from_answer(int status, std::string const& body, std::string const& host) {
  if (status == 404) return unknown_account(host, "no default service account (HTTP 404)");
  if (status != 200) return unknown_account(host, "HTTP " + std::to_string(status));
  std::string email = body;
  while (!email.empty() && (email.back() == '\n' || email.back() == '\r' || email.back() == ' ')) email.pop_back();
  bool valid = !email.empty() && email.size() <= 254 && email.find('@') != std::string::npos;
  for (char c : email) valid = valid && is_email_char(c);
  if (!valid) return unknown_account(host, "the answer is not an email address");
  return email;
}

Result<std::string> GceMetadataAccountLookup::account_email(std::string const& metadata_host,
                                                            std::int64_t deadline_ms) {
  auto endpoint = net::parse_http_endpoint("http://" + metadata_host);
  if (!endpoint) return std::move(endpoint).error();
  if (endpoint->host == kDefaultHost || endpoint->host == std::string(kDefaultHost) + ".") {
    endpoint->host = kDefaultAddress;  // the Host header keeps the name
  }
  auto addresses = net::addresses_of(*endpoint, resolver_, deadline_ms - clock_.monotonic_ms());
  if (!addresses) {
    if (addresses.error().status == Status::transient) {
      return unknown_account(metadata_host, addresses.error().message);
    }
    return std::move(addresses).error();
  }
  std::vector<std::pair<std::string, Secret>> headers;
  headers.emplace_back("Metadata-Flavor", Secret(std::string("Google")));
  auto answer = net::plain_http_exchange(*addresses, endpoint->host_header,
                                         net::format_http_request("GET", endpoint->host_header, kMetadataEmailPath,
                                                                  headers),
                                         deadline_ms, clock_, kMaxAnswerBytes);
  if (!answer) return unknown_account(metadata_host, answer.error().message);
  return account_from_answer(answer->status, answer->body.reveal(), metadata_host);
}

Result<std::string> name_metadata_account(std::string const& source, std::string const& metadata_host,
                                          MetadataAccountLookup* lookup, std::int64_t deadline_ms) {
  if (source != "gce") return std::string();
  if (lookup == nullptr) return make_error(Status::internal, "no metadata account lookup for source gce");
  return lookup->account_email(metadata_host, deadline_ms);
}

}  // namespace fedcred
