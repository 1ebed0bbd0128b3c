/*
 * reachmap-netns-listeners — listening sockets of many network namespaces, cheaply.
 *
 * Reading /proc/<pid>/net/tcp costs 1.5–2 ms per read whatever the namespace holds (the
 * kernel walks its global established hash); a NETLINK_SOCK_DIAG dump of LISTEN sockets
 * does not (shared/docs/performance-facts.md: ~55x cheaper). Node cannot setns(2), so this
 * small program enters each namespace in turn and asks the kernel there.
 *
 * Usage: reachmap-netns-listeners [--no-owners] [--known=INODE,INODE,...]... PID...   (root: setns needs CAP_SYS_ADMIN)
 * --known: sockets whose holder the caller already knows; the walk of /proc/<pid>/fd (the
 * expensive part) skips them, and stops at once when every socket reported is known.
 * --no-owners: the namespaces and their sockets only (the benchmark's floor).
 * Each namespace is dumped once, through the first PID that lives in it.
 * Output, one record per line, space-separated:
 *   ns  PID NETNS_INODE CGID         PID lives in that netns; CGID is the container id in
 *                                    its cgroup path, or "-"
 *   s   PID PROTO FAMILY ADDR PORT SOCKET_INODE V6ONLY   a TCP LISTEN or unconnected UDP
 *                                    socket of the namespace first entered through PID;
 *                                    V6ONLY is 1 for an IPv6 socket with IPV6_V6ONLY (it
 *                                    takes no IPv4 connections: ss shows [::], not *), else 0
 *   err PID ERRNO_NAME STEP          PID could not be read (the rest goes on)
 *   o   SOCKET_INODE PID CGID NAME   a process in one of those namespaces holds the socket
 * Exit status: 0, or 2 for a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
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

/* Index of v in a sorted set, or -1. */
static long find(unsigned long *set, int n, unsigned long v) {
  unsigned long *p = bsearch(&v, set, n, sizeof v, cmp_ul);
  return p ? p - set : -1;
}

static unsigned char sock_owned[MAX_SOCKS];

#define MAX_KNOWN 262144
static unsigned long known[MAX_KNOWN];
static int known_count;
static int no_owners;

/* "--known=1,2,3" (repeatable: one argument holds at most 128 KiB) → `known`, sorted in main. */
static void parse_known(const char *list) {
  while (*list && known_count < MAX_KNOWN) {
    char *end;
    unsigned long v = strtoul(list, &end, 10);
    if (end == list) break;
    known[known_count++] = v;
    list = *end == ',' ? end + 1 : end;
  }
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

/* The Docker container id in /proc/PID/cgroup (v1 ".../docker/<id>", v2 ".../docker-<id>.scope"). */
static void cgroup_id(long pid, char out[65]) {
  char path[64], buf[4096];
  strcpy(out, "-");
  snprintf(path, sizeof path, "/proc/%ld/cgroup", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return;
  buf[n] = 0;
  for (ssize_t i = 1; i + 64 <= n; i++) {
    if (buf[i - 1] != '/' && buf[i - 1] != '-') continue;
    ssize_t j = i;
    while (j < n && j - i < 65 && ((buf[j] >= '0' && buf[j] <= '9') || (buf[j] >= 'a' && buf[j] <= 'f'))) j++;
    if (j - i == 64 && (j == n || buf[j] == '.' || buf[j] == '/' || buf[j] == '\n')) {
      memcpy(out, buf + i, 64);
      out[64] = 0;
      return;
    }
  }
}

/* comm, except where a runtime renamed its main thread (Node 24: "MainThread"): then the exe's name. */
static void process_name(long pid, char *out, size_t size) {
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%ld/comm", pid);
  snprintf(out, size, "?");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n > 0) {
      while (n > 0 && (buf[n - 1] == '\n')) n--;
      buf[n] = 0;
      snprintf(out, size, "%s", buf);
    }
  }
  if (strcmp(out, "MainThread") == 0) {
    snprintf(path, sizeof path, "/proc/%ld/exe", pid);
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n > 0) {
      buf[n] = 0;
      char *del = strstr(buf, " (deleted)");
      if (del) *del = 0;
      char *base = strrchr(buf, '/');
      snprintf(out, size, "%s", base ? base + 1 : buf);
    }
  }
}

