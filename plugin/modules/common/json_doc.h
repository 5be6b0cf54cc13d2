// SPDX-License-Identifier: Apache-2.0
// Reading the JSON documents the modules receive (IMDS and container
// credentials, Google STS and IAM Credentials answers) with json-c: RAII for
// the handles, typed member lookup, and taking a secret out of a document so
// that json-c's own copy is wiped before it is freed.
#pragma once

#include <json-c/json.h>

#include <memory>
#include <string_view>

#include "json_wipe.h"
#include "secret.h"

namespace fedcred::modules {

// Token answers (Google STS, IAM Credentials, the container and IMDS
// credentials): released with every string wiped (json_wipe.h), whatever
// was or was not taken out of them.
using JsonDoc = std::unique_ptr<json_object, WipingJsonPut>;

// The whole of `text` as a JSON object, or nullptr (not JSON, trailing bytes,
// not an object).
JsonDoc parse_json_object(std::string_view text);

// The member `key` of `obj` when it has type `type`, else nullptr.
json_object* json_member(json_object* obj, char const* key, json_type type);

// A copy of a string value; json-c's bytes are wiped.
Secret take_json_secret(json_object* string_value);

}  // namespace fedcred::modules
