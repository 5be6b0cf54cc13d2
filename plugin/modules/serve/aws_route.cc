// SPDX-License-Identifier: Apache-2.0
#include "aws_route.h"

#include "same_secret.h"
#include "serve_abi.h"

namespace fedcred::serve {

HttpResponse aws_credentials(HttpRequest const& req, PublishedSlot const& authorization, PublishedSlot const& slot,
                             std::int64_t now_unix) {
  if (req.method != "GET") return json_error(405, "MethodNotAllowed", "only GET is supported");
  auto expected = authorization.current();
  if (!req.authorization || expected == nullptr || expected->value.empty() ||
      !same_secret(*req.authorization, expected->value)) {
    // Both variables (issue 21.9): the AWS CLI 2.9, the Go SDKs, rclone and
    // restic read only the plain one.
    return json_error(401, "Unauthorized",
                      "the Authorization header must equal the content of the server's token file: point "
                      "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE at it (boto3, JavaScript v3 SDK), or set "
                      "AWS_CONTAINER_AUTHORIZATION_TOKEN to its content (AWS CLI 2.9, Go SDKs, rclone, restic; "
                      "see fedcred(1), SERVE)");
  }
  auto current = slot.current();
  if (!valid_at(current.get(), now_unix)) {
    return json_error(503, "CredentialsUnavailable",
                      "no valid credentials: the last refresh failed and the previous ones have expired "
                      "(see the server's log)");
  }
  HttpResponse r;
  r.body = current->value;
  r.credential = FEDCRED_SERVE_AWS;
  return r;
}

}  // namespace fedcred::serve
