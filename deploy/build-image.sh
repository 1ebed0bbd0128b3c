#!/usr/bin/env bash
# Builds the Reachmap image on a machine that reaches no image registry (CI here): the
# bases come from deploy/local-base.sh; npm and Debian packages from their registries, so
# the build's RUN steps share this machine's network. With a registry, plain
# `docker build -t reachmap:local .` (or compose's --build) is all it takes.
# Usage: deploy/build-image.sh [TAG]   (default reachmap:local)
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-${REACHMAP_IMAGE:-reachmap:local}}"
tags=$(bash deploy/local-base.sh | tail -1)
read -r runtime build <<<"$tags"
log="${TMPDIR:-/tmp}/reachmap-image-build.log"
printf '\033[1;34m[reachmap image]\033[0m building %s on %s / %s (a few minutes; log: %s)\n' "$tag" "$build" "$runtime" "$log" >&2
docker build --network host --force-rm \
  --build-arg "BUILD_IMAGE=$build" --build-arg "RUNTIME_IMAGE=$runtime" \
  -t "$tag" . >"$log" 2>&1 || { tail -40 "$log" >&2; echo "image build failed (log: $log)" >&2; exit 1; }
docker image inspect -f '{{.Id}} {{.Size}}' "$tag"
