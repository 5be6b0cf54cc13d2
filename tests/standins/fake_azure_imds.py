#!/usr/bin/env python3
"""Stand-in for the Azure Instance Metadata Service's managed-identity endpoint
(docs/PROTOCOLS.md section 13), plain http as on a VM.

  GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=R
      [&client_id=C | &object_id=O | &msi_res_id=ARM_ID]
      with the header `Metadata: true` (the path with a trailing slash too: MSAL Node sends
      that when AZURE_POD_IDENTITY_AUTHORITY_HOST names the endpoint).

As Azure's IMDS it refuses: a request without `Metadata: true` (400 invalid_request "Required
metadata header not specified"), one carrying X-Forwarded-For (400: IMDS answers no proxied
request), no api-version (400 "Bad request. api-version was not specified..."), no resource
(400 "Required audience parameter not specified"), an identity selector that names no identity
of this VM, or none when the VM has only user-assigned identities and more than one
(400 "Identity not found" / "Multiple user assigned identities exist..."), more than one
selector (400), a resource that is no Entra resource principal (400 invalid_resource, AADSTS500011).
Success: 200 {"access_token", "client_id", "expires_in", "expires_on", "ext_expires_in",
"not_before", "resource", "token_type": "Bearer"}, every value a string, as IMDS answers
(learn.microsoft.com how-to-use-vm-token); the access token is signed by the Entra stand-in
(`entra`, fake_entra.EntraServer.issue_access_token) with the identity's client id, so the
blob stand-in accepts it as Entra's. Managed-identity tokens live about a day.

`identities`: [{"client_id", "object_id", "msi_res_id", "system": bool}]; the default VM has a
system-assigned identity and one user-assigned.

Test-only: GET /_stats, POST /_control ({"status": 503|429|404|410, "times": N}, {"hang": s},
{"close": true}), POST /_reset.
"""

import json
import time
import urllib.parse

import fake_entra  # noqa: E402
import standin_server  # noqa: E402

TOKEN_PATH = "/metadata/identity/oauth2/token"
MI_TOKEN_LIFETIME = 86399
SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590"
SYSTEM_IDENTITY = {"system": True, "client_id": "9a1b2c3d-0000-4000-8000-00000000a001",
                   "object_id": "9a1b2c3d-0000-4000-8000-00000000b001",
                   "msi_res_id": "/subscriptions/%s/resourceGroups/fedcred/providers/"
                                 "Microsoft.Compute/virtualMachines/fedcred-vm" % SUBSCRIPTION}
USER_IDENTITY = {"system": False, "client_id": "9a1b2c3d-0000-4000-8000-00000000a002",
                 "object_id": "9a1b2c3d-0000-4000-8000-00000000b002",
                 "msi_res_id": "/subscriptions/%s/resourcegroups/fedcred/providers/"
                               "Microsoft.ManagedIdentity/userAssignedIdentities/fedcred-uai"
                               % SUBSCRIPTION}
SELECTORS = ("client_id", "object_id", "msi_res_id")


