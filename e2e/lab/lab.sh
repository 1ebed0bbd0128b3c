#!/usr/bin/env bash
# npm run lab:up / lab:down — build the lab's local images and start or remove the lab.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export COMPOSE_PROJECT_NAME="${LAB_PROJECT:-reachmap-lab}"
export LAB_NODE_IMAGE="${LAB_NODE_IMAGE:-reachmap-lab/node:local}"
export LAB_BUSYBOX_IMAGE="${LAB_BUSYBOX_IMAGE:-reachmap-lab/busybox:local}"
export LAB_NGINX_IMAGE="${LAB_NGINX_IMAGE:-reachmap-lab/nginx:local}"

compose() {
  if docker compose version >/dev/null 2>&1; then docker compose -f "$here/compose.yaml" "$@"
  elif command -v docker-compose >/dev/null 2>&1; then docker-compose -f "$here/compose.yaml" "$@"
  else echo "lab: neither 'docker compose' nor 'docker-compose' is installed (apt-get install docker-compose)" >&2; exit 1; fi
}

case "${1:-}" in
  up)
    "$here/images/build.sh"
    compose up -d --remove-orphans --force-recreate
    # Ready = every container running and every healthcheck reported healthy (the tests
    # assert on health, so "starting" is not good enough).
    ids=$(compose ps -q)
    for _ in $(seq 1 120); do
      states=$(echo "$ids" | xargs docker inspect -f '{{.State.Running}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}')
      if ! echo "$states" | grep -qv '^true \(healthy\|none\)$'; then break; fi
      sleep 0.5
    done
    compose ps
    ;;
  down)
    compose down --remove-orphans --timeout 2
    ;;
  ps) compose ps ;;
  compose) shift; compose "$@" ;;
  *) echo "usage: lab.sh up|down|ps|compose ARGS" >&2; exit 2 ;;
esac
