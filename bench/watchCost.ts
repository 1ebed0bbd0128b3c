// The watch's cost on the lab: the dashboard idles for BENCH_WATCH_S seconds (default 120)
// with the watch off (the baseline), then again with it on at its default 30 s interval
// (BENCH_WATCH_INTERVAL to change it); CPU of the server and its probe agents, and probes per
// minute from /metrics. Run: npx tsx bench/watchCost.ts (after npm run build, with the lab up).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const PORT = 7431;
const TOKEN = 'bench-watch-token-0123456789abcdefghijkl';
const SECONDS = Number(process.env.BENCH_WATCH_S ?? 120);
// USER_HZ: clock ticks per second in /proc/<pid>/stat on Linux.
const TICK = 100;

/** CPU seconds (user + system) of a process and every descendant alive now. */
function cpuOfTree(root: number): number {
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const s = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(p), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / TICK });
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      if (p === root) return true;
      p = stats.get(p)?.ppid ?? 0;
    }
    return false;
  };
  let total = 0;
  for (const [pid, s] of stats) if (inTree(pid)) total += s.cpu;
  return total;
}

async function metric(name: string): Promise<number | null> {
  const res = await fetch(`http://127.0.0.1:${PORT}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : null;
}

async function idle(
  watch: 'on' | 'off',
): Promise<{ cpuPercent: number; probesPerMinute: number | null; paths: number | null }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-bench-watch-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['dist/server.js', '--port', String(PORT), '--data-dir', dir],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        REACHMAP_TOKEN: TOKEN,
        REACHMAP_WATCH: watch,
        REACHMAP_WATCH_INTERVAL: process.env.BENCH_WATCH_INTERVAL ?? '30',
        REACHMAP_LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    },
  );
  try {
    for (let i = 0; i < 120; i++) {
      const ok = await fetch(`http://127.0.0.1:${PORT}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // Start-up (Next, the first scan, the first sweep) is not the steady state.
    await new Promise((r) => setTimeout(r, 15_000));
    const cpu0 = cpuOfTree(child.pid as number);
    const probes0 = await metric('reachmap_watch_probes');
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const wall = (Date.now() - t0) / 1000;
    const cpu = cpuOfTree(child.pid as number) - cpu0;
    const probes1 = await metric('reachmap_watch_probes');
    return {
      cpuPercent: Math.round((cpu / wall) * 1000) / 10,
      probesPerMinute:
        probes0 === null || probes1 === null ? null : Math.round(((probes1 - probes0) / wall) * 60),
      paths: await metric('reachmap_watch_paths'),
    };
  } finally {
    child.kill();
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function watchCostBench() {
  const off = await idle('off');
  console.log(`  watch off: ${off.cpuPercent} % of a core (server and agents), ${SECONDS} s idle`);
  const on = await idle('on');
  console.log(
    `  watch on:  ${on.cpuPercent} % of a core, ${on.paths} paths, ${on.probesPerMinute} probes/min (+${Math.round((on.cpuPercent - off.cpuPercent) * 10) / 10} points over off)`,
  );
  return { seconds: SECONDS, off, on };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`watch cost on the lab (${SECONDS} s each, after 15 s of start-up)`);
  await watchCostBench();
}
