// The benchmark fleet: N small containers (busybox httpd) made once per bench run, spread as
// a real host is: most in compose projects of uneven size on their own networks, the rest on
// five plain networks; 10 % share another's namespace; a third publish on 127.0.0.1.
//   npx tsx bench/fleet.ts create 500   |   npx tsx bench/fleet.ts remove
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mapLimit } from '../lib/util/concurrency';

export const PREFIX = 'reachmap-bench';
const IMAGE = process.env.BENCH_IMAGE ?? 'reachmap-lab/busybox:local';
const execFileP = promisify(execFile);

const PLAIN_NETS = 5;

/** Project of container i: 80 % in ~12-container projects (sizes vary), the rest plain. */
function projectOf(i: number, n: number): string | null {
  if (i >= Math.round(n * 0.8)) return null;
  const projects = Math.max(1, Math.round((n * 0.8) / 12));
  // Uneven: project p takes a share proportional to 1 + (p mod 5).
  const weights = Array.from({ length: projects }, (_, p) => 1 + (p % 5));
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let p = 0; p < projects; p++) {
    acc += ((weights[p] as number) / total) * n * 0.8;
    if (i < acc) return `${PREFIX}-p${String(p + 1).padStart(2, '0')}`;
  }
  return `${PREFIX}-p01`;
}

function dockerArgs(i: number, n: number, shareWith: string | null): string[] {
  const project = projectOf(i, n);
  const labels = ['--label', `${PREFIX}=1`];
  if (project)
    labels.push(
      '--label',
      `com.docker.compose.project=${project}`,
      '--label',
      `com.docker.compose.service=svc${i}`,
    );
  const net = shareWith
    ? `container:${shareWith}`
    : project
      ? `${project}_default`
      : `${PREFIX}-net${i % PLAIN_NETS}`;
  const publish = !shareWith && i % 3 === 0 ? ['-p', `127.0.0.1::8080`] : [];
  const cmd = shareWith ? ['sleep', '86400'] : ['httpd', '-f', '-p', '8080', '-h', '/tmp'];
  return ['run', '-d', ...labels, '--name', `${PREFIX}-${i}`, '--network', net, ...publish, IMAGE, ...cmd];
}

export async function createFleet(n: number, parallel = 6): Promise<number> {
  const t0 = performance.now();
  const nets = new Set<string>();
  for (let i = 0; i < n; i++) {
    const p = projectOf(i, n);
    nets.add(p ? `${p}_default` : `${PREFIX}-net${i % PLAIN_NETS}`);
  }
  // Explicit /24s: Docker's default pools hold only about 30 networks.
  [...nets].forEach((net, k) => {
    const project = net.endsWith('_default') ? net.slice(0, -'_default'.length) : null;
    execFileSync(
      'docker',
      [
        'network',
        'create',
        '--subnet',
        `10.213.${k}.0/24`,
        '--label',
        `${PREFIX}=1`,
        ...(project ? ['--label', `com.docker.compose.project=${project}`] : []),
        net,
      ],
      { stdio: 'ignore' },
    );
  });
  // Every tenth container joins the namespace of the one before it (compose network_mode: service:X).
  const owners = Array.from({ length: n }, (_, i) => i).filter((i) => i % 10 !== 9);
  const sharers = Array.from({ length: n }, (_, i) => i).filter((i) => i % 10 === 9);
  let done = 0;
  const step = async (i: number, share: string | null) => {
    await execFileP('docker', dockerArgs(i, n, share));
    if (++done % 50 === 0) console.log(`  … ${done}/${n} containers`);
  };
  await mapLimit(owners, parallel, (i) => step(i, null));
  await mapLimit(sharers, parallel, (i) => step(i, `${PREFIX}-${i - 1}`));
  return performance.now() - t0;
}

export function fleetIds(): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=${PREFIX}=1`])
    .toString()
    .trim()
    .split('\n')
    .filter(Boolean);
}

export function removeFleet(): void {
  const ids = fleetIds();
  // Small batches: Docker 20.10 can leave a stale endpoint behind (the network then refuses
  // removal until dockerd restarts) when hundreds of containers are torn down at once.
  for (let i = 0; i < ids.length; i += 25)
    execFileSync('docker', ['rm', '-f', ...ids.slice(i, i + 25)], { stdio: 'ignore' });
  const nets = execFileSync('docker', ['network', 'ls', '-q', '--filter', `label=${PREFIX}=1`])
    .toString()
    .trim()
    .split('\n')
    .filter(Boolean);
  // One at a time: a network whose last endpoint is still being torn down refuses removal
  // for a moment; it is retried, then reported (restarting dockerd clears a stale endpoint).
  for (const net of nets)
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        execFileSync('docker', ['network', 'rm', net], { stdio: 'ignore' });
        break;
      } catch {
        if (attempt === 2)
          console.error(`bench: could not remove network ${net} (restart dockerd to clear it)`);
        else execFileSync('sleep', ['2']);
      }
    }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [cmd, count] = process.argv.slice(2);
  if (cmd === 'create') {
    const n = Number(count ?? 500);
    if (!Number.isInteger(n) || n < 1 || n > 5000) throw new Error('usage: fleet.ts create N (1–5000)');
    removeFleet();
    createFleet(n).then((ms) => console.log(`created ${n} in ${(ms / 1000).toFixed(1)} s`));
  } else if (cmd === 'remove') removeFleet();
  else console.error('usage: npx tsx bench/fleet.ts create N | remove');
}
