// SPDX-License-Identifier: Apache-2.0
#include "curl_http.h"

#include <curl/curl.h>
#include <stdlib.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "ascii.h"
#include "fedcred_build_config.h"
#include "url.h"
#include "wiping_alloc.h"

namespace fedcred::modules {
namespace {

struct CurlEasyDeleter {
  void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// curl_slist_append returns the (possibly new) head, or NULL leaving the list
// untouched; ownership stays with `list` either way.
bool append_header(CurlSlist& list, std::string const& line) {
  curl_slist* head = curl_slist_append(list.get(), line.c_str());
  if (head == nullptr) return false;
  if (!list) list.reset(head);  // otherwise head is the list we already own
  return true;
}

constexpr std::int64_t kMaxConnectTimeoutMs = 2000;

CURLcode global_init() {
  static std::once_flag once;
  static CURLcode rc = CURLE_OK;
  // libcurl's receive buffer and its copies of what it sends hold tokens and
  // keys: its memory functions wipe every block before freeing it
  // (wiping_alloc.h). Only the first initialisation in the process sets them;
  // a host that initialised libcurl first keeps its own (libfedcred(3)).
  std::call_once(once, [] {
    rc = curl_global_init_mem(CURL_GLOBAL_DEFAULT, malloc, wiping_free, wiping_realloc, strdup, calloc);
  });
  return rc;
}

// Everything a transfer writes into; curl calls back with a pointer to it.
struct Transfer {
  std::size_t max_body = 0;
  bool too_large = false;
  std::string body;
  HeaderList headers;
};

std::size_t on_body(char* data, std::size_t size, std::size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * nmemb;
  if (t->body.size() + n > t->max_body) {
    t->too_large = true;
    return 0;  // a short count aborts the transfer with CURLE_WRITE_ERROR
  }
  // bodies carry credentials: grown without leaving copies in freed memory
  append_wiping(t->body, std::string_view(data, n));
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t nitems, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * nitems);
  // A new status line starts a new header block (a proxy's CONNECT answer,
  // a 100 Continue): only the final response's headers count.
  if (line.rfind("HTTP/", 0) == 0) {
    t->headers.clear();
    return line.size();
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  t->headers.emplace_back(ascii::lower_case(ascii::trim(line.substr(0, colon))), std::string(ascii::trim(line.substr(colon + 1))));
  return line.size();
}

// The CA bundle a transfer verified against, for messages: the configured
// one, else libcurl's built-in default.
std::string ca_bundle_in_use(CURL* h, std::optional<std::string> const& configured) {
  if (configured) return *configured;
#if LIBCURL_VERSION_NUM >= 0x075400  // 7.84.0: CURLINFO_CAINFO
  char* path = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_CAINFO, &path) == CURLE_OK && path != nullptr) return path;
#else
  (void)h;
#endif
  return "the system trust store";
}

// A certificate that does not verify will not verify on the next attempt
// either, and retrying only hides the cause until the deadline: such errors
// fail at once (not Status::transient) and say what to check.
bool is_tls_verification_failure(CURLcode rc) {
  return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
         rc == CURLE_SSL_ISSUER_ERROR || rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

Error transport_error(std::string const& host, CURLcode rc, char const* errbuf, std::string const& ca_bundle) {
  std::string detail = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
  if (is_tls_verification_failure(rc)) {
    return make_error(Status::response, "TLS certificate verification failed for " + host + ": " + detail +
                                            " (CA bundle: " + ca_bundle +
                                            "; AWS_CA_BUNDLE or CURL_CA_BUNDLE names another one)");
  }
  return make_error(Status::transient, "cannot reach " + host + ": " + detail);
}

// Collects setopt failures so configuration reads as a flat list; the first
// failure is reported.
class Options {
 public:
  explicit Options(CURL* h) : h_(h) {}
  template <typename T>
  Options& set(CURLoption opt, T value) {
    if (rc_ == CURLE_OK) rc_ = curl_easy_setopt(h_, opt, value);
    return *this;
  }
  CURLcode rc() const { return rc_; }

 private:
  CURL* h_;
  CURLcode rc_ = CURLE_OK;
};

bool is_plain_http(std::string const& url) {
  auto parsed = parse_url(url);
  // An unparsable URL fails in curl anyway; treat it as plain so it is never proxied.
  return !parsed || parsed->scheme != "https";
}

}  // namespace

CurlOptions CurlOptions::from_environment() {
  CurlOptions options;
  for (char const* name : {"AWS_CA_BUNDLE", "CURL_CA_BUNDLE"}) {
    char const* v = secure_getenv(name);
    if (v != nullptr && *v != '\0') {
      options.ca_bundle = v;
      break;
    }
  }
  return options;
}

CurlHttpClient::CurlHttpClient(CurlOptions options) : options_(std::move(options)) {}

Result<HttpResponse> CurlHttpClient::send(HttpRequest const& request) {
  std::string const host = url_authority(request.url);
  if (global_init() != CURLE_OK) return make_error(Status::internal, "libcurl initialization failed");
  CurlEasy easy(curl_easy_init());
  if (!easy) return make_error(Status::internal, "libcurl could not create a handle");

  CurlSlist headers;
  for (auto const& [name, value] : request.headers) {
    if (!append_header(headers, name + ": " + value)) {
      return make_error(Status::internal, "out of memory building HTTP headers");
    }
  }
  // curl would otherwise send "Expect: 100-continue" for larger POST bodies
  // (an STS token form) and wait for a 100 the server may never send.
  if (!append_header(headers, "Expect:")) return make_error(Status::internal, "out of memory building HTTP headers");

  Transfer transfer;
  transfer.max_body = request.max_body_bytes;
  char errbuf[CURL_ERROR_SIZE] = {};
  std::int64_t const timeout = std::max<std::int64_t>(1, request.timeout_ms);
  std::string const& body = request.body.reveal();

  Options opts(easy.get());
  opts.set(CURLOPT_URL, request.url.c_str())
      .set(CURLOPT_NOSIGNAL, 1L)
      .set(CURLOPT_FOLLOWLOCATION, 0L)
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0 deprecated CURLOPT_PROTOCOLS
      .set(CURLOPT_PROTOCOLS_STR, "http,https")
#else
      .set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS))
