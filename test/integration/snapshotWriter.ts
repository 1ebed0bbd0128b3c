import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { newSnapshotId } from '../../lib/snapshot/id';
import { SnapshotStore } from '../../lib/snapshot/store';

/**
 * Another process writing snapshots, for test/integration/snapshots.test.ts. Run with tsx
 * (relative imports only: the `@/` alias is the test runner's):
 *
 *   tsx snapshotWriter.ts <dataDir> <base.json> <count> [--wait] [--open-at <epoch ms>]
 *
 * --open-at: spin until that instant, then open the store (so several writers open it at once).
 * Opens the store and prints "ready <pid>" (the pid of this process: tsx runs the script in
 * a child of its own, so this is the one to kill). With --wait, waits for a line on stdin
 * (so two writers start putting together). Then puts <count> copies of the base snapshot,
 * each with a new id, printing every id on its own line right after its put returned
 * (stdout to a pipe is synchronous on Linux), then "done".
 */

const [dataDir, baseFile, countArg, ...rest] = process.argv.slice(2);
if (!dataDir || !baseFile || !countArg) {
  process.stderr.write('usage: snapshotWriter.ts <dataDir> <base.json> <count> [--wait] [--open-at MS]\n');
  process.exit(2);
}
const count = Number(countArg);
const base = JSON.parse(readFileSync(baseFile, 'utf8'));
const openAt = rest.includes('--open-at') ? Number(rest[rest.indexOf('--open-at') + 1]) : 0;

while (Date.now() < openAt) {
  // spin: a timer would add its own jitter
}
const store = await SnapshotStore.open(dataDir);
process.stdout.write(`ready ${process.pid}\n`);
if (rest.includes('--wait')) {
  const rl = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => rl.once('line', () => resolve()));
  rl.close();
}
for (let i = 0; i < count; i++) {
  const id = newSnapshotId();
  store.put({ ...base, id, takenAt: new Date().toISOString(), note: `writer ${process.pid} #${i}` });
  process.stdout.write(`${id}\n`);
}
store.close();
process.stdout.write('done\n');
