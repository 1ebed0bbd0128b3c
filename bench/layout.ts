// Graph building and layout for large hosts, from a recorded fixture (no engine needed):
// the lab's real scan cloned to 500 and 2,000 containers (test/synthetic.ts). The baseline is
// the graph code before grouping (git: LAYOUT_BASELINE_REV), extracted and run in the same process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Topology } from '../lib/model/topology';
import { buildGraph, type GroupData } from '../lib/topology/graph';
import { syntheticTopology } from '../test/synthetic';
import { timeSync } from './stats';

const ROOT = path.resolve(import.meta.dirname, '..');
const BASELINE_REV = process.env.LAYOUT_BASELINE_REV ?? '9952ff7';

const time = (fn: () => unknown) => timeSync(fn);

async function baselineBuilder(): Promise<((t: Topology) => { nodes: unknown[] }) | null> {
  try {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-layout-baseline-'));
    execFileSync('sh', ['-c', `git archive ${BASELINE_REV} lib | tar -x -C ${dir}`], { cwd: ROOT });
    const mod = (await import(path.join(dir, 'lib/topology/graph.ts'))) as {
      buildGraph: (t: Topology) => { nodes: unknown[] };
    };
    return mod.buildGraph;
  } catch (e) {
    console.log(`  (no baseline: ${(e as Error).message.split('\n')[0]})`);
    return null;
  }
}

export async function layoutBench() {
  const baseline = await baselineBuilder();
  const out: Record<string, unknown>[] = [];
  for (const n of [500, 2000]) {
    const t = syntheticTopology({ containers: n });
    const closed = buildGraph(t);
    const allOpen = Object.fromEntries(
      closed.nodes.filter((x) => x.type === 'group').map((x) => [(x.data as GroupData).groupKey, true]),
    );
    const r = {
      containers: t.containers.length,
      firstViewMs: time(() => buildGraph(t)),
      firstViewNodes: closed.nodes.length,
      oneGroupOpenMs: time(() => buildGraph(t, { expanded: { 'p:stack01': true } })),
      allOpenMs: time(() => buildGraph(t, { expanded: allOpen })),
      allOpenNodes: buildGraph(t, { expanded: allOpen }).nodes.length,
      baselineMs: baseline ? time(() => baseline(t)) : null,
      baselineNodes: baseline ? baseline(t).nodes.length : null,
    };
    console.log(
      `  ${String(r.containers).padStart(5)} containers: first view ${r.firstViewMs.toFixed(1)} ms (${r.firstViewNodes} nodes), one group open ${r.oneGroupOpenMs.toFixed(1)} ms, all open ${r.allOpenMs.toFixed(1)} ms (${r.allOpenNodes} nodes)` +
        (r.baselineMs !== null
          ? `; before grouping ${r.baselineMs.toFixed(1)} ms (${r.baselineNodes} nodes) → first view ${(r.firstViewMs / r.baselineMs).toFixed(2)}×, all open ${(r.allOpenMs / r.baselineMs).toFixed(2)}×`
          : ''),
    );
    out.push(r);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('graph building (recorded lab cloned; medians of 9)');
  layoutBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
