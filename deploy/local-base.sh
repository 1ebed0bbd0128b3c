#!/usr/bin/env bash
# The Dockerfile's two base images, made on a machine that reaches no image registry (CI
# here): Debian's mirror for the system (debootstrap) and this machine's Node ≥ 22.
#   reachmap-base/runtime:local  as node:24-bookworm-slim — Debian bookworm minbase + node
#   reachmap-base/build:local    as node:24-bookworm      — the same + gcc, libc headers, npm
# An image is remade only when its inputs change (a label holds their hash).
# Usage: deploy/local-base.sh   (prints the two tags)
set -euo pipefail
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm
RUNTIME_TAG=reachmap-base/runtime:local
BUILD_TAG=reachmap-base/build:local

say() { printf '\033[1;34m[reachmap image]\033[0m %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "local-base: '$1' not found ($2)" >&2; exit 1; }; }
need debootstrap "apt-get install debootstrap"
need docker "the Docker CLI"
need node "Node ≥ 22"
need npm "npm"
NODE_BIN="$(readlink -f "$(command -v node)")"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 22 ] || { echo "local-base: Node ≥ 22 needed, found $(node -v)" >&2; exit 1; }
NPM_VERSION="${LOCAL_BASE_NPM:-11}"
# A distribution's node links libnode.so and friends; the base gets the binary alone.
if ldd "$NODE_BIN" 2>/dev/null | grep -q libnode; then
  echo "local-base: $NODE_BIN links libnode (a distribution build); use an official Node binary (npm start puts one in .tools/)" >&2
  exit 1
fi

# This machine's own CAs (an egress proxy that intercepts TLS, say) go into the build base, so
# npm there reaches the registry as it does here.
LOCAL_CAS=(/usr/local/share/ca-certificates/*.crt)
[ -e "${LOCAL_CAS[0]}" ] || LOCAL_CAS=()
hash=$( (sha256sum "$0" "$NODE_BIN" ${LOCAL_CAS[@]+"${LOCAL_CAS[@]}"}; echo "$MIRROR $SUITE $NPM_VERSION") | sha256sum | cut -c1-16)
current() { docker image inspect -f '{{index .Config.Labels "reachmap.base.hash"}}' "$1" 2>/dev/null || true; }
if [ "$(current "$RUNTIME_TAG")" = "$hash" ] && [ "$(current "$BUILD_TAG")" = "$hash" ]; then
  say "base images are up to date"
  echo "$RUNTIME_TAG $BUILD_TAG"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

say "debootstrap $SUITE (minbase) from $MIRROR"
debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; exit 1; }
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
install -D -m 0755 "$NODE_BIN" "$root/usr/local/bin/node"

import_image() { # import ROOT TAG [ENV…]
  local root=$1 tag=$2; shift 2
  local extra=()
  for e in "$@"; do extra+=(-c "ENV $e"); done
  tar -C "$root" -c . | docker import ${extra[@]+"${extra[@]}"} \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c "LABEL reachmap.base.hash=$hash" -c 'CMD ["node"]' - "$tag" >/dev/null
}
say "importing $RUNTIME_TAG (Node $(node -v))"
import_image "$root" "$RUNTIME_TAG"

say "adding gcc and npm@$NPM_VERSION for $BUILD_TAG"
cp /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" apt-get update -qq >/dev/null
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  gcc libc6-dev ca-certificates >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; exit 1; }
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
if [ ${#LOCAL_CAS[@]} -gt 0 ]; then
  cp "${LOCAL_CAS[@]}" "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1
fi
: >"$root/etc/resolv.conf"
npm install -g --prefix "$root/usr/local" --no-audit --no-fund --loglevel=error "npm@$NPM_VERSION" >/dev/null
import_image "$root" "$BUILD_TAG" NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
say "built $RUNTIME_TAG and $BUILD_TAG"
echo "$RUNTIME_TAG $BUILD_TAG"
