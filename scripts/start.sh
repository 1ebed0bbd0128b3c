#!/usr/bin/env bash
# npm start — install what is missing, build if sources changed, start the dashboard.
# Flags pass through: npm start -- --port 8080 --docker-host tcp://127.0.0.1:2375
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node
ensure_deps
ensure_build
cd "$ROOT"
NODE_ENV=production exec node dist/server.js "$@"
