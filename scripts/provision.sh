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
# Tests make a throwaway self-signed certificate for a TLS upstream.
command -v openssl >/dev/null || missing+=(openssl)
# The netlink listener helper is C (native/); without a compiler Reachmap falls back to /proc.
{ command -v cc >/dev/null && [ -f /usr/include/linux/inet_diag.h ]; } || missing+=(gcc libc6-dev)
# An ssh:// engine is tested against an sshd on loopback (test/integration/sshEngine.test.ts).
command -v ssh >/dev/null || missing+=(openssh-client)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
# A Caddy reverse proxy for the proxy tests (test/integration/caddy.test.ts), from its static binary.
command -v caddy >/dev/null || missing+=(caddy)
# The image test makes its base images from Debian's mirror (no image registry here).
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  [ "$(id -u)" = 0 ] || { echo "root is needed to install ${missing[*]} (or install them yourself)" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

engine_up() { docker info >/dev/null 2>&1; }
if ! engine_up && pgrep -x dockerd >/dev/null; then
  # A dockerd is starting or shutting down: give it a moment before deciding.
  for _ in $(seq 1 30); do engine_up && break; pgrep -x dockerd >/dev/null || break; sleep 0.5; done
fi
if ! engine_up; then
  if ! pgrep -x dockerd >/dev/null; then
    # Left behind by a dockerd that was killed (e.g. when a previous session ended).
    rm -f /var/run/docker.pid
    pkill -f 'containerd --config /var/run/docker/containerd/containerd.toml' 2>/dev/null || true
  fi
  log "starting dockerd (log: $TOOLS/dockerd.log)"
  dockerd >"$TOOLS/dockerd.log" 2>&1 &
  echo "dockerd $!" >>"$TOOLS/started"
  for _ in $(seq 1 60); do engine_up && break; sleep 0.5; done
  engine_up || { echo "dockerd did not come up; see $TOOLS/dockerd.log" >&2; tail -20 "$TOOLS/dockerd.log" >&2; exit 1; }
fi
log "Docker $(docker version -f '{{.Server.Version}}') ready"
