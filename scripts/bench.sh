#!/usr/bin/env bash
# npm run bench — needs the engine, the lab and a build; brings up what is missing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_deps
ensure_build
cd "$ROOT"
docker info >/dev/null 2>&1 || { echo "bench: no Docker engine reachable (npm test provisions one)" >&2; exit 1; }
bash e2e/lab/lab.sh up >/dev/null
npx tsx bench/run.ts "$@"
