#!/usr/bin/env bash
# What the tests need on a fresh Debian machine: a Docker engine (started if none runs),
# docker-compose, Chromium, and the host binaries the lab's images are built from.
# Records what it started in .tools/started so test.sh can stop it again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mkdir -p "$TOOLS"

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker >/dev/null || missing+=(docker.io)
{ docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null; } || missing+=(docker-compose)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v busybox >/dev/null || missing+=(busybox-static)
command -v nginx >/dev/null || missing+=(nginx-light)
command -v nsenter >/dev/null || missing+=(util-linux)
command -v iptables >/dev/null || missing+=(iptables)
# The netlink listener helper is C (native/); without a compiler Reachmap falls back to /proc.
{ command -v cc >/dev/null && [ -f /usr/include/linux/inet_diag.h ]; } || missing+=(gcc libc6-dev)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  [ "$(id -u)" = 0 ] || { echo "root is needed to install ${missing[*]} (or install them yourself)" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  [ -S /var/run/docker.sock ] && [ -z "${DOCKER_HOST:-}" ] && log "stale docker socket; starting dockerd anyway"
  log "starting dockerd (log: $TOOLS/dockerd.log)"
  dockerd >"$TOOLS/dockerd.log" 2>&1 &
  echo "dockerd $!" >>"$TOOLS/started"
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not come up; see $TOOLS/dockerd.log" >&2; tail -20 "$TOOLS/dockerd.log" >&2; exit 1; }
fi
log "Docker $(docker version -f '{{.Server.Version}}') ready"