class AzureImds(standin_server.StandinServer):
    thread_name = "azure-imds-standin"

    def __init__(self, entra, identities=None, port=0):
        self.entra = entra
        self.identities = [dict(i) for i in (identities or (SYSTEM_IDENTITY, USER_IDENTITY))]
        super().__init__(port)

    def reset(self):
        with self._lock:
            self.requests = 0
            self.token_requests = 0
            self.records = []       # path, query, Metadata header, X-Forwarded-For
            self.issued = []        # {"identity": client_id, "resource", "token"}
            self.fault = standin_server.Fault()

    def stats(self):
        with self._lock:
            return {"requests": self.requests, "token_requests": self.token_requests,
                    "records": list(self.records), "issued": list(self.issued),
                    "port": self.port}

    def pick_identity(self, query):
        """The identity a token request names; raises ValueError with IMDS's words."""
        given = [k for k in SELECTORS if query.get(k)]
        if len(given) > 1:
            raise ValueError("Only one of client_id, object_id or msi_res_id may be specified")
        if given:
            key = given[0]
            for ident in self.identities:
                value = query[key]
                if key == "msi_res_id" and ident[key].lower() == value.lower() \
                        or ident[key] == value:
                    return ident
            raise ValueError("Identity not found")
        system = [i for i in self.identities if i["system"]]
        if system:
            return system[0]
        if len(self.identities) == 1:
            return self.identities[0]
        if not self.identities:
            raise ValueError("Identity not found")
        raise ValueError("Multiple user assigned identities exist, please specify the clientId "
                         "/ resourceId of the identity in the token request")

    def token(self, query, headers):
        """Returns (status, document)."""
        if headers.get("Metadata") != "true":
            return 400, {"error": "invalid_request",
                         "error_description": "Required metadata header not specified"}
        if headers.get("X-Forwarded-For"):
            return 400, {"error": "invalid_request",
                         "error_description": "Request has X-Forwarded-For header; IMDS does "
                                              "not accept proxied requests"}
        if not query.get("api-version"):
            return 400, {"error": "Bad request. api-version was not specified in the request. "
                                  "For more information refer to aka.ms/azureimds",
                         "newest-versions": ["2023-07-01", "2021-12-13", "2018-02-01"]}
        resource = query.get("resource", "")
        if not resource:
            return 400, {"error": "invalid_request",
                         "error_description": "Required audience parameter not specified"}
        try:
            ident = self.pick_identity(query)
        except ValueError as exc:
            return 400, {"error": "invalid_request", "error_description": str(exc)}
        if resource.rstrip("/") not in self.entra.resources:
            err = fake_entra.EntraError("invalid_resource", 500011,
                                        "The resource principal named %s was not found in the "
                                        "tenant named %s." % (resource, self.entra.tenant_id))
            return 400, {"error": "invalid_resource",
                         "error_description": err.document()["error_description"]}
        token, expires_on = self.entra.issue_access_token(
            resource, ident["client_id"], lifetime=MI_TOKEN_LIFETIME,
            object_id=ident["object_id"])
        with self._lock:
            self.issued.append({"identity": ident["client_id"], "resource": resource,
                                "token": token})
        now = int(time.time())
        return 200, {"access_token": token, "client_id": ident["client_id"],
                     "expires_in": str(expires_on - now), "expires_on": str(expires_on),
                     "ext_expires_in": str(expires_on - now), "not_before": str(now),
                     "resource": resource, "token_type": "Bearer"}


class _Handler(standin_server.StandinHandler):
    owner: AzureImds = None
    log_name = "fake_azure_imds"
    server_header = "IMDS/150.870.65.1544"

    def _json(self, status, doc):
        return self._respond(status, json.dumps(doc),
                             [("Content-Type", "application/json; charset=utf-8")])

    def _control_reply(self, ok):
        return self._json(200, {}) if ok else self._json(400, {"error": "bad json"})

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        if self._control(path, self._read_body()):
            return None
        return self._json(405, {"error": "invalid_request",
                                "error_description": "Method not allowed"})

    def do_GET(self):
        srv = self.owner
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_stats":
            return self._json(200, srv.stats())
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        with srv._lock:
            srv.requests += 1
            srv.records.append({"path": url.path, "query": query,
                                "metadata": self.headers.get("Metadata"),
                                "forwarded": self.headers.get("X-Forwarded-For"),
                                "proxied": self.path.startswith("http")})
            # MSAL Node canonicalizes an AZURE_POD_IDENTITY_AUTHORITY_HOST endpoint with a
            # trailing slash (msal-node BaseManagedIdentitySource, UrlString); Pod Identity's
            # NMI answers it, so this stand-in does too.
            is_token = url.path in (TOKEN_PATH, TOKEN_PATH + "/")
            if is_token:
                srv.token_requests += 1
            fault = srv.fault.take() if is_token else {}
        if not is_token:
            return self._json(404, {"error": "Not found"})
        if fault.get("hang"):
            srv.wait(standin_server.hang_seconds(fault["hang"]))
        if fault.get("close"):
            return self._drop_connection()
        if "status" in fault:
            return self._json(int(fault["status"]),
                              {"error": "temporarily_unavailable",
                               "error_description": "stand-in fault"})
        status, doc = srv.token(query, self.headers)
        return self._json(status, doc)


AzureImds.handler_class = _Handler
