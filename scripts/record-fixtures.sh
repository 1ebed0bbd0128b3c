#!/usr/bin/env bash
# Re-records the unit-test fixtures from the lab on a real engine (a developer tool; the
# tests themselves never need a live engine). Leaves the lab as `lab:up` made it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
lab() { bash e2e/lab/lab.sh "$@"; }
rec() { npx tsx scripts/record-fixture.ts "$1" --project reachmap-lab; }
id_of() { docker ps -aq --filter label=com.docker.compose.project=reachmap-lab --filter "label=com.docker.compose.service=$1" | head -1; }
settle() { sleep "${1:-2}"; }

lab up >/dev/null
settle 3
rec lab
npx tsx scripts/record-probes.ts probes-lab
# The packet filter as Docker programs it, with and without a DOCKER-USER reject.
iptables-save >test/fixtures/iptables-lab.txt
gwip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$(id_of gateway)")
iptables -I DOCKER-USER -d "$gwip/32" -p tcp --dport 18789 -j REJECT
iptables-save >test/fixtures/iptables-lab-reject.txt
iptables -D DOCKER-USER -d "$gwip/32" -p tcp --dport 18789 -j REJECT

docker stop -t 1 "$(id_of multi)" >/dev/null; settle 1
rec lab-multi-stopped
docker start "$(id_of multi)" >/dev/null

docker restart -t 1 "$(id_of gateway-loopback)" >/dev/null; settle 2
rec lab-gateway-restarted
docker restart -t 1 "$(id_of cli-sidecar)" >/dev/null

lab compose up -d --force-recreate --no-deps gateway-loopback >/dev/null 2>&1; settle 2
rec lab-gateway-recreated
lab compose up -d --force-recreate --no-deps cli-sidecar >/dev/null 2>&1

# A rolling update caught half-way: a second replica of `gateway` with another config.
gw=$(id_of gateway)
net=$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' "$gw")
docker run -d --name reachmap-fixture-gateway-new --network "$net" --network-alias gateway \
  --label com.docker.compose.project=reachmap-lab --label com.docker.compose.service=gateway \
  --label com.docker.compose.container-number=2 --label com.docker.compose.config-hash=0000feedbeef0000 \
  --label com.docker.compose.oneoff=False -e GATEWAY_BIND=0.0.0.0 -e GATEWAY_NAME=gateway-new \
  -v "$ROOT/e2e/lab/gateway:/lab:ro" reachmap-lab/node:local node /lab/gateway.mjs >/dev/null
settle 2
rec rolling-update
docker rm -f reachmap-fixture-gateway-new >/dev/null

# Two host-network containers on one port: the second cannot bind and exits.
docker run -d --name reachmap-fixture-hostclash --network host --expose 28791 --label reachmap.fixture=true \
  reachmap-lab/busybox:local httpd -f -p 127.0.0.1:28791 -h /tmp >/dev/null || true
settle 2
rec host-port-collision
docker rm -f reachmap-fixture-hostclash >/dev/null

lab up >/dev/null
# Runbooks for the Markdown golden tests (test/unit/runbook.test.ts; UPDATE_GOLDEN=1 rewrites the .md).
npx tsx scripts/record-runbook.ts runbook-origin client ws://gateway:18789/ https://evil.example
npx tsx scripts/record-runbook.ts runbook-loopback client http://gateway-loopback:18789/
npx tsx scripts/record-runbook.ts runbook-proxy client http://proxy-upgrade/ https://gateway.example.test
echo "fixtures recorded in test/fixtures/"