/*
 * Names come from the container (comm via prctl, the executable's file name): keep them to
 * one printable token so they cannot break the line protocol or forge records.
 */
static void sanitize(char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e) *s = '?';
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
      /* The kernel attaches INET_DIAG_SKV6ONLY to every AF_INET6 socket it reports. */
      int v6only = 0;
      int rtalen = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof *m);
      for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, rtalen); a = RTA_NEXT(a, rtalen))
        if (a->rta_type == INET_DIAG_SKV6ONLY && RTA_PAYLOAD(a) >= 1) v6only = *(unsigned char *)RTA_DATA(a) != 0;
      printf("s %ld %s %d %s %u %u %d\n", pid, proto == IPPROTO_TCP ? "tcp" : "udp", family == AF_INET ? 4 : 6, addr,
             ntohs(m->id.idiag_sport), m->idiag_inode, v6only);
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
  /* Stop walking as soon as every socket has a holder: the walk is the expensive part. */
  int remaining = sock_count;
  for (int i = 0; i < sock_count; i++)
    if (has(known, known_count, sock_inodes[i])) {
      sock_owned[i] = 1;
      remaining--;
    }
  DIR *proc = opendir("/proc");
  if (!proc) return;
  struct dirent *d;
  char path[64], link[64];
  while (remaining > 0 && (d = readdir(proc))) {
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
    char name[256] = "", cgid[65];
    while ((f = readdir(fds)) && seen < 65536) {
      if (f->d_name[0] == '.') continue;
      seen++;
      char fdpath[320];
      snprintf(fdpath, sizeof fdpath, "/proc/%ld/fd/%s", pid, f->d_name);
      ssize_t n = readlink(fdpath, link, sizeof link - 1);
      if (n <= 0) continue;
      link[n] = 0;
      unsigned long ino;
      long idx;
      if (sscanf(link, "socket:[%lu]", &ino) == 1 && (idx = find(sock_inodes, sock_count, ino)) >= 0) {
        if (!sock_owned[idx]) {
          sock_owned[idx] = 1;
          remaining--;
        }
        if (!name[0]) {
          process_name(pid, name, sizeof name);
          sanitize(name);
          cgroup_id(pid, cgid);
        }
        printf("o %lu %ld %s %s\n", ino, pid, cgid, name);
      }
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
    if (strcmp(argv[i], "--no-owners") == 0) {
      no_owners = 1;
      continue;
    }
    if (strncmp(argv[i], "--known=", 8) == 0) {
      parse_known(argv[i] + 8);
      continue;
    }
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
    if (fstat(fd, &st) < 0) {
      printf("err %ld %s stat\n", pid, errname(errno));
      close(fd);
      continue;
    }
    char cgid[65];
    cgroup_id(pid, cgid);
    printf("ns %ld %lu %s\n", pid, (unsigned long)st.st_ino, cgid);
    int known = 0;
    for (int k = 0; k < ns_count; k++) known |= ns_inodes[k] == st.st_ino;
    if (known) {
      close(fd);
      continue;
    }
    if (setns(fd, CLONE_NEWNET) < 0) {
      printf("err %ld %s setns\n", pid, errname(errno));
      close(fd);
      continue;
    }
    close(fd);
    if (ns_count < MAX_NS) ns_inodes[ns_count++] = st.st_ino;
    for (int p = 0; p < 2; p++)
      for (int f = 0; f < 2; f++) {
        int rc = dump(pid, protos[p], families[f]);
        /* No IPv6 in the kernel or namespace is not an error worth reporting. */
        if (rc < 0 && !(families[f] == AF_INET6 && (rc == -ENOENT || rc == -EAFNOSUPPORT || rc == -EINVAL)))
          printf("err %ld %s dump\n", pid, errname(-rc));
      }
  }
  qsort(known, known_count, sizeof *known, cmp_ul);
  if (!no_owners) owners();
  return fflush(stdout) == 0 ? 0 : 1;
}
