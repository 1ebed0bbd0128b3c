// Fifty dashboards at once: 50 socket.io clients (each its own session) on a server watching
// the lab plus one throwaway container. Measures the time for all to connect and get their
// first topology, HTTP latency while they are connected (baseline: the same requests with no
// client connected, in the same run), the fan-out of one container change to all 50, and the
// server's RSS. `npx tsx bench/clients.ts`; bench/run.ts runs it. Removes what it creates.
import { execFileSync } from 'node:child_process';
import { listen, pct, startServer } from './live';

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);

async function httpLatency(url: string, n = 100): Promise<{ p50: number; p95: number }> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fetch(`${url}/api/engine`, {
      headers: { authorization: 'Bearer bench-token-0123456789abcdefghijklmnopqrstuv' },
    }).then((r) => r.arrayBuffer());
    xs.push(performance.now() - t0);
  }
  return { p50: pct(xs, 50), p95: pct(xs, 95) };
}

export async function clientsBench() {
  const name = `reachmap-bench-clients-${process.pid}`;
  const id = docker('run', '-d', '--name', name, 'reachmap-lab/busybox:local', 'sleep', '3600');
  const server = await startServer(7435);
  const clients: Awaited<ReturnType<typeof listen>>[] = [];
  try {
    const idle = await httpLatency(server.url);
    const rssBefore = server.rssMb();
    const t0 = performance.now();
    const connectTimes = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const c = await listen(server.url);
        clients.push(c);
        return performance.now() - t0;
      }),
    );
    const busy = await httpLatency(server.url);
    // One change, fanned out: the stop of the throwaway container, until every client has it.
    const seen = clients.map((c) => c.arrivals.length);
    const tStop = Date.now();
    docker('stop', '-t', '0', id);
    for (let i = 0; i < 100; i++) {
      if (
        clients.every((c, k) =>
          c.arrivals.slice(seen[k]).some((a) => a.containers.some((x) => x.startsWith(id))),
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const fanout = clients.map((c, k) => {
      const a = c.arrivals.slice(seen[k]).find((x) => x.containers.some((y) => y.startsWith(id)));
      return a ? a.at - tStop : Number.NaN;
    });
    const out = {
      clients: CLIENTS,
      allConnectedMs: Math.round(Math.max(...connectTimes)),
      connectP50Ms: Math.round(pct(connectTimes, 50)),
      connectP95Ms: Math.round(pct(connectTimes, 95)),
      httpIdleP95Ms: Number(idle.p95.toFixed(1)),
      httpBusyP50Ms: Number(busy.p50.toFixed(1)),
      httpBusyP95Ms: Number(busy.p95.toFixed(1)),
      fanoutP50Ms: Math.round(pct(fanout, 50)),
      fanoutP95Ms: Math.round(pct(fanout, 95)),
      received: fanout.filter((x) => !Number.isNaN(x)).length,
      rssBeforeMb: Math.round(rssBefore),
      rssAfterMb: Math.round(server.rssMb()),
    };
    console.log(
      `  ${out.clients} clients connected with their first topology in ${out.allConnectedMs} ms (p50 ${out.connectP50Ms}, p95 ${out.connectP95Ms}) · HTTP p95 ${out.httpBusyP95Ms} ms with them vs ${out.httpIdleP95Ms} ms without (${(out.httpBusyP95Ms / out.httpIdleP95Ms).toFixed(2)}×) · one change reached ${out.received}/${out.clients}: p50 ${out.fanoutP50Ms} ms, p95 ${out.fanoutP95Ms} ms after docker stop · RSS ${out.rssBeforeMb} → ${out.rssAfterMb} MB`,
    );
    return out;
  } finally {
    for (const c of clients) c.close();
    await server.stop();
    docker('rm', '-f', id);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await clientsBench();