#endif
      .set(CURLOPT_ERRORBUFFER, errbuf)
      .set(CURLOPT_TIMEOUT_MS, static_cast<long>(timeout))
      .set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(timeout, kMaxConnectTimeoutMs)))
      .set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_body_bytes))
      .set(CURLOPT_USERAGENT, "fedcred/" FEDCRED_VERSION)
      .set(CURLOPT_HTTPHEADER, headers.get())
      .set(CURLOPT_WRITEFUNCTION, &on_body)
      .set(CURLOPT_WRITEDATA, &transfer)
      .set(CURLOPT_HEADERFUNCTION, &on_header)
      .set(CURLOPT_HEADERDATA, &transfer)
#if LIBCURL_VERSION_NUM >= 0x075700  // 7.87.0
      // Without it curl_easy_cleanup joins a threaded resolver still stuck in
      // getaddrinfo, so a DNS stall would outlive the run's deadline.
      .set(CURLOPT_QUICK_EXIT, 1L)
#endif
      ;
  // Metadata endpoints are link-local and answer only from the VM; a plain-http
  // URL is allowed only to loopback, and through a proxy its body (a token form)
  // would cross the network in clear text. Neither ever goes through a proxy:
  // an empty CURLOPT_PROXY overrides every *_proxy variable, NOPROXY "*" also
  // covers a proxy libcurl might pick up some other way.
  if (request.direct || is_plain_http(request.url)) {
    opts.set(CURLOPT_PROXY, "").set(CURLOPT_NOPROXY, "*");
  }
  if (options_.ca_bundle) opts.set(CURLOPT_CAINFO, options_.ca_bundle->c_str());
  if (request.method == "GET") {
    opts.set(CURLOPT_HTTPGET, 1L);
  } else {
    // POSTFIELDS points at the caller's buffer: the body is not copied.
    if (request.method != "POST") opts.set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    opts.set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()))
        .set(CURLOPT_POSTFIELDS, body.c_str());
  }
  if (opts.rc() != CURLE_OK) {
    return make_error(Status::internal, std::string("libcurl rejected an option: ") + curl_easy_strerror(opts.rc()));
  }

  CURLcode rc = curl_easy_perform(easy.get());
  if (transfer.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    wipe(transfer.body);
    return make_error(Status::response, "response from " + host + " exceeds " +
                                            std::to_string(request.max_body_bytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    wipe(transfer.body);
    return transport_error(host, rc, errbuf, ca_bundle_in_use(easy.get(), options_.ca_bundle));
  }
  long code = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &code);

  HttpResponse response;
  response.status = static_cast<int>(code);
  response.headers = std::move(transfer.headers);
  response.body = Secret(std::move(transfer.body));
  return response;
}

}  // namespace fedcred::modules
