// SPDX-License-Identifier: Apache-2.0
#include "sigv4.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <time.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "ascii.h"
#include "url.h"

namespace fedcred::modules::sigv4 {
namespace {

constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";
constexpr std::size_t kDigestSize = 32;
using Digest = std::array<unsigned char, kDigestSize>;

struct EvpMacDeleter {
  void operator()(EVP_MAC* p) const noexcept { EVP_MAC_free(p); }
};
struct EvpMacCtxDeleter {
  void operator()(EVP_MAC_CTX* p) const noexcept { EVP_MAC_CTX_free(p); }
};
struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
using EvpMac = std::unique_ptr<EVP_MAC, EvpMacDeleter>;
using EvpMacCtx = std::unique_ptr<EVP_MAC_CTX, EvpMacCtxDeleter>;
using EvpMdCtx = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;

// A derived signing key: as good as the secret for a day, so wiped on exit.
struct Key {
  Digest bytes{};
  ~Key() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

std::string hex(unsigned char const* data, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0xF]);
  }
  return out;
}

// HMAC-SHA256 through the OpenSSL 3 EVP_MAC interface (HMAC() is deprecated).
class Hmac {
 public:
  Hmac() : mac_(EVP_MAC_fetch(nullptr, "HMAC", nullptr)) {}

  bool compute(unsigned char const* key, std::size_t key_len, std::string_view data, Digest& out) const {
    if (!mac_) return false;
    EvpMacCtx ctx(EVP_MAC_CTX_new(mac_.get()));
    if (!ctx) return false;
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                           OSSL_PARAM_construct_end()};
    std::size_t out_len = 0;
    return EVP_MAC_init(ctx.get(), key, key_len, params) == 1 &&
           EVP_MAC_update(ctx.get(), reinterpret_cast<unsigned char const*>(data.data()), data.size()) == 1 &&
           EVP_MAC_final(ctx.get(), out.data(), &out_len, out.size()) == 1 && out_len == out.size();
  }

 private:
  EvpMac mac_;
};

bool sha256(std::string_view data, Digest& out) {
  EvpMdCtx ctx(EVP_MD_CTX_new());
  unsigned int len = 0;
  return ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1 &&
         EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1 &&
         EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1 && len == out.size();
}

int hex_value(char c) {
  if (ascii::is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Undoes %XX; anything else (a lone '%', '+') is kept as is, so an
// already-encoded query and a raw one canonicalize the same way.
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// botocore's ' '.join(value.split()): trims and collapses every whitespace
// run (folded header lines included) to one space.
std::string collapse_whitespace(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (ascii::is_space(c)) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.push_back(c);
    }
  }
  return out;
}

// Headers botocore never signs: proxies and the HTTP stack may change them.
bool is_unsigned_header(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kSkip = {
      "authorization", "user-agent", "x-amzn-trace-id", "expect",            "connection",
      "keep-alive",    "te",         "trailer",         "transfer-encoding", "upgrade"};
  return std::find(kSkip.begin(), kSkip.end(), name) != kSkip.end() || name.rfind("proxy-", 0) == 0;
}

struct CanonicalHeaders {
  std::string block;   // "name:value\n" lines
  std::string signed_names;  // "a;b;c"
};

CanonicalHeaders canonical_headers(HeaderList const& headers) {
  // Stable: values of a repeated header keep their order (the suite's
  // get-header-value-order), joined with ','.
  std::vector<std::pair<std::string, std::string>> sorted;
  for (auto const& [name, value] : headers) {
    std::string n = ascii::lower_case(name);
    if (is_unsigned_header(n)) continue;
    sorted.emplace_back(std::move(n), collapse_whitespace(value));
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](auto const& a, auto const& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i].first == sorted[i - 1].first) {
      out.block.back() = ',';  // replaces the previous line's '\n'
    } else {
      if (!out.signed_names.empty()) out.signed_names.push_back(';');
      out.signed_names += sorted[i].first;
      out.block += sorted[i].first + ":";
    }
    out.block += sorted[i].second + "\n";
  }
  return out;
}

bool has_header(HeaderList const& headers, std::string_view lower_name) {
  return std::any_of(headers.begin(), headers.end(), [&](auto const& h) { return ascii::lower_case(h.first) == lower_name; });
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  Digest d{};
  if (!sha256(data, d)) return std::string();
  return hex(d.data(), d.size());
}

std::string amz_date(std::int64_t unix_time) {
  time_t const t = static_cast<time_t>(unix_time);
  tm utc{};
  if (unix_time < 0 || gmtime_r(&t, &utc) == nullptr) return std::string();
  char buf[32];
  if (strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &utc) != 16) return std::string();
  return buf;
}

