/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dlopen()s the built libfedcred and checks its ABI from a C program:
 * compiling this file as C proves the public headers are valid C; every
 * public function resolves (at version FEDCRED_1); internal C++ symbols and
 * the symbols of its dependencies are not defined by the library; and the
 * calls that need no network behave as fedcred.h documents.
 *
 *   abi_dlopen_test /path/to/libfedcred.so.1
 *
 * Output is TAP (plan at the end); the exit status is 0 only if all passed.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fedcred/fedcred.h"
#include "fedcred/module.h"

static int g_point = 0;
static int g_failed = 0;

static int check(int ok, const char *what, const char *detail) {
  ++g_point;
  if (ok) {
    printf("ok %d - %s\n", g_point, what);
  } else {
    ++g_failed;
    printf("not ok %d - %s\n", g_point, what);
    if (detail != NULL) printf("# %s\n", detail);
  }
  return ok;
}

/* ISO C has no conversion from void * to a function pointer; copy the bits
 * as POSIX guarantees they fit. */
typedef void (*any_fn)(void);
static any_fn to_fn(void *sym) {
  any_fn fn = NULL;
  memcpy(&fn, &sym, sizeof fn);
  return fn;
}

/* The public API, as the header declares it. */
struct api {
  int (*request_new)(const char *, fedcred_request **);
  int (*request_set)(fedcred_request *, const char *, const char *);
  void (*request_set_log)(fedcred_request *, fedcred_log_fn, void *);
  int (*request_run)(fedcred_request *, char **);
  const char *(*request_error)(const fedcred_request *);
  void (*request_free)(fedcred_request *);
  void (*string_free)(char *);
  const char *(*strerror)(int);
  const char *(*version)(void);
  int (*abi_version)(void);
};

static void *lookup(void *lib, const char *name) {
  void *sym = dlsym(lib, name);
  char what[160];
  snprintf(what, sizeof what, "%s resolves", name);
  check(sym != NULL, what, dlerror());
  snprintf(what, sizeof what, "%s has version FEDCRED_1", name);
  check(dlvsym(lib, name, "FEDCRED_1") == sym && sym != NULL, what, NULL);
  return sym;
}

#define LOAD(field, name)                                        \
  do {                                                           \
    any_fn fn_ = to_fn(lookup(lib, name));                       \
    memcpy(&a->field, &fn_, sizeof a->field);                    \
  } while (0)

static int load_api(void *lib, struct api *a) {
  memset(a, 0, sizeof *a);
  LOAD(request_new, "fedcred_request_new");
  LOAD(request_set, "fedcred_request_set");
  LOAD(request_set_log, "fedcred_request_set_log");
  LOAD(request_run, "fedcred_request_run");
  LOAD(request_error, "fedcred_request_error");
  LOAD(request_free, "fedcred_request_free");
  LOAD(string_free, "fedcred_string_free");
  LOAD(strerror, "fedcred_strerror");
  LOAD(version, "fedcred_version");
  LOAD(abi_version, "fedcred_abi_version");
  return a->request_new && a->request_set && a->request_set_log && a->request_run && a->request_error &&
         a->request_free && a->string_free && a->strerror && a->version && a->abi_version;
}

/* A symbol must not be defined by libfedcred itself. dlsym on the handle also
 * searches the library's dependencies (json-c, inih, libstdc++), so a hit is
 * fine as long as it lives in another object. */
static void check_not_defined_here(void *lib, const char *own_base, const char *name) {
  char what[300];
  void *sym = dlsym(lib, name);
  Dl_info info;
  memset(&info, 0, sizeof info);
  int elsewhere = sym == NULL || (dladdr(sym, &info) != 0 && info.dli_fbase != own_base);
  snprintf(what, sizeof what, "%s is not defined by libfedcred%s", name,
           sym == NULL ? " (absent)" : " (found in a dependency)");
  check(elsewhere, what, info.dli_fname);
}

static int count_log_lines = 0;
static void count_log(void *user, int level, const char *message) {
  (void)user;
  (void)level;
  if (message != NULL) ++count_log_lines;
}

static void check_usage(const char *what, int rc) {
  char detail[64];
  snprintf(detail, sizeof detail, "returned %d", rc);
  check(rc == FEDCRED_E_USAGE, what, detail);
}

