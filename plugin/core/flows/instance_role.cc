// SPDX-License-Identifier: Apache-2.0
#include "flows/instance_role.h"

#include <utility>
#include <vector>

#include "imds_rules.h"
#include "net/http_message.h"
#include "net/plain_http.h"
#include "retry.h"

namespace fedcred {
namespace {

// One request with the IMDS rules' attempt timeout; the HTTP clients'
// Status::response (a garbled answer) is a source failure, as in the module.
struct Asker {
  Clock& clock;
  std::vector<net::SocketAddress> const& addresses;
  std::string const& host;
  std::int64_t deadline_ms;

  std::int64_t attempt_timeout() const {
    return modules::attempt_timeout_ms(clock, deadline_ms, imds::kAttemptTimeoutMs);
  }

  Result<net::HttpAnswer> ask(Secret const& request, std::int64_t timeout_ms) const {
    auto answer = net::plain_http_exchange(addresses, host, request, clock.monotonic_ms() + timeout_ms, clock,
                                           imds::kMaxBodyBytes);
    if (!answer && answer.error().status == Status::response) {
      Error error = std::move(answer).error();
      error.status = Status::source;
      return error;
    }
    return answer;
  }
};

}  // namespace

Result<std::string> ImdsRoleLookup::role_name(std::string const& imds_endpoint, std::int64_t deadline_ms) {
  auto endpoint = net::parse_http_endpoint(imds_endpoint);
  if (!endpoint) return std::move(endpoint).error();
  std::string const& host = endpoint->host_header;
  auto addresses = net::addresses_of(*endpoint, resolver_, deadline_ms - clock_.monotonic_ms());
  if (!addresses) {
    if (addresses.error().status == Status::transient) return imds::unreachable(addresses.error(), host, "the IMDSv2 token");
    return std::move(addresses).error();
  }
  Asker const asker{clock_, *addresses, host, deadline_ms};

  modules::Retrier token_retrier(imds::default_policy(), clock_, deadline_ms, random_);
  auto token = token_retrier.run(
      [&](int) -> Result<Secret> {
        std::vector<std::pair<std::string, Secret>> headers;
        headers.emplace_back(imds::kTokenTtlHeader, Secret(std::to_string(imds::kTokenTtlSeconds)));
        std::int64_t const timeout = asker.attempt_timeout();
        std::int64_t const started = clock_.monotonic_ms();
        auto answer = asker.ask(net::format_http_request("PUT", host, imds::kTokenPath, headers), timeout);
        if (!answer) {
          // No answer at all to the PUT: the hop limit of 1 in a container (imds_rules.h).
          if (answer.error().status == Status::transient && clock_.monotonic_ms() - started >= timeout) {
            return imds::token_request_unanswered(host, timeout);
          }
          return std::move(answer).error();
        }
        return imds::token_from_answer(answer->status, answer->body.reveal(), host);
      },
      modules::is_transient);
  if (!token) {
    if (token.error().status == Status::transient) return imds::unreachable(token.error(), host, "the IMDSv2 token");
    return std::move(token).error();
  }

  std::string const what = "the instance role name";
  modules::Retrier roles_retrier(imds::default_policy(), clock_, deadline_ms, random_);
  auto listing = roles_retrier.run(
      [&](int) -> Result<Secret> {
        std::vector<std::pair<std::string, Secret>> headers;
        headers.emplace_back(imds::kTokenHeader, *token);
        auto answer = asker.ask(net::format_http_request("GET", host, imds::kRolesPath, headers), asker.attempt_timeout());
        if (!answer) return std::move(answer).error();
        auto status = imds::check_get_status(answer->status, imds::kRolesPath, what, host);
        if (!status) return std::move(status).error();
        return std::move(answer->body);
      },
      modules::is_transient);
  if (!listing) {
    if (listing.error().status == Status::transient) return imds::unreachable(listing.error(), host, what);
    return std::move(listing).error();
  }
  return imds::role_from_listing(listing->reveal(), host);
}

std::string instance_role_identity(std::string const& role, std::string const& imds_endpoint) {
  return "instance role " + role + " at " + imds_endpoint;
}

Result<void> name_instance_role(AwsChainLink& link, std::string const& imds_endpoint, InstanceRoleLookup* lookup,
                                std::int64_t deadline_ms) {
  if (link.link != "imds") return {};
  if (lookup == nullptr) return make_error(Status::internal, "no instance role lookup for the imds link");
  auto role = lookup->role_name(imds_endpoint, deadline_ms);
  if (!role) return std::move(role).error();
  link.identity = instance_role_identity(*role, imds_endpoint);
  link.instance_role = std::move(*role);
  return {};
}

}  // namespace fedcred
