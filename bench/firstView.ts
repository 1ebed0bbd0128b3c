// The first view of a large host without the engine's load: the lab cloned to N containers
// (test/synthetic.ts), served with --replay, opened in Chromium three times. Separates the
// page's own cost (download, parse, validate, render) from a busy machine's. `npx tsx
// bench/firstView.ts [N]`; bench/run.ts runs it for 500.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { syntheticTopology } from '../test/synthetic';
import { firstView, launch, newPage, startServer } from './live';
import { median } from './stats';

export async function firstViewBench(containers = 500, loads = 3) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-bench-fv-'));
  const file = path.join(dir, 'topology.json');
  const topology = syntheticTopology({ containers });
  writeFileSync(file, JSON.stringify(topology));
  const server = await startServer(7433, ['--replay', file]);
  const browser = await launch();
  const runs: Awaited<ReturnType<typeof firstView>>[] = [];
  try {
    for (let i = 0; i < loads; i++) {
      const page = await newPage(browser);
      runs.push(await firstView(page, server.url));
      await page.close();
    }
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const m = (k: keyof (typeof runs)[number]) => median(runs.map((r) => Number(r[k] ?? Number.NaN)));
  const out = {
    containers: topology.containers.length,
    topologyKiB: Math.round(JSON.stringify(topology).length / 1024),
    domContentLoadedMs: m('domContentLoadedMs'),
    connectingMs: m('connectingMs'),
    connectedMs: m('connectedMs'),
    topologyArrivedMs: m('topologyArrivedMs'),
    topologyParsedMs: m('topologyParsedMs'),
    firstNodeMs: m('firstNodeMs'),
    settledMs: m('settledMs'),
    nodes: m('nodes'),
  };
  console.log(
    `  replay of ${out.containers} containers (${out.topologyKiB} KiB): DOM ready ${out.domContentLoadedMs.toFixed(0)} ms · socket opened ${out.connectingMs.toFixed(0)} · connected ${out.connectedMs.toFixed(0)} · topology arrived ${out.topologyArrivedMs.toFixed(0)} · validated ${out.topologyParsedMs.toFixed(0)} · first node ${out.firstNodeMs.toFixed(0)} · settled ${out.settledMs.toFixed(0)} ms (${out.nodes} nodes; medians of ${loads})`,
  );
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await firstViewBench(Number(process.argv[2] ?? 500));
