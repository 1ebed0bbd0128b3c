// Snapshots: the time to take one (compose + redact + gzip + durable SQLite insert) and its
// size, for the lab as recorded (with its 13 probes and a runbook) and the lab cloned to 200
// and 500 containers; and the size of the exports. Baseline, measured in the same run: the
// floor for saving the same data durably — JSON.stringify and one fsync'd file write.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeSnapshot } from '../lib/snapshot/compose';
import { exportSnapshot } from '../lib/snapshot/exports';
import { newSnapshotId } from '../lib/snapshot/id';
import { SnapshotStore } from '../lib/snapshot/store';
import { labSnapshotParts } from '../test/snapshotFixture';
import { syntheticTopology } from '../test/synthetic';
import { timeSync } from './stats';

// Two warm-ups: each timed call stores one more snapshot.
const time = (fn: () => unknown) => timeSync(fn, 9, 2);

export async function snapshotBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-bench-snap-'));
  const store = await SnapshotStore.open(dir);
  const rows: Record<string, unknown>[] = [];
  try {
    const cases = [
      { name: 'lab (recorded, 13 probes, 1 runbook)', parts: labSnapshotParts() },
      {
        name: 'lab + 200 containers',
        parts: labSnapshotParts({ topology: syntheticTopology({ containers: 200 }) }),
      },
      {
        name: 'lab + 500 containers',
        parts: labSnapshotParts({ topology: syntheticTopology({ containers: 500 }) }),
      },
    ];
    for (const c of cases) {
      const take = () => store.put(composeSnapshot({ ...c.parts, id: newSnapshotId(), now: new Date() }));
      const takeMs = time(take);
      const snapshot = composeSnapshot({ ...c.parts, id: newSnapshotId(), now: new Date() });
      const summary = store.put(snapshot);
      const baselineMs = time(() => {
        const fd = openSync(path.join(dir, 'baseline.json'), 'w');
        writeSync(fd, JSON.stringify(c.parts));
        fsyncSync(fd);
        closeSync(fd);
      });
      const json = exportSnapshot(snapshot, 'json', null);
      const html = exportSnapshot(snapshot, 'html', 'http://127.0.0.1:7391/s/x');
      const svg = exportSnapshot(snapshot, 'svg', null);
      const row = {
        case: c.name,
        containers: snapshot.topology.containers.length,
        takeMs: Number(takeMs.toFixed(1)),
        baselineMs: Number(baselineMs.toFixed(1)),
        ratio: Number((takeMs / baselineMs).toFixed(2)),
        storedKiB: Math.round(summary.bytes / 1024),
        jsonKiB: Math.round(Buffer.byteLength(json) / 1024),
        htmlKiB: Math.round(Buffer.byteLength(html) / 1024),
        svgKiB: Math.round(Buffer.byteLength(svg) / 1024),
        getMs: Number(time(() => store.get(snapshot.id)).toFixed(1)),
      };
      rows.push(row);
      console.log(
        `  ${c.name.padEnd(38)} take ${String(row.takeMs).padStart(6)} ms (baseline ${row.baselineMs} ms, ${row.ratio}×) · stored ${row.storedKiB} KiB · JSON ${row.jsonKiB} KiB · HTML ${row.htmlKiB} KiB · SVG ${row.svgKiB} KiB · open ${row.getMs} ms`,
      );
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

// `npx tsx bench/snapshot.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) await snapshotBench();
