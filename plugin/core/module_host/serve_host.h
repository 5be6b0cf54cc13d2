// SPDX-License-Identifier: Apache-2.0
// The library's side of fedcred-serve.so (common/serve_abi.h): loads it only
// when `fedcred serve` runs, and owns the running server.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/serve_settings.h"
#include "module_host/module_file.h"
#include "logger.h"
#include "result.h"
#include "secret.h"
#include "serve_abi.h"

namespace fedcred {

struct AzureServedToken {
  Secret access_token;
  std::int64_t expiration = 0;  // unix seconds
};

struct ServerOptions {
  std::vector<ListenAddress> listen;
  // The token file's content: the AWS route's Authorization and the Azure
  // App Service form's X-IDENTITY-HEADER (nullopt: neither route).
  std::optional<Secret> client_token;
  bool aws = false;  // the AWS route
  struct Google {
    std::string email;
    std::vector<std::string> scopes;
    std::string project_id;
    std::string numeric_project_id;
  };
  std::optional<Google> google;  // nullopt: no metadata emulation
  struct Azure {
    std::string client_id;  // the application the profile's tokens are issued to
    // A token for a managed-identity request's `resource`, from the server's
    // threads, concurrently; its error message must hold no secret.
    std::function<Result<AzureServedToken>(std::string const& resource)> token;
  };
  std::optional<Azure> azure;  // nullopt: no Azure managed-identity routes
  // The caller policy (issue 21.3).
  std::vector<std::uint32_t> allowed_uids;
  std::vector<std::uint32_t> allowed_gids;
  // How long requests wait for the first credentials (issue 21.8).
  unsigned first_fetch_seconds = 0;
  // Before each request the token file authorizes, from the server's
  // threads: the token file's content when it changed since the last call (empty: unusable now),
  // nullopt when unchanged (issue 21.4).
  std::function<std::optional<Secret>()> authorization_changed;
  // What the server handed out to whom, from the server's threads.
  std::function<void(fedcred_serve_audit const&)> audit;
};

// A started server; stops it (closing its sockets) when destroyed.
class RunningServer {
 public:
  struct Callbacks;
  RunningServer(ModuleHandle module, fedcred_serve_api const* api, fedcred_server* server,
                std::unique_ptr<Logger> log, std::unique_ptr<Callbacks> callbacks);
  RunningServer(RunningServer const&) = delete;
  RunningServer& operator=(RunningServer const&) = delete;
  ~RunningServer();

  void publish(int what, Secret const& value, std::int64_t expiration);
  void note_refresh(bool succeeded);
  fedcred_serve_stats stats() const;
  void notify(char const* state);

 private:
  ModuleHandle module_;  // declared first: unloaded after the server stopped
  fedcred_serve_api const* api_;
  fedcred_server* server_;
  std::unique_ptr<Logger> log_;  // the module logs through it from its threads
  std::unique_ptr<Callbacks> callbacks_;  // the module calls them from its threads
};

// Loads fedcred-serve.so from `module_dir` and starts it (listening at once).
// Errors: Status::usage (port in use, bad address, module missing),
// Status::internal.
Result<std::unique_ptr<RunningServer>> start_server(std::string const& module_dir, ServerOptions const& options,
                                                     Logger const& log);

}  // namespace fedcred
