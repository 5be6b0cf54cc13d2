// SPDX-License-Identifier: Apache-2.0
#include "host_check.h"

#include <string>

#include "url.h"

namespace fedcred::serve {

// Loopback literals and "localhost" only (issue 21.11). Not
// metadata.google.internal: a page of that name, served first from the
// attacker's address while DNS is hostile and then re-resolved to 127.0.0.1
// (DNS rebinding), would be same-origin with the server and could send
// Metadata-Flavor itself. Browsers never resolve "localhost" through DNS,
// and no client reaches this server by that name: the Google libraries are
// pointed at it with GCE_METADATA_HOST=127.0.0.1:PORT.
bool host_allowed(std::optional<std::string_view> header) {
  std::string host;
  std::string port;
  // An authority only (host, host:port, [v6], [v6]:port): no path, query or user info.
  if (!header || !modules::split_authority(*header, host, port)) return false;
  if (!host.empty() && host.back() == '.') host.pop_back();  // the absolute form names the same host
  return modules::is_loopback_host(host);
}

}  // namespace fedcred::serve
