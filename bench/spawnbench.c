/* spawnbench: runs commands side by side, interleaved, and prints per-command wall-time
 * statistics and peak RSS. Built on the fly by the bench scripts (cc -O2).
 *
 *   spawnbench [-n RUNS] [-w WARMUP] [-q] -- NAME1 CMD1 ARGS... ';' NAME2 CMD2 ARGS... [';' ...]
 *
 * Each round runs every command once, in an order shuffled every round (a fixed seed, so a
 * run is reproducible): each command follows each other one equally often, so none always
 * runs right after the one whose page-cache, TLB or CPU-frequency effects favour or hurt it.
 * (A rotating order keeps every command's predecessor fixed: the empty C program always ran
 * right after the C++ one, which had just loaded libc and ld.so.) A run is
 * posix_spawn + wait4 of the command itself (no shell), stdin and stdout on /dev/null,
 * stderr kept (-q: /dev/null too). Wall time is CLOCK_MONOTONIC around spawn..reap, which is
 * what a parent such as the AWS CLI pays; peak RSS is the child's ru_maxrss from wait4.
 * A run exiting non-zero aborts the benchmark (exit 1).
 *
 * Output, one line per command, tab-separated, machine-readable:
 *   NAME  runs=N  median_ms=...  mean_ms=...  p10_ms=...  p90_ms=...  min_ms=...  max_ms=...
 *   maxrss_kib=...(max over runs)  median_rss_kib=...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct cmd {
  const char *name;
  char **argv;
  double *ms;
  long *rss;
};

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int cmp_long(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return x < y ? -1 : x > y;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double pct(const double *sorted, int n, double p) {
  double idx = p * (n - 1);
  int lo = (int)idx;
  int hi = lo + 1 < n ? lo + 1 : lo;
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (idx - lo);
}

static int run_once(struct cmd *c, int quiet, double *ms, long *rss) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  if (quiet) posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  double t0 = now_ms();
  int rc = posix_spawn(&pid, c->argv[0], &fa, NULL, c->argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    fprintf(stderr, "spawnbench: cannot run %s: %s\n", c->argv[0], strerror(rc));
    return -1;
  }
  int status;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) {
      perror("spawnbench: wait4");
      return -1;
    }
  }
  *ms = now_ms() - t0;
  *rss = ru.ru_maxrss;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "spawnbench: %s (%s) failed: status %d\n", c->name, c->argv[0], status);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int runs = 300, warmup = 10, quiet = 0, i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; ++i) {
    if (!strcmp(argv[i], "-n") && i + 1 < argc) runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-w") && i + 1 < argc) warmup = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-q")) quiet = 1;
    else {
      fprintf(stderr, "usage: spawnbench [-n RUNS] [-w WARMUP] [-q] -- NAME CMD ARGS... ; ...\n");
      return 2;
    }
  }
  if (i >= argc || runs < 1) {
    fprintf(stderr, "spawnbench: no commands\n");
    return 2;
  }
  ++i;
  struct cmd cmds[16];
  int ncmd = 0;
  while (i < argc && ncmd < 16) {
    struct cmd *c = &cmds[ncmd++];
    c->name = argv[i++];
    int start = i;
    while (i < argc && strcmp(argv[i], ";") != 0) ++i;
    if (i == start) {
      fprintf(stderr, "spawnbench: %s has no command\n", c->name);
      return 2;
    }
    c->argv = calloc((size_t)(i - start + 1), sizeof(char *));
    for (int k = start; k < i; ++k) c->argv[k - start] = argv[k];
    c->ms = calloc((size_t)runs, sizeof(double));
    c->rss = calloc((size_t)runs, sizeof(long));
    if (i < argc) ++i; /* skip ';' */
  }
  double ms;
  long rss;
  for (int r = 0; r < warmup; ++r)
    for (int k = 0; k < ncmd; ++k)
      if (run_once(&cmds[k], quiet, &ms, &rss) != 0) return 1;
  int *order = calloc((size_t)ncmd, sizeof(int));
  unsigned long long seed = 0x9E3779B97F4A7C15ull;
  for (int r = 0; r < runs; ++r) {
    for (int k = 0; k < ncmd; ++k) order[k] = k;
    for (int k = ncmd - 1; k > 0; --k) { /* Fisher-Yates, xorshift64 */
      seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
      int pick = (int)(seed % (unsigned long long)(k + 1)), kept = order[k];
      order[k] = order[pick], order[pick] = kept;
    }
    for (int j = 0; j < ncmd; ++j) {
      struct cmd *c = &cmds[order[j]];
      if (run_once(c, quiet, &c->ms[r], &c->rss[r]) != 0) return 1;
    }
  }
  free(order);
  for (int k = 0; k < ncmd; ++k) {
    struct cmd *c = &cmds[k];
    double sum = 0;
    long maxrss = 0;
    for (int r = 0; r < runs; ++r) {
      sum += c->ms[r];
      if (c->rss[r] > maxrss) maxrss = c->rss[r];
    }
    qsort(c->ms, (size_t)runs, sizeof(double), cmp_double);
    qsort(c->rss, (size_t)runs, sizeof(long), cmp_long);
    printf("%s\truns=%d\tmedian_ms=%.3f\tmean_ms=%.3f\tp10_ms=%.3f\tp90_ms=%.3f\tmin_ms=%.3f"
           "\tmax_ms=%.3f\tmaxrss_kib=%ld\tmedian_rss_kib=%ld\n",
           c->name, runs, pct(c->ms, runs, 0.5), sum / runs, pct(c->ms, runs, 0.1),
           pct(c->ms, runs, 0.9), c->ms[0], c->ms[runs - 1], maxrss, c->rss[runs / 2]);
  }
  return 0;
}
