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
// Idle keep-alive connections are dropped after this; a request that takes
// longer to arrive, trickled or not, after Connections::kRequestTime.
constexpr unsigned kConnectionTimeoutSeconds = 5;
constexpr std::size_t kConnectionMemory = 16 * 1024;  // request line + headers; larger -> 431/413
// Per daemon; one caller holds at most Connections::kPerCaller of them.
constexpr unsigned kConnectionLimit = 1024;
constexpr unsigned kThreadsPerSocket = 2;

MHD_Result add_argument(void* cls, MHD_ValueKind, char const* key, char const* value) {
  static_cast<HttpRequest*>(cls)->query.emplace_back(key, value == nullptr ? "" : value);
  return MHD_YES;
}

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
  auto* state = static_cast<Connection*>(
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT)->socket_context);
  HttpRequest req;
  req.method = method;
  req.path = url;
  req.host = header(connection, MHD_HTTP_HEADER_HOST);
  req.authorization = header(connection, MHD_HTTP_HEADER_AUTHORIZATION);
  req.metadata_flavor = header(connection, "Metadata-Flavor");
  req.azure_metadata = header(connection, "Metadata");
  req.identity_header = header(connection, "X-IDENTITY-HEADER");
  req.forwarded = header(connection, "X-Forwarded-For").has_value();
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &add_argument, &req);
  if (char const* r = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "recursive")) req.recursive = r;
  if (state != nullptr) req.caller = state->caller;
  auto now = static_cast<std::int64_t>(time(nullptr));
  if (state != nullptr && daemons->holding() && daemons->router().should_hold(req, now)) {
    // Answered once the first credentials are in (issue 21.8): MHD calls
    // again after the resume.
    MHD_suspend_connection(connection);
    daemons->connections().hold(state, connection);
    // Published, or stopping, in between: the release may have missed this one.
    if (!daemons->holding() || !daemons->router().should_hold(req, now)) daemons->release_held();
    return MHD_YES;
  }
  HttpResponse resp;
  if (state != nullptr && state->answer) {
    // Resumed by the worker: its answer.
    resp = std::move(*state->answer);
    state->answer.reset();
  } else if (state != nullptr && daemons->router().answers_on_worker(req)) {
    MHD_suspend_connection(connection);
    daemons->answer_on_worker(req, state, connection);
    return MHD_YES;
  } else {
    resp = daemons->router().handle(req, now);
  }

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

void on_connection(void* cls, MHD_Connection* connection, void** socket_context, MHD_ConnectionNotificationCode code) {
  auto* daemons = static_cast<HttpDaemons*>(cls);
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    int fd = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD)->connect_fd;
    *socket_context = daemons->connections().opened(fd);
  } else {
    daemons->connections().closed(static_cast<Connection*>(*socket_context));
    *socket_context = nullptr;
  }
}

void on_completed(void* cls, MHD_Connection* connection, void** /*con_cls*/, MHD_RequestTerminationCode) {
  auto* daemons = static_cast<HttpDaemons*>(cls);
  auto const* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  if (info != nullptr) daemons->connections().answered(static_cast<Connection*>(info->socket_context));
}

}  // namespace

void HttpDaemons::Stop::operator()(MHD_Daemon* d) const noexcept { MHD_stop_daemon(d); }

HttpDaemons::~HttpDaemons() {
  stopping_.store(true);  // nothing is held from here on
  worker_.stop();  // the request it is answering ends; those queued get 503
  connections_.release_held();
  daemons_.clear();
}

void HttpDaemons::answer_on_worker(HttpRequest const& req, Connection* state, MHD_Connection* connection) {
  connections_.work_started(state);
  worker_.post([this, req, state, connection](bool run) {
    HttpResponse answer = run ? router_.handle(req, static_cast<std::int64_t>(time(nullptr)))
                              : json_error(503, "Stopping", "the server is stopping");
    connections_.work_done(state, connection, std::move(answer));
  });
}

void HttpDaemons::release_held() { connections_.release_held(); }

std::string HttpDaemons::start(int fd) {
  MHD_Daemon* d = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0, nullptr, nullptr,
      &on_request, this,
      MHD_OPTION_NOTIFY_CONNECTION, &on_connection, this,
      MHD_OPTION_NOTIFY_COMPLETED, &on_completed, this,
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
