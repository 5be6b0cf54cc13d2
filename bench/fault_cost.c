// SPDX-License-Identifier: Apache-2.0
// What a page fault costs on this machine, next to a system call: the unit a cache hit's time
// is made of (bench/README.md "The hit's layout"). Each figure is the mean over many pages of a
// fresh mapping, printed for ROUNDS rounds so that the spread shows.
//
//   cc -O2 -o /tmp/fault_cost bench/fault_cost.c && /tmp/fault_cost FILE [ROUNDS]
//
// FILE: a file of at least 1.25 MiB already in the page cache (build/helper/fedcred will do).
//   anon write        first write to a page of an anonymous mapping (heap, stack, .bss, COW)
//   file read window  first read of a file mapping: the kernel maps the 64 KiB window around it
//                     (fault-around), so one fault per 16 pages
//   file read page    the same with MADV_RANDOM (no fault-around): one fault per page
//   getppid           one cheap system call
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

enum { kPage = 4096, kWindowPages = 16, kFilePages = 320, kAnonPages = 2000, kCalls = 1000 };

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static double anon_write_us(void) {
  char* p = mmap(NULL, (size_t)kAnonPages * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return -1;
  double t0 = now_us();
  for (int i = 0; i < kAnonPages; i++) p[(size_t)i * kPage] = 1;
  double per = (now_us() - t0) / kAnonPages;
  munmap(p, (size_t)kAnonPages * kPage);
  return per;
}

// stride kWindowPages with fault-around: one fault per window; stride 1 with MADV_RANDOM: one per page
static double file_read_us(int fd, int advice, int stride) {
  volatile char sink = 0;
  char* p = mmap(NULL, (size_t)kFilePages * kPage, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) return -1;
  if (advice != MADV_NORMAL) madvise(p, (size_t)kFilePages * kPage, advice);
  double t0 = now_us();
  for (int i = 0; i < kFilePages; i += stride) sink += p[(size_t)i * kPage];
  double per = (now_us() - t0) / (kFilePages / stride);
  munmap(p, (size_t)kFilePages * kPage);
  (void)sink;
  return per;
}

static double getppid_us(void) {
  double t0 = now_us();
  for (int i = 0; i < kCalls; i++) getppid();
  return (now_us() - t0) / kCalls;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE [ROUNDS]\n", argv[0]);
    return 2;
  }
  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0 || lseek(fd, 0, SEEK_END) < (off_t)kFilePages * kPage) {
    fprintf(stderr, "%s: cannot open it, or it is smaller than %d KiB\n", argv[1], kFilePages * kPage / 1024);
    return 2;
  }
  int rounds = argc > 2 ? atoi(argv[2]) : 3;
  printf("%-6s %16s %22s %20s %12s\n", "round", "anon write us", "file read window us", "file read page us",
         "getppid us");
  for (int r = 1; r <= rounds; r++) {
    printf("%-6d %16.2f %22.2f %20.2f %12.2f\n", r, anon_write_us(), file_read_us(fd, MADV_NORMAL, kWindowPages),
           file_read_us(fd, MADV_RANDOM, 1), getppid_us());
  }
  close(fd);
  return 0;
}
