// SPDX-License-Identifier: Apache-2.0
#include "sts_xml.h"

#include <expat.h>
#include <stdlib.h>

#include <map>
#include <set>
#include <memory>
#include <vector>

#include "wiping_alloc.h"

namespace fedcred::modules {
namespace {

struct ParserDeleter {
  void operator()(XML_Parser p) const noexcept { XML_ParserFree(p); }
};
using ParserPtr = std::unique_ptr<std::remove_pointer_t<XML_Parser>, ParserDeleter>;

// With a namespace-aware parser, names arrive as "URI<sep>local".
constexpr char kNsSeparator = ' ';
constexpr XML_Char kNsSeparatorString[] = {kNsSeparator, '\0'};

// expat copies the answer (session token, secret key) into buffers of its
// own: they are wiped before they are freed (wiping_alloc.h).
XML_Memory_Handling_Suite const kWipingMemory{malloc, wiping_realloc, wiping_free};

std::string_view local_name(XML_Char const* name) {
  std::string_view n(name);
  auto sep = n.rfind(kNsSeparator);
  return sep == std::string_view::npos ? n : n.substr(sep + 1);
}

// Collects the text of chosen leaf elements, addressed by their path of local
// names from the root ("A/B/C"). Values are Secrets: some of them are.
class LeafCollector {
 public:
  explicit LeafCollector(std::vector<std::string> wanted, std::size_t input_size) : input_size_(input_size) {
    for (auto& path : wanted) values_.emplace(std::move(path), std::string());
  }
  ~LeafCollector() {
    for (auto& entry : values_) wipe(entry.second);
  }
  LeafCollector(LeafCollector const&) = delete;
  LeafCollector& operator=(LeafCollector const&) = delete;

  Result<void> parse(std::string_view xml);

  // The collected text, moved out; empty when absent.
  std::string take(std::string const& path) { return std::move(values_.at(path)); }
  bool has(std::string const& path) const { return seen_.count(path) != 0; }
  std::string const& root() const { return root_; }

 private:
  static void on_start(void* self, XML_Char const* name, XML_Char const** /*attrs*/) {
    static_cast<LeafCollector*>(self)->start(local_name(name));
  }
  static void on_end(void* self, XML_Char const* /*name*/) { static_cast<LeafCollector*>(self)->end(); }
  static void on_text(void* self, XML_Char const* s, int len) {
    static_cast<LeafCollector*>(self)->text(std::string_view(s, static_cast<std::size_t>(len)));
  }
  static void on_doctype(void* self, XML_Char const*, XML_Char const*, XML_Char const*, int) {
    auto* c = static_cast<LeafCollector*>(self);
    c->doctype_ = true;
    XML_StopParser(c->parser_, XML_FALSE);
  }

  void start(std::string_view name) {
    if (path_.empty()) root_ = std::string(name);
    lengths_.push_back(path_.size());
    if (!path_.empty()) path_.push_back('/');
    path_.append(name);
    auto it = values_.find(path_);
    current_ = it == values_.end() ? nullptr : &it->second;
    if (current_ != nullptr) {
      wipe(*current_);  // a repeated element replaces, never concatenates
      // Sized for the whole document once, so growing never leaves a
      // partial secret behind in freed memory.
      current_->reserve(input_size_);
      seen_.insert(path_);
    }
  }
  void end() {
    path_.resize(lengths_.back());
    lengths_.pop_back();
    current_ = nullptr;  // text after a child closes is not the leaf's
  }
  void text(std::string_view s) {
    if (current_ != nullptr) current_->append(s);
  }

