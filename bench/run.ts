// npm run bench — scan and probe timings against docker CLI baselines, measured in the same run.
//   1. the lab as it is; 2. graph building for 500 and 2,000 containers from a recorded fixture;
//   3. the lab plus BENCH_CONTAINERS (default 500) small containers (bench/fleet.ts), scanned,
//   then the live path (bench/liveRun.ts): events to the browser, first view, frames, bytes, RSS;
//   4. snapshots (bench/snapshot.ts): time to take one and sizes, lab / 200 / 500 containers.
// Reports medians and ratios; writes bench/results/<date>.json. Everything it creates is removed.
// BENCH_ONLY=scan runs the scan scenarios only; BENCH_ONLY=watch the watch's cost only (bench/watchCost.ts).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DockerClient } from '../lib/docker/client';
import { parseDockerHost } from '../lib/docker/endpoint';
import { readNetnsFacts } from '../lib/netns/reader';
import { netnsTargets, scanOnce } from '../lib/scanner';
import { clientsBench } from './clients';
import { firstViewBench } from './firstView';
import { createFleet, removeFleet } from './fleet';
import { netlinkDump, rawApiScan } from './floor';
import { layoutBench } from './layout';
import { liveBench } from './liveRun';
import { probeBench } from './probe';
import { snapshotBench } from './snapshot';
import { watchCostBench } from './watchCost';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const EXTRA = Number(process.env.BENCH_CONTAINERS ?? 500);
const KEEP_FLEET = process.env.BENCH_FLEET === 'keep';
const execFileP = promisify(execFile);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function time(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function measure(label: string, fn: () => unknown | Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await time(fn));
  const m = median(xs);
  console.log(`  ${label.padEnd(58)} ${m.toFixed(1).padStart(8)} ms`);
  return m;
}

function dockerBaseline() {
  // What an operator runs by hand: every container and network, inspected by the CLI.
  const r = spawnSync('sh', [
    '-c',
    'docker inspect $(docker ps -aq) >/dev/null && docker network inspect $(docker network ls -q) >/dev/null',
  ]);
  if (r.status !== 0) throw new Error(`baseline failed: ${r.stderr}`);
}

const client = new DockerClient(parseDockerHost(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'));

async function scenario(name: string) {
  const count = execFileSync('docker', ['ps', '-aq']).toString().trim().split('\n').filter(Boolean).length;
  console.log(`\n${name}: ${count} containers`);
  const baseline = await measure('baseline: docker inspect $(docker ps -aq) + networks', dockerBaseline);
  const cli = await measure('reachmap scan --json (fresh CLI process)', () =>
    execFileP(process.execPath, [path.join(ROOT, 'bin/reachmap.mjs'), 'scan', '--json'], {
      maxBuffer: 64 << 20,
    }),
  );
  const warm = await measure('reachmap scan, warm process (engine + /proc + model)', () => scanOnce(client));
  const engine = await measure('  of which engine: list + inspect + networks', () => client.scan());
  const facts = await client.scan();
  const targets = netnsTargets(facts.containers);
  const netlink = await measure('  of which namespaces + listeners + owners (netlink helper)', () =>
    readNetnsFacts(targets),
  );
  const proc = await measure('  the same through /proc/<pid>/net/* (fallback path)', () =>
    readNetnsFacts(targets, { helper: null }),
  );
  const pids = await rawApiScan();
  const rawApi = await measure('floor: raw API scan (keep-alive, 32 in flight)', () => rawApiScan());
  const dump = await measure('floor: LISTEN-only netlink dump (no holders)', () => netlinkDump(pids));
  const r = {
    name,
    containers: count,
    baselineMs: baseline,
    cliMs: cli,
    warmMs: warm,
    engineMs: engine,
    netnsNetlinkMs: netlink,
    netnsProcMs: proc,
    floorApiMs: rawApi,
    floorNetlinkMs: dump,
  };
  console.log(
    `  ratios vs baseline — warm scan ${(warm / baseline).toFixed(2)}, fresh CLI ${(cli / baseline).toFixed(2)}; warm scan vs floor ${(warm / (rawApi + dump)).toFixed(2)}; /proc path / netlink helper ${(proc / netlink).toFixed(1)}×`,
  );
  return r;
}

/**
 * BENCH_ONLY=scan: the scan scenarios alone (lab, then lab + the fleet), for scan work.
 * BENCH_FLEET=keep measures a fleet already up (bench/fleetUp.ts) and leaves it.
 */
async function scansOnly() {
  if (KEEP_FLEET) return [await scenario(`existing fleet`)];
  const results = [await scenario('lab')];
  try {
    console.log(`\ncreating ${EXTRA} containers…`);
    console.log(`  created in ${((await createFleet(EXTRA)) / 1000).toFixed(1)} s`);
    results.push(await scenario(`lab + ${EXTRA}`));
  } finally {
    removeFleet();
  }
  return results;
}

async function main() {
  console.log(`Reachmap bench — ${RUNS} runs each, medians (${new Date().toISOString()})`);
  if (!KEEP_FLEET) removeFleet();
  if (process.env.BENCH_ONLY === 'watch') {
    console.log('\nthe watch on the lab: idle with it off, then on');
    await watchCostBench();
    return;
  }
  if (process.env.BENCH_ONLY === 'scan') {
    const scans = await scansOnly();
    const out = path.join(ROOT, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      path.join(out, `scan-only-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
      `${JSON.stringify({ runs: RUNS, scans }, null, 2)}\n`,
    );
    return;
  }
  const results: unknown[] = [await scenario('lab')];
  const probes = await probeBench(client, RUNS, measure);
  console.log('\ngraph building and layout (the lab cloned to 500 and 2,000 containers; medians of 9)');
  const layout = await layoutBench();
  console.log('\nsnapshots: take (compose + redact + gzip + durable insert), sizes; medians of 9');
  const snapshots = await snapshotBench();
  console.log('\nfirst view of 500 containers replayed (no engine load), medians of 3 loads');
  const firstViewReplay = await firstViewBench(500);
  console.log('\nfifty dashboards at once (the lab)');
  const clients = await clientsBench();
  console.log('\nthe watch on the lab: idle with it off, then on');
  const watch = await watchCostBench();
  let live: unknown = null;
  try {
    console.log(
      `\ncreating ${EXTRA} containers (compose projects and plain networks, 10 % sharing a namespace)…`,
    );
    const ms = await createFleet(EXTRA);
    console.log(`  created in ${(ms / 1000).toFixed(1)} s`);
    results.push(await scenario(`lab + ${EXTRA}`));
    live = await liveBench({
      churnSeconds: Number(process.env.BENCH_CHURN_S ?? 30),
      idleSeconds: process.env.BENCH_IDLE_S ? Number(process.env.BENCH_IDLE_S) : undefined,
    });
  } finally {
    removeFleet();
  }
  const out = path.join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = path.join(out, `scan-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ runs: RUNS, scans: results, probes, layout, snapshots, firstViewReplay, clients, watch, live }, null, 2)}\n`,
  );
  console.log(`\nwritten ${path.relative(ROOT, file)}`);
}

main().catch((e) => {
  console.error(e);
  removeFleet();
  process.exit(1);
});
