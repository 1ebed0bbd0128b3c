// npm run bench -- live: the live path against the containers running now (normally the
// bench fleet: npx tsx bench/fleet.ts create 500). Everything it stops it starts again.
import { execFileSync } from 'node:child_process';
import { fleetIds } from './fleet';
import {
  bytesPerMinute,
  eventToBrowser,
  firstView,
  frameGaps,
  heapMb,
  launch,
  listen,
  newPage,
  startServer,
} from './live';

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

export async function liveBench(opts: { churnSeconds?: number; idleSeconds?: number; port?: number } = {}) {
  const ids = fleetIds().filter((id) =>
    docker('inspect', '-f', '{{.HostConfig.NetworkMode}}', id).startsWith('reachmap-bench-p'),
  );
  if (ids.length < 10)
    throw new Error('live bench: needs the bench fleet (npx tsx bench/fleet.ts create 500)');
  const victims = ids.slice(0, 10);
  const count = docker('ps', '-aq').split('\n').filter(Boolean).length;
  const server = await startServer(opts.port ?? 7431);
  const browser = await launch();
  try {
    const listener = await listen(server.url);
    const warm = await newPage(browser);
    await firstView(warm, server.url);
    await warm.close();
    const views: Awaited<ReturnType<typeof firstView>>[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await newPage(browser);
      views.push(await firstView(p, server.url));
      await p.close();
    }
    const page = await newPage(browser);
    const view = await firstView(page, server.url);
    const gaps = await frameGaps(page);
    const events = await eventToBrowser(page, listener, victims, 10);
    const heap = await heapMb(page);
    const bytes = await bytesPerMinute(listener, victims, opts.churnSeconds ?? 30, opts.idleSeconds);
    const rss = server.rssMb();
    listener.close();
    const med = (k: 'firstNodeMs' | 'settledMs') =>
      [...views.map((v) => v[k] as number)].sort((a, b) => a - b)[1];
    const r = {
      containers: count,
      firstNodeMs: med('firstNodeMs'),
      settledMs: med('settledMs'),
      views,
      view,
      gaps,
      events,
      heapMb: heap,
      ...bytes,
      serverRssMb: rss,
    };
    console.log(`\nlive path with ${count} containers`);
    console.log(
      `  first node ${r.firstNodeMs?.toFixed(0)} ms, settled ${r.settledMs?.toFixed(0)} ms (median of 3 page loads; ${view.nodes} nodes, ${view.domElements} DOM elements)`,
    );
    console.log(
      `  frame gaps during 20 wheel zooms + a pan: p95 ${gaps.p95.toFixed(0)} ms, max ${gaps.max.toFixed(0)} ms (${gaps.frames} frames)`,
    );
    console.log(
      `  docker stop/start (command start) → node's new state in the page: p50 ${events.browserP50.toFixed(0)} ms, p95 ${events.browserP95.toFixed(0)} ms (${events.samples} samples)`,
    );
    console.log(
      `  from the command's return (the engine's event): → socket client p50 ${events.serverP50} ms, p95 ${events.serverP95} ms; → page p50 ${events.afterCliP50.toFixed(0)} ms, p95 ${events.afterCliP95.toFixed(0)} ms (of which in the page, change received → node drawn: p50 ${events.inPageP50.toFixed(0)} ms, p95 ${events.inPageP95.toFixed(0)} ms)`,
    );
    console.log(
      `  bytes to a browser: idle ${bytes.idleBytesPerMin.toFixed(0)} B/min, churn (stop/start every 2 s) ${bytes.churnBytesPerMin.toFixed(0)} B/min`,
    );
    console.log(`  server RSS ${rss.toFixed(0)} MB; page JS heap ${heap.toFixed(1)} MB`);
    return r;
  } finally {
    for (const id of victims) docker('start', id);
    await browser.close();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  liveBench({
    churnSeconds: Number(process.env.BENCH_CHURN_S ?? 30),
    idleSeconds: process.env.BENCH_IDLE_S ? Number(process.env.BENCH_IDLE_S) : undefined,
  }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
