#!/usr/bin/env bash
# npm test — the whole suite on a real engine and a real browser:
# lint + types, unit tests, build, the lab up, integration tests, Playwright, lab down.
# Stops whatever it started (the lab, and dockerd if it had to start one).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

cleanup() {
  local rc=$?
  if [ "${LAB_STARTED:-0}" = 1 ] && [ "${KEEP_LAB:-0}" != 1 ]; then bash e2e/lab/lab.sh down >/dev/null 2>&1 || true; fi
  if [ -f "$TOOLS/started" ]; then
    while read -r what pid; do
      [ "$what" = dockerd ] || continue
      log "stopping the dockerd this run started (pid $pid)"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    done <"$TOOLS/started"
    rm -f "$TOOLS/started"
  fi
  exit $rc
}
trap cleanup EXIT

ensure_node
rm -f "$TOOLS/started"
bash scripts/provision.sh
ensure_deps

log "lint and types"
npx biome check --error-on-warnings .
npx tsc --noEmit

log "unit tests"
npx vitest run --project unit

log "build"
npm run build --silent

log "lab up"
LAB_STARTED=1
bash e2e/lab/lab.sh up

log "integration tests (real engine)"
npx vitest run --project integration

log "browser tests (Chromium)"
npx playwright test

log "all tests passed"
