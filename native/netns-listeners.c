/*
 * reachmap-netns-listeners — listening sockets of many network namespaces, cheaply.
 *
 * Reading /proc/<pid>/net/tcp costs 1.5–2 ms per read whatever the namespace holds (the
 * kernel walks its global established hash); a NETLINK_SOCK_DIAG dump of LISTEN sockets
 * does not (shared/docs/performance-facts.md: ~55x cheaper). Node cannot setns(2), so this
 * small program enters each namespace in turn and asks the kernel there.
 *
 * Usage: reachmap-netns-listeners PID...   (root: setns needs CAP_SYS_ADMIN)
 * Output, one record per line, space-separated:
 *   ns  PID NETNS_INODE              the namespace of PID was entered
 *   s   PID PROTO FAMILY ADDR PORT SOCKET_INODE   a TCP LISTEN or unconnected UDP socket
 *   err PID ERRNO_NAME STEP          PID could not be read (the rest goes on)
 *   o   SOCKET_INODE PID             a process in one of those namespaces holds the socket
 * Exit status: 0, or 2 for a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define TCP_LISTEN 10
#define TCP_CLOSE 7
#define MAX_NS 8192
#define MAX_SOCKS 262144

static unsigned long ns_inodes[MAX_NS];
static int ns_count;
static unsigned long sock_inodes[MAX_SOCKS];
static int sock_count;

static int cmp_ul(const void *a, const void *b) {
  unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
  return x < y ? -1 : x > y;
}

static int has(unsigned long *set, int n, unsigned long v) {
  return bsearch(&v, set, n, sizeof v, cmp_ul) != NULL;
}

static const char *errname(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    default: return "EIO";
  }
}

/* One SOCK_DIAG dump: sockets of one protocol and family in the current netns. */
static int dump(long pid, int proto, int family) {
  int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (nl < 0) return -errno;
  struct {
    struct nlmsghdr nlh;
    struct inet_diag_req_v2 r;
  } req;
  memset(&req, 0, sizeof req);
  req.nlh.nlmsg_len = sizeof req;
  req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.r.sdiag_family = family;
  req.r.sdiag_protocol = proto;
  req.r.idiag_states = proto == IPPROTO_TCP ? (1u << TCP_LISTEN) : (1u << TCP_CLOSE);
  if (send(nl, &req, sizeof req, 0) < 0) {
    int e = errno;
    close(nl);
    return -e;
  }
  static char buf[65536];
  int done = 0, rc = 0;
  while (!done) {
    ssize_t len = recv(nl, buf, sizeof buf, 0);
    if (len < 0) {
      if (errno == EINTR) continue;
      rc = -errno;
      break;
    }
    if (len == 0) break;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE) { done = 1; break; }
      if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *err = NLMSG_DATA(h);
        rc = err->error;
        done = 1;
        break;
      }
      struct inet_diag_msg *m = NLMSG_DATA(h);
      /* Unconnected UDP only: a connected socket has a peer port. */
      if (proto == IPPROTO_UDP && m->id.idiag_dport != 0) continue;
      char addr[INET6_ADDRSTRLEN];
      if (!inet_ntop(family, m->id.idiag_src, addr, sizeof addr)) continue;
      printf("s %ld %s %d %s %u %u\n", pid, proto == IPPROTO_TCP ? "tcp" : "udp", family == AF_INET ? 4 : 6, addr,
             ntohs(m->id.idiag_sport), m->idiag_inode);
      if (sock_count < MAX_SOCKS && m->idiag_inode) sock_inodes[sock_count++] = m->idiag_inode;
    }
  }
  close(nl);
  return rc;
}

/* Which process holds each socket we reported: walk /proc/<pid>/fd of processes in those namespaces. */
static void owners(void) {
  qsort(ns_inodes, ns_count, sizeof *ns_inodes, cmp_ul);
  qsort(sock_inodes, sock_count, sizeof *sock_inodes, cmp_ul);
  DIR *proc = opendir("/proc");
  if (!proc) return;
  struct dirent *d;
  char path[64], link[64];
  while ((d = readdir(proc))) {
    char *end;
    long pid = strtol(d->d_name, &end, 10);
    if (*end || pid <= 0) continue;
    struct stat st;
    snprintf(path, sizeof path, "/proc/%ld/ns/net", pid);
    if (stat(path, &st) < 0 || !has(ns_inodes, ns_count, st.st_ino)) continue;
    snprintf(path, sizeof path, "/proc/%ld/fd", pid);
    DIR *fds = opendir(path);
    if (!fds) continue;
    struct dirent *f;
    int seen = 0;
    while ((f = readdir(fds)) && seen < 65536) {
      if (f->d_name[0] == '.') continue;
      seen++;
      char fdpath[320];
      snprintf(fdpath, sizeof fdpath, "/proc/%ld/fd/%s", pid, f->d_name);
      ssize_t n = readlink(fdpath, link, sizeof link - 1);
      if (n <= 0) continue;
      link[n] = 0;
      unsigned long ino;
      if (sscanf(link, "socket:[%lu]", &ino) == 1 && has(sock_inodes, sock_count, ino)) printf("o %lu %ld\n", ino, pid);
    }
    closedir(fds);
  }
  closedir(proc);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PID...\n", argv[0]);
    return 2;
  }
  static const int protos[2] = {IPPROTO_TCP, IPPROTO_UDP};
  static const int families[2] = {AF_INET, AF_INET6};
  for (int i = 1; i < argc; i++) {
    char *end;
    long pid = strtol(argv[i], &end, 10);
    if (*end || pid <= 0) {
      fprintf(stderr, "not a pid: %s\n", argv[i]);
      return 2;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/ns/net", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      printf("err %ld %s open\n", pid, errname(errno));
      continue;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || setns(fd, CLONE_NEWNET) < 0) {
      printf("err %ld %s setns\n", pid, errname(errno));
      close(fd);
      continue;
    }
    close(fd);
    printf("ns %ld %lu\n", pid, (unsigned long)st.st_ino);
    if (ns_count < MAX_NS) ns_inodes[ns_count++] = st.st_ino;
    for (int p = 0; p < 2; p++)
      for (int f = 0; f < 2; f++) {
        int rc = dump(pid, protos[p], families[f]);
        /* No IPv6 in the kernel or namespace is not an error worth reporting. */
        if (rc < 0 && !(families[f] == AF_INET6 && (rc == -ENOENT || rc == -EAFNOSUPPORT || rc == -EINVAL)))
          printf("err %ld %s dump\n", pid, errname(-rc));
      }
  }
  owners();
  return fflush(stdout) == 0 ? 0 : 1;
}