static void check_calls(const struct api *a) {
  check(a->abi_version() == FEDCRED_ABI_VERSION, "fedcred_abi_version() matches the header", NULL);
  const char *v = a->version();
  check(v != NULL && v[0] != '\0', "fedcred_version() is a non-empty string", NULL);

  /* Every status has its own non-empty description; unknown codes get one too. */
  int distinct = 1;
  for (int i = FEDCRED_OK; i <= FEDCRED_E_IO; ++i) {
    const char *si = a->strerror(i);
    if (si == NULL || si[0] == '\0') distinct = 0;
    for (int j = FEDCRED_OK; j < i && distinct; ++j) distinct = strcmp(si, a->strerror(j)) != 0;
  }
  check(distinct, "fedcred_strerror() describes each status differently", NULL);
  check(a->strerror(-1) != NULL && a->strerror(1000) != NULL, "fedcred_strerror() handles unknown codes", NULL);

  fedcred_request *req = (fedcred_request *)&req; /* must be reset to NULL on failure */
  check_usage("fedcred_request_new(\"bogus\") is a usage error", a->request_new("bogus", &req));
  check(req == NULL, "a failed fedcred_request_new sets *out to NULL", NULL);
  check_usage("fedcred_request_new(NULL command) is a usage error", a->request_new(NULL, &req));
  check_usage("fedcred_request_new(NULL out) is a usage error", a->request_new("aws", NULL));
  check(strcmp(a->request_error(NULL), "") == 0, "fedcred_request_error(NULL) is \"\"", NULL);

  int rc = a->request_new("aws", &req);
  if (!check(rc == FEDCRED_OK && req != NULL, "fedcred_request_new(\"aws\") succeeds", NULL)) return;
  check(strcmp(a->request_error(req), "") == 0, "a new request has no error", NULL);

  check_usage("fedcred_request_set with an unknown key is a usage error",
              a->request_set(req, "no_such_key", "1"));
  const char *err = a->request_error(req);
  check(err != NULL && strstr(err, "no_such_key") != NULL, "the error names the unknown key", err);
  check_usage("fedcred_request_set with a bad role ARN is a usage error", a->request_set(req, "role_arn", "nope"));
  check_usage("fedcred_request_set with a bad duration is a usage error", a->request_set(req, "duration", "60"));
  check_usage("fedcred_request_set(NULL value) is a usage error", a->request_set(req, "region", NULL));
  check_usage("fedcred_request_set(NULL request) is a usage error", a->request_set(NULL, "region", "us-east-1"));
  check(a->request_set(req, "role_arn", "arn:aws:iam::123456789012:role/abi-test") == FEDCRED_OK,
        "fedcred_request_set with a valid role ARN succeeds", a->request_error(req));

  /* A run that fails before any network I/O: an empty config file and an
   * invalid AWS_REGION in the environment. */
  char config[] = "/tmp/fedcred-abi-XXXXXX";
  int fd = mkstemp(config);
  if (fd >= 0) close(fd);
  check(a->request_set(req, "config", config) == FEDCRED_OK, "fedcred_request_set(\"config\") succeeds", NULL);
  setenv("AWS_REGION", "not a region", 1);
  a->request_set_log(req, count_log, NULL);
  char *doc = (char *)config;
  /* Start dumpable with cores allowed, so the checks below see what the run did. */
  prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  struct rlimit core;
  getrlimit(RLIMIT_CORE, &core);
  core.rlim_cur = core.rlim_max;
  setrlimit(RLIMIT_CORE, &core);
  rc = a->request_run(req, &doc);
  unsetenv("AWS_REGION");
  check(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0, "fedcred_request_run(\"aws\") makes the process non-dumpable",
        NULL);
  check(getrlimit(RLIMIT_CORE, &core) == 0 && core.rlim_cur == 0,
        "fedcred_request_run(\"aws\") sets the RLIMIT_CORE soft limit to 0", NULL);
  check_usage("fedcred_request_run with an invalid AWS_REGION is a usage error", rc);
  check(doc == NULL, "a failed run leaves *document NULL", NULL);
  err = a->request_error(req);
  check(err != NULL && strstr(err, "AWS_REGION") != NULL, "the run error names AWS_REGION", err);
  unlink(config);

  check_usage("fedcred_request_run(NULL document) is a usage error", a->request_run(req, NULL));
  a->request_free(req);
  a->request_free(NULL);
  a->string_free(NULL);
  check(1, "fedcred_request_free and fedcred_string_free accept NULL", NULL);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s /path/to/libfedcred.so.1\n", argv[0]);
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!check(lib != NULL, "dlopen libfedcred", dlerror())) {
    printf("1..%d\n", g_point);
    return 1;
  }

  struct api a;
  int complete = load_api(lib, &a);

  Dl_info own;
  memset(&own, 0, sizeof own);
  void *anchor = dlsym(lib, "fedcred_version");
  check(anchor != NULL && dladdr(anchor, &own) != 0, "dladdr finds the library's own base address", NULL);

  static const char *const kInternal[] = {
      /* the core's C++ functions */
      "_ZN7fedcred16validate_settingESt17basic_string_viewIcSt11char_traitsIcEES3_",
      "_ZN7fedcred15run_aws_commandERKNS_13CommandInputsERKNS_14CredentialDepsE",
      "_ZN7fedcred17decode_jwt_claimsESt17basic_string_viewIcSt11char_traitsIcEE",
      "_ZN7fedcred13scrub_secretsENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE",
      "_ZN7fedcred11load_configERKSt6vectorINS_10ConfigFileESaIS1_EE",
      /* dependencies: used, never re-exported */
      "json_object_put",
      "json_tokener_parse_ex",
      "ini_parse_stream",
      "_Znwm",
      /* the module ABI's entry point belongs to modules, not the library */
      FEDCRED_MODULE_ENTRY_SYMBOL,
  };
  for (size_t i = 0; i < sizeof kInternal / sizeof kInternal[0]; ++i) {
    check_not_defined_here(lib, (const char *)own.dli_fbase, kInternal[i]);
  }

  if (complete) check_calls(&a);

  dlclose(lib);
  printf("1..%d\n", g_point);
  return g_failed == 0 ? 0 : 1;
}