  std::size_t input_size_;
  std::map<std::string, std::string> values_;
  std::set<std::string> seen_;
  std::string path_;
  std::vector<std::size_t> lengths_;
  std::string* current_ = nullptr;
  std::string root_;
  XML_Parser parser_ = nullptr;
  bool doctype_ = false;
};

Result<void> LeafCollector::parse(std::string_view xml) {
  if (xml.size() > kMaxStsDocumentBytes) {
    return make_error(Status::response, "document exceeds " + std::to_string(kMaxStsDocumentBytes) + " bytes");
  }
  ParserPtr parser(XML_ParserCreate_MM(nullptr, &kWipingMemory, kNsSeparatorString));
  if (!parser) return make_error(Status::internal, "cannot create an XML parser");
  parser_ = parser.get();
  XML_SetUserData(parser_, this);
  XML_SetElementHandler(parser_, &on_start, &on_end);
  XML_SetCharacterDataHandler(parser_, &on_text);
  XML_SetStartDoctypeDeclHandler(parser_, &on_doctype);
  XML_Status status = XML_Parse(parser_, xml.data(), static_cast<int>(xml.size()), XML_TRUE);
  parser_ = nullptr;
  if (doctype_) return make_error(Status::response, "document has a DOCTYPE, which STS never sends");
  if (status != XML_STATUS_OK) {
    return make_error(Status::response, std::string("malformed XML (") + XML_ErrorString(XML_GetErrorCode(parser.get())) +
                                            " at line " + std::to_string(XML_GetCurrentLineNumber(parser.get())) + ")");
  }
  return {};
}

constexpr char kResult[] = "AssumeRoleWithWebIdentityResponse/AssumeRoleWithWebIdentityResult/";

std::string result_path(std::string_view rest) { return kResult + std::string(rest); }

}  // namespace

Result<StsCredentials> parse_assume_role_response(std::string_view xml) {
  static char const* const kCredentialFields[] = {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"};
  std::vector<std::string> wanted;
  for (char const* field : kCredentialFields) wanted.push_back(result_path(std::string("Credentials/") + field));
  wanted.push_back(result_path("AssumedRoleUser/Arn"));
  wanted.push_back("AssumeRoleWithWebIdentityResponse/ResponseMetadata/RequestId");

  LeafCollector collector(wanted, xml.size());
  auto parsed = collector.parse(xml);
  if (!parsed) return std::move(parsed).error();
  if (collector.root() != "AssumeRoleWithWebIdentityResponse") {
    return make_error(Status::response, "document is not an AssumeRoleWithWebIdentityResponse");
  }
  for (char const* field : kCredentialFields) {
    std::string path = result_path(std::string("Credentials/") + field);
    if (!collector.has(path)) return make_error(Status::response, std::string("response lacks Credentials/") + field);
  }
  StsCredentials creds;
  creds.access_key_id = collector.take(wanted[0]);
  creds.secret_access_key = Secret(collector.take(wanted[1]));
  creds.session_token = Secret(collector.take(wanted[2]));
  creds.expiration = collector.take(wanted[3]);
  creds.assumed_role_arn = collector.take(wanted[4]);
  creds.request_id = collector.take(wanted[5]);
  if (creds.access_key_id.empty() || creds.secret_access_key.empty() || creds.session_token.empty() ||
      creds.expiration.empty()) {
    return make_error(Status::response, "response has an empty Credentials field");
  }
  return creds;
}

Result<StsWebIdentityToken> parse_web_identity_token_response(std::string_view xml) {
  std::vector<std::string> const wanted = {
      "GetWebIdentityTokenResponse/GetWebIdentityTokenResult/WebIdentityToken",
      "GetWebIdentityTokenResponse/GetWebIdentityTokenResult/Expiration",
      "GetWebIdentityTokenResponse/ResponseMetadata/RequestId"};
  LeafCollector collector(wanted, xml.size());
  auto parsed = collector.parse(xml);
  if (!parsed) return std::move(parsed).error();
  if (collector.root() != "GetWebIdentityTokenResponse") {
    return make_error(Status::response, "document is not a GetWebIdentityTokenResponse");
  }
  StsWebIdentityToken out;
  out.token = Secret(collector.take(wanted[0]));
  out.expiration = collector.take(wanted[1]);
  out.request_id = collector.take(wanted[2]);
  if (out.token.empty()) return make_error(Status::response, "response lacks GetWebIdentityTokenResult/WebIdentityToken");
  if (out.expiration.empty()) return make_error(Status::response, "response lacks GetWebIdentityTokenResult/Expiration");
  return out;
}

Result<StsError> parse_error_response(std::string_view xml) {
  std::vector<std::string> const wanted = {"ErrorResponse/Error/Type", "ErrorResponse/Error/Code",
                                           "ErrorResponse/Error/Message", "ErrorResponse/RequestId"};
  LeafCollector collector(wanted, xml.size());
  auto parsed = collector.parse(xml);
  if (!parsed) return std::move(parsed).error();
  if (collector.root() != "ErrorResponse") return make_error(Status::response, "document is not an ErrorResponse");
  StsError error;
  error.type = collector.take(wanted[0]);
  error.code = collector.take(wanted[1]);
  error.message = collector.take(wanted[2]);
  error.request_id = collector.take(wanted[3]);
  if (error.code.empty()) return make_error(Status::response, "ErrorResponse lacks Error/Code");
  return error;
}

}  // namespace fedcred::modules
