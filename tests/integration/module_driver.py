#!/usr/bin/env python3
"""Runs one operation of a built network module (fedcred-<name>.so) the way libfedcred does,
through its one exported symbol and a host of callbacks (plugin/include/fedcred/module.h), for
the integration tests of a module no command uses yet.

  module_driver.py MODULE.so OPERATION KEY=VALUE...

Prints one JSON line: {"status": the run's return, "error": the message given to set_error,
"results": {key: value}, "logs": [...]}; the values of access_token, subject_token and the
other secrets are replaced by their SHA-256 ({"sha256": hex}), so the line can be printed."""

import ctypes
import hashlib
import json
import sys

SECRET_KEYS = {"access_token", "subject_token", "secret_access_key", "session_token"}

PARAM = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)
SET_RESULT = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t)
SET_ERROR = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p)
LOG = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p)


class Host(ctypes.Structure):
    _fields_ = [("abi_version", ctypes.c_uint32), ("param", PARAM), ("set_result", SET_RESULT),
                ("set_error", SET_ERROR), ("log", LOG)]


RUN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(Host), ctypes.c_void_p, ctypes.c_char_p)


class Module(ctypes.Structure):
    _fields_ = [("abi_version", ctypes.c_uint32), ("name", ctypes.c_char_p),
                ("description", ctypes.c_char_p), ("run", RUN)]


def main(argv):
    path, operation = argv[1], argv[2]
    params = dict(item.split("=", 1) for item in argv[3:])
    buffers = {k.encode(): ctypes.create_string_buffer(v.encode()) for k, v in params.items()}
    out = {"results": {}, "error": None, "logs": []}

    def param(_call, key):
        buf = buffers.get(key)
        return ctypes.addressof(buf) if buf is not None else None

    def set_result(_call, key, value, length):
        name = key.decode()
        text = ctypes.string_at(value, length).decode()
        out["results"][name] = ({"sha256": hashlib.sha256(text.encode()).hexdigest()}
                                if name in SECRET_KEYS else text)

    def set_error(_call, status, message):
        out["error"] = message.decode()

    def log(_call, level, message):
        out["logs"].append(message.decode())

    host = Host(1, PARAM(param), SET_RESULT(set_result), SET_ERROR(set_error), LOG(log))
    library = ctypes.CDLL(path)
    entry = library.fedcred_module_entry_v1
    entry.restype = ctypes.POINTER(Module)
    module = entry().contents
    call = ctypes.create_string_buffer(8)   # opaque to the module: only handed back to us
    out["status"] = module.run(ctypes.byref(host), ctypes.addressof(call), operation.encode())
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
