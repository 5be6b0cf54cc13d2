// SPDX-License-Identifier: Apache-2.0
#include "http_daemon.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fedcred/module.h"

namespace fedcred::serve {
namespace {

// Limits that keep one client from holding resources others need.
constexpr unsigned kConnectionTimeoutSeconds = 10;   // idle (slowloris) connections are dropped
constexpr std::size_t kConnectionMemory = 16 * 1024;  // request line + headers; larger -> 431/413
constexpr unsigned kConnectionLimit = 1024;
constexpr unsigned kThreadsPerSocket = 2;

std::optional<std::string_view> header(MHD_Connection* c, char const* name) {
  char const* v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
  if (v == nullptr) return std::nullopt;
  return std::string_view(v);
}

// Responses may carry credentials: MHD gets a copy it frees through here,
// which wipes it first.
void wipe_and_delete(void* cls) {
  auto* s = static_cast<std::string*>(cls);
  if (!s->empty()) explicit_bzero(s->data(), s->size());
  delete s;
}

MHD_Result on_request(void* cls, MHD_Connection* connection, char const* url, char const* method,
                      char const* /*version*/, char const* /*upload_data*/, std::size_t* upload_data_size,
                      void** con_cls) {
  // MHD calls once when the headers are in, then for each piece of body,
  // then once more with none left. Answering on that last call keeps the
  // connection alive; an answer before the request is complete makes MHD
  // close it after the response (every client would reconnect each time).
  static int request_seen;
  if (*con_cls == nullptr) {
    *con_cls = &request_seen;
    return MHD_YES;
  }
  if (*upload_data_size != 0) {
    // No route reads a body: whatever a client uploads is discarded unread.
    *upload_data_size = 0;
    return MHD_YES;
  }
  auto* daemons = static_cast<HttpDaemons*>(cls);
  HttpRequest req;
  req.method = method;
  req.path = url;
  req.host = header(connection, MHD_HTTP_HEADER_HOST);
  req.authorization = header(connection, MHD_HTTP_HEADER_AUTHORIZATION);
  req.metadata_flavor = header(connection, "Metadata-Flavor");
  req.forwarded = header(connection, "X-Forwarded-For").has_value();
  if (char const* r = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "recursive")) req.recursive = r;
  HttpResponse resp = daemons->router().handle(req, static_cast<std::int64_t>(time(nullptr)));

  auto* body = new std::string(std::move(resp.body));
  MHD_Response* response =
      MHD_create_response_from_buffer_with_free_callback_cls(body->size(), body->data(), wipe_and_delete, body);
  if (response == nullptr) {
    wipe_and_delete(body);
    return MHD_NO;
  }
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, resp.content_type.c_str());
  for (auto const& [name, value] : resp.headers) MHD_add_response_header(response, name.c_str(), value.c_str());
  MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(resp.status), response);
  MHD_destroy_response(response);
  return queued;
}

// MHD's format and arguments, as vprintf takes them (the attribute lets the
// compiler check the vsnprintf below as such).
__attribute__((format(printf, 2, 0))) void on_mhd_error(void* cls, char const* format, va_list ap) {
  auto* daemons = static_cast<HttpDaemons*>(cls);
  char line[512];
  vsnprintf(line, sizeof(line), format, ap);
  std::string text(line);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  // MHD reports client misbehaviour (timeouts, oversized requests) here too:
  // worth a debug line, not a warning.
  daemons->log().debug("http: " + text);
}

}  // namespace

void HttpDaemons::Stop::operator()(MHD_Daemon* d) const noexcept { MHD_stop_daemon(d); }

HttpDaemons::~HttpDaemons() { daemons_.clear(); }

std::string HttpDaemons::start(int fd) {
  MHD_Daemon* d = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, nullptr, nullptr, &on_request, this,
      MHD_OPTION_LISTEN_SOCKET, fd,
      MHD_OPTION_THREAD_POOL_SIZE, kThreadsPerSocket,
      MHD_OPTION_CONNECTION_TIMEOUT, kConnectionTimeoutSeconds,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, kConnectionMemory,
      MHD_OPTION_CONNECTION_LIMIT, kConnectionLimit,
      MHD_OPTION_EXTERNAL_LOGGER, &on_mhd_error, this,
      MHD_OPTION_END);
  if (d == nullptr) {
    close(fd);
    return "cannot start the HTTP server (libmicrohttpd) on fd " + std::to_string(fd);
  }
  daemons_.emplace_back(d);
  return {};
}

}  // namespace fedcred::serve
