// SPDX-License-Identifier: Apache-2.0
// The one metadata path a gce cache hit asks (issue 21.12: the cache key names the
// service account), answered by a native loopback server, for bench/cache_hit.sh's
// timed hits. The real metadata server answers from native code next to the VM; the
// Python stand-in of tests/standins/ takes milliseconds per request, which would
// measure Python, not fedcred. It is as strict as the stand-in on this path: the
// Metadata-Flavor request header, the answer's Metadata-Flavor header, 404 elsewhere.
//
//   metadata_email PORT EMAIL     serves 127.0.0.1:PORT until killed
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static const char kEmailPath[] = "/computeMetadata/v1/instance/service-accounts/default/email";

// Reads one request head (up to the blank line) into buf; returns its length, or -1.
static int read_head(int fd, char* buf, size_t cap) {
  size_t used = 0;
  while (used + 1 < cap) {
    ssize_t n = read(fd, buf + used, cap - 1 - used);
    if (n <= 0) return -1;
    used += (size_t)n;
    buf[used] = '\0';
    if (strstr(buf, "\r\n\r\n") != NULL) return (int)used;
  }
  return -1;
}

// A header line "Metadata-Flavor: Google", the name in any case, as HTTP allows.
static int has_flavor_header(const char* head) {
  for (const char* line = strstr(head, "\r\n"); line != NULL; line = strstr(line + 2, "\r\n")) {
    if (strncasecmp(line + 2, "metadata-flavor:", 16) != 0) continue;
    const char* value = line + 2 + 16;
    while (*value == ' ') value++;
    if (strncmp(value, "Google\r\n", 8) == 0) return 1;
  }
  return 0;
}

static void answer(int fd, const char* status, const char* body) {
  char out[1024];
  int n = snprintf(out, sizeof out,
                   "HTTP/1.1 %s\r\nMetadata-Flavor: Google\r\nContent-Type: application/text\r\n"
                   "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                   status, strlen(body), body);
  if (n > 0 && (size_t)n < sizeof out && write(fd, out, (size_t)n) < 0) perror("metadata_email: write");
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: metadata_email PORT EMAIL\n");
    return 2;
  }
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 64) != 0) {
    perror("metadata_email: bind");
    return 1;
  }
  char get_line[256];
  snprintf(get_line, sizeof get_line, "GET %s HTTP/1.", kEmailPath);
  for (;;) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) continue;
    char head[8192];
    if (read_head(fd, head, sizeof head) > 0) {
      if (strncmp(head, get_line, strlen(get_line)) != 0) {
        answer(fd, "404 Not Found", "");
      } else if (!has_flavor_header(head)) {
        answer(fd, "403 Forbidden", "Missing Metadata-Flavor:Google header.");
      } else {
        answer(fd, "200 OK", argv[2]);
      }
    }
    close(fd);
  }
}