std::string canonical_uri(std::string_view path, bool normalize) {
  std::vector<std::string_view> segments;
  bool const trailing_slash = !path.empty() && path.back() == '/';
  std::size_t start = (!path.empty() && path.front() == '/') ? 1 : 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (normalize && segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!normalize || (!segment.empty() && segment != ".")) {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out += percent_encode(segments[i]);
  }
  // Normalizing drops the empty last segment; the trailing slash is meaning.
  if (normalize && trailing_slash && !segments.empty()) out.push_back('/');
  return out;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view piece = query.substr(start, end - start);
    if (!piece.empty()) {
      std::size_t eq = piece.find('=');
      std::string_view key = piece.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
      params.emplace_back(percent_encode(percent_decode(key)), percent_encode(percent_decode(value)));
    }
    start = end + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (auto const& [key, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += key + "=" + value;
  }
  return out;
}

Result<Signed> sign(Request const& request, Credentials const& credentials, Options const& options) {
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return make_error(Status::usage, "SigV4: missing access key id or secret access key");
  }
  if (options.region.empty() || options.service.empty()) {
    return make_error(Status::usage, "SigV4: missing region or service");
  }
  std::string const date_time = amz_date(options.unix_time);
  if (date_time.empty()) return make_error(Status::usage, "SigV4: the request time cannot be represented");
  std::string const date = date_time.substr(0, 8);
  std::string const scope = date + "/" + options.region + "/" + options.service + "/aws4_request";
  std::string const payload_hash = sha256_hex(request.body);
  if (payload_hash.empty()) return make_error(Status::internal, "SigV4: SHA-256 failed in OpenSSL");

  Signed out;
  // botocore adds these before signing, so they are signed (the session
  // token too: STS rejects GetWebIdentityToken otherwise).
  out.headers.emplace_back("X-Amz-Date", date_time);
  bool const token = !credentials.session_token.empty();
  if (token) out.headers.emplace_back("X-Amz-Security-Token", credentials.session_token.reveal());
  if (options.sign_body && !has_header(request.headers, "x-amz-content-sha256")) {
    out.headers.emplace_back("X-Amz-Content-Sha256", payload_hash);
  }

  HeaderList to_sign = request.headers;
  for (auto const& header : out.headers) {
    if (header.first == "X-Amz-Security-Token" && options.omit_session_token) continue;
    to_sign.push_back(header);
  }
  CanonicalHeaders headers = canonical_headers(to_sign);
  for (auto& h : to_sign) wipe(h.second);

  std::string canonical;
  canonical.reserve(request.method.size() + request.path.size() * 3 + request.query.size() * 3 +
                    headers.block.size() + headers.signed_names.size() + 128);
  canonical.append(request.method).push_back('\n');
  canonical.append(canonical_uri(request.path, options.normalize_path)).push_back('\n');
  canonical.append(canonical_query(request.query)).push_back('\n');
  canonical.append(headers.block).push_back('\n');
  canonical.append(headers.signed_names).push_back('\n');
  canonical.append(payload_hash);
  out.canonical_request = Secret(std::move(canonical));
  wipe(headers.block);  // it held the session token

  std::string const canonical_hash = sha256_hex(out.canonical_request.reveal());
  if (canonical_hash.empty()) return make_error(Status::internal, "SigV4: SHA-256 failed in OpenSSL");
  out.string_to_sign = std::string(kAlgorithm) + "\n" + date_time + "\n" + scope + "\n" + canonical_hash;

  // kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")
  Hmac const hmac;
  Secret const seed("AWS4" + credentials.secret_access_key.reveal());
  Key k_date, k_region, k_service, k_signing;
  Digest signature{};
  bool const ok =
      hmac.compute(reinterpret_cast<unsigned char const*>(seed.reveal().data()), seed.size(), date, k_date.bytes) &&
      hmac.compute(k_date.bytes.data(), kDigestSize, options.region, k_region.bytes) &&
      hmac.compute(k_region.bytes.data(), kDigestSize, options.service, k_service.bytes) &&
      hmac.compute(k_service.bytes.data(), kDigestSize, "aws4_request", k_signing.bytes) &&
      hmac.compute(k_signing.bytes.data(), kDigestSize, out.string_to_sign, signature);
  if (!ok) return make_error(Status::internal, "SigV4: HMAC-SHA256 failed in OpenSSL");

  out.signature = hex(signature.data(), signature.size());
  out.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" + scope +
                      ", SignedHeaders=" + headers.signed_names + ", Signature=" + out.signature;
  out.headers.emplace_back("Authorization", out.authorization);
  return out;
}

}  // namespace fedcred::modules::sigv4
