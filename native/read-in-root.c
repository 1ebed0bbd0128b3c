// reachmap-read-in-root ROOT PATH MAXBYTES
//
// Reads PATH as seen from inside ROOT (a container's /proc/<pid>/root) with the kernel doing
// the resolution: openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) keeps every symlink and
// ".." inside ROOT atomically, so a directory swapped for a symlink mid-walk cannot escape.
// The file is first taken with O_PATH (no open of a device, no FIFO reader side), checked to be
// a regular file, then reopened for reading through /proc/self/fd and read up to MAXBYTES.
// Exit 0: content on stdout. Exit 2: not a regular file. Exit 1: any other error (stderr says).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fail(const char *what, int code) {
  fprintf(stderr, "%s: %s\n", what, strerror(errno));
  return code;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s ROOT PATH MAXBYTES\n", argv[0]);
    return 1;
  }
  long max = strtol(argv[3], NULL, 10);
  if (max <= 0 || max > 64L * 1024 * 1024) {
    fprintf(stderr, "MAXBYTES must be 1..67108864\n");
    return 1;
  }
  int root = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return fail("root", 1);
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const char *inner = argv[2];
  while (*inner == '/') inner++;  // relative to ROOT
  int fd = (int)syscall(SYS_openat2, root, *inner ? inner : ".", &how, sizeof how);
  if (fd < 0) return fail("open", 1);
  struct stat st;
  if (fstat(fd, &st) != 0) return fail("stat", 1);
  if (!S_ISREG(st.st_mode)) {
    fprintf(stderr, "not a regular file\n");
    return 2;
  }
  char self[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  int rd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (rd < 0) return fail("reopen", 1);
  char buf[65536];
  long left = max;
  while (left > 0) {
    ssize_t n = read(rd, buf, left < (long)sizeof buf ? (size_t)left : sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("read", 1);
    }
    if (n == 0) break;
    if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) return fail("write", 1);
    left -= n;
  }
  return fflush(stdout) == 0 ? 0 : fail("flush", 1);
}
