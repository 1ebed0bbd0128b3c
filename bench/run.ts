// npm run bench — scan and probe timings against docker CLI baselines, measured in the same run.
//   1. the lab as it is; 2. the lab plus 100 small containers on five networks (10 % of them
//   sharing another's namespace, as in shared/docs/performance-facts.md).
// Reports medians and ratios; writes bench/results/<date>.json. Everything it creates is removed.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DockerClient } from '../lib/docker/client';
import { parseDockerHost } from '../lib/docker/endpoint';
import { readNetnsFacts } from '../lib/netns/reader';
import { netnsTargets, scanOnce } from '../lib/scanner';
import { mapLimit } from '../lib/util/concurrency';
import { probeBench } from './probe';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const EXTRA = Number(process.env.BENCH_CONTAINERS ?? 100);
const PREFIX = 'reachmap-bench';
const IMAGE = process.env.BENCH_IMAGE ?? 'reachmap-lab/busybox:local';
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
  const r = {
    name,
    containers: count,
    baselineMs: baseline,
    cliMs: cli,
    warmMs: warm,
    engineMs: engine,
    netnsNetlinkMs: netlink,
    netnsProcMs: proc,
  };
  console.log(
    `  ratios vs baseline — warm scan ${(warm / baseline).toFixed(2)}, fresh CLI ${(cli / baseline).toFixed(2)}; /proc path / netlink helper ${(proc / netlink).toFixed(1)}×`,
  );
  return r;
}

async function createFleet(n: number) {
  console.log(`\ncreating ${n} containers on 5 networks (10 % share a namespace)…`);
  for (let i = 0; i < 5; i++)
    execFileSync('docker', ['network', 'create', '--label', `${PREFIX}=1`, `${PREFIX}-net${i}`], {
      stdio: 'ignore',
    });
  const owners = Math.round(n * 0.9);
  const t0 = performance.now();
  await mapLimit(
    Array.from({ length: owners }, (_, i) => i),
    4,
    (i) =>
      execFileP('docker', [
        'run',
        '-d',
        '--label',
        `${PREFIX}=1`,
        '--name',
        `${PREFIX}-${i}`,
        '--network',
        `${PREFIX}-net${i % 5}`,
        IMAGE,
        'httpd',
        '-f',
        '-p',
        i % 3 === 0 ? '127.0.0.1:8080' : '8080',
        '-h',
        '/tmp',
      ]),
  );
  await mapLimit(
    Array.from({ length: n - owners }, (_, i) => i),
    4,
    (i) =>
      execFileP('docker', [
        'run',
        '-d',
        '--label',
        `${PREFIX}=1`,
        '--name',
        `${PREFIX}-side-${i}`,
        '--network',
        `container:${PREFIX}-${i}`,
        IMAGE,
        'sleep',
        '3600',
      ]),
  );
  console.log(`  created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function removeFleet() {
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=${PREFIX}=1`])
    .toString()
    .trim()
    .split('\n')
    .filter(Boolean);
  if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  const nets = execFileSync('docker', ['network', 'ls', '-q', '--filter', `label=${PREFIX}=1`])
    .toString()
    .trim()
    .split('\n')
    .filter(Boolean);
  if (nets.length) execFileSync('docker', ['network', 'rm', ...nets], { stdio: 'ignore' });
}

async function main() {
  console.log(`Reachmap bench — ${RUNS} runs each, medians (${new Date().toISOString()})`);
  removeFleet();
  const results: unknown[] = [await scenario('lab')];
  const probes = await probeBench(client, RUNS, measure);
  try {
    await createFleet(EXTRA);
    results.push(await scenario(`lab + ${EXTRA}`));
  } finally {
    removeFleet();
  }
  const out = path.join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = path.join(out, `scan-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ runs: RUNS, scans: results, probes }, null, 2)}\n`);
  console.log(`\nwritten ${path.relative(ROOT, file)}`);
}

main().catch((e) => {
  console.error(e);
  removeFleet();
  process.exit(1);
});
