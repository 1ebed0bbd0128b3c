import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import type { ProbeResult } from '@/lib/model/probe';
import { SNAPSHOT_ID_RE, Snapshot, SnapshotSummary } from '@/lib/model/snapshot';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { REDACTED } from '@/lib/redact';
import { scanOnce } from '@/lib/scanner';
import { composeSnapshot } from '@/lib/snapshot/compose';
import { exportSnapshot } from '@/lib/snapshot/exports';
import { newSnapshotId } from '@/lib/snapshot/id';
import { SnapshotStore } from '@/lib/snapshot/store';
import { docker as dockerCli, LAB_CANARY, LAB_LOGGED_SECRETS, labContainer } from '../../e2e/lab/labInfo';
import { labSnapshot } from '../snapshotFixture';
import { realClient } from './client';

/** Snapshots on the real engine: the CLI round trip, concurrent writers, SIGKILL, and redaction. */

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/reachmap.mjs');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const WRITER = path.join(import.meta.dirname, 'snapshotWriter.ts');
const run = promisify(execFile);

const dirs: string[] = [];
function tempDir(tag: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), `reachmap-snap-${tag}-`));
  dirs.push(d);
  return d;
}

/** The built CLI, with no REACHMAP_* settings from the environment (no token, no data dir). */
async function cli(args: string[]) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('REACHMAP_')) delete env[k];
  try {
    const r = await run(process.execPath, [BIN, ...args], { env, maxBuffer: 32 << 20, timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

interface Writer {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  /** Resolves when a predicate over the lines so far holds; rejects on exit or timeout. */
  until: (pred: (lines: string[]) => boolean, timeoutMs?: number) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The pid of the process that writes (tsx runs the script in a child of its own). */
  pid: () => number;
  ids: () => string[];
}

const writers: Writer[] = [];
function startWriter(args: string[]): Writer {
  const child = spawn(TSX, [WRITER, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters) w();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );
  const w: Writer = {
    child,
    lines,
    stderr: () => err,
    exited,
    until: (pred, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pred(lines)) {
            done();
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`writer exited before it was expected to: ${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`writer timed out; output so far: ${lines.join(' ')} ${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    pid: () => {
      const ready = lines.find((l) => l.startsWith('ready '));
      if (!ready) throw new Error('writer not ready');
      return Number(ready.slice('ready '.length));
    },
    ids: () => lines.filter((l) => SNAPSHOT_ID_RE.test(l)),
  };
  writers.push(w);
  return w;
}

/** A small valid snapshot from the recorded lab, as the writers' template. */
let baseFile: string;
beforeAll(() => {
  baseFile = path.join(tempDir('base'), 'base.json');
  writeFileSync(baseFile, JSON.stringify(labSnapshot({ note: 'template' })));
});

afterEach(() => {
  // Writers this file started and that are still around (a failed assertion): stop them, by pid.
  for (const w of writers.splice(0)) {
    for (const pid of [w.lines.some((l) => l.startsWith('ready ')) ? w.pid() : null, w.child.pid]) {
      if (!pid) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function integrity(dataDir: string): string {
  const db = new DatabaseSync(path.join(dataDir, 'snapshots.db'));
  try {
    const rows = db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('\n');
  } finally {
    db.close();
  }
}

describe('snapshot CLI (built)', () => {
  it('snapshot → snapshots → export md/json → import elsewhere → delete, with exit codes', async () => {
    const a = tempDir('cli-a');
    const b = tempDir('cli-b');
    // Nothing listens on 7301 and the data dir holds no token: the CLI scans here.
    const at = (dir: string) => ['--data-dir', dir, '--port', '7301'];
    const NOTE = 'gateway unreachable after the deploy';

    const taken = await cli(['snapshot', '--note', NOTE, '--json', ...at(a)]);
    expect(taken.code, taken.stderr).toBe(0);
    const out = JSON.parse(taken.stdout) as SnapshotSummary & { link: string };
    const id = /\/s\/([A-Za-z0-9_-]{22})$/.exec(out.link)?.[1] as string;
    expect(id).toMatch(SNAPSHOT_ID_RE);
    expect(out.link).toBe(`http://127.0.0.1:7301/s/${id}`);
    expect(SnapshotSummary.parse(out)).toMatchObject({ id, note: NOTE, source: 'cli', expiresAt: null });
    expect(out.containers).toBeGreaterThan(0);

    const listed = await cli(['snapshots', '--json', ...at(a)]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).snapshots).toEqual([
      expect.objectContaining({ id, note: NOTE, source: 'cli', link: out.link }),
    ]);

    const md = await cli(['export', id, '--md', ...at(a)]);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain('# Reachmap snapshot of');
    expect(md.stdout).toContain(NOTE);
    expect(md.stdout).toContain(out.link);

    const file = path.join(a, 'export.json');
    const js = await cli(['export', id, '--json', '--out', file, ...at(a)]);
    expect(js.code, js.stderr).toBe(0);
    expect(js.stdout).toBe('');
    const exported = Snapshot.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(exported).toMatchObject({ id, note: NOTE, source: 'cli' });
    expect(exported.topology.containers.length).toBe(out.containers);

    const imported = await cli(['import', file, ...at(b)]);
    expect(imported.code, imported.stderr).toBe(0);
    const newId = /\/s\/([A-Za-z0-9_-]{22})\n$/.exec(imported.stdout)?.[1] as string;
    expect(newId).toMatch(SNAPSHOT_ID_RE);
    expect(newId).not.toBe(id);
    const storeB = await SnapshotStore.open(b);
    try {
      const s = storeB.get(newId);
      expect(s).toMatchObject({ id: newId, source: 'import', note: NOTE, takenAt: exported.takenAt });
      expect(s?.topology.containers.length).toBe(exported.topology.containers.length);
      expect(storeB.has(id)).toBe(false);
    } finally {
      storeB.close();
    }

    const del = await cli(['delete', id, ...at(a)]);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toBe(`deleted ${id}\n`);
    const gone = await cli(['export', id, ...at(a)]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(id);
    expect(JSON.parse((await cli(['snapshots', '--json', ...at(a)])).stdout).snapshots).toEqual([]);
    expect((await cli(['delete', id, ...at(a)])).code).toBe(1);

    const bad = await cli(['export', 'not-an-id', ...at(a)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a snapshot id/);
  });
});

describe('the store shared by several processes', () => {
  it('two writers putting 25 snapshots each at once: all 50 are there and readable', async () => {
    const dir = tempDir('concurrent');
    // The store exists and stays open here, as the dashboard keeps it (see the report on
    // opening a fresh store concurrently).
    const store = await SnapshotStore.open(dir);
    try {
      const ws = [startWriter([dir, baseFile, '25', '--wait']), startWriter([dir, baseFile, '25', '--wait'])];
      await Promise.all(ws.map((w) => w.until((l) => l.some((x) => x.startsWith('ready ')))));
      for (const w of ws) w.child.stdin.write('go\n');
      const exits = await Promise.all(ws.map((w) => w.exited));
      for (const [i, e] of exits.entries()) expect(e, ws[i]?.stderr()).toEqual({ code: 0, signal: null });
      for (const w of ws) {
        expect(w.ids()).toHaveLength(25);
        expect(w.lines.at(-1)).toBe('done');
      }
      const ids = ws.flatMap((w) => w.ids());
      expect(new Set(ids).size).toBe(50);
      for (const id of ids) {
        const s = store.get(id);
        expect(s?.id).toBe(id);
        expect(s?.note).toMatch(/^writer \d+ #\d+$/);
      }
      expect(
        store
          .list()
          .map((s) => s.id)
          .sort(),
      ).toEqual([...ids].sort());
    } finally {
      store.close();
    }
    expect(integrity(dir)).toBe('ok');
  });

  // Switching a new store to WAL takes an exclusive lock: openers must wait for it (the
  // busy timeout is set before the first statement), not fail with "database is locked".
  it('three processes opening a new store at the same instant all succeed', async () => {
    const dir = tempDir('open-race');
    const at = String(Date.now() + 5_000); // after tsx has started all three
    const ws = [1, 2, 3].map(() => startWriter([dir, baseFile, '1', '--open-at', at]));
    const exits = await Promise.all(ws.map((w) => w.exited));
    for (const [i, e] of exits.entries()) expect(e, ws[i]?.stderr()).toEqual({ code: 0, signal: null });
    const store = await SnapshotStore.open(dir);
    try {
      expect(store.list()).toHaveLength(3);
    } finally {
      store.close();
    }
  });

  it('SIGKILL in the middle of puts: every id handed out is readable, and the file is intact', async () => {
    const dir = tempDir('crash');
    const w = startWriter([dir, baseFile, '10000']);
    await w.until((l) => l.filter((x) => SNAPSHOT_ID_RE.test(x)).length >= 5);
    process.kill(w.pid(), 'SIGKILL');
    await w.exited;
    const ids = w.ids();
    expect(ids.length).toBeGreaterThanOrEqual(5);
    expect(ids.length).toBeLessThan(10_000);
    expect(w.lines).not.toContain('done');

    expect(integrity(dir)).toBe('ok');
    const store = await SnapshotStore.open(dir);
    try {
      for (const id of ids) expect(store.get(id)?.id).toBe(id);
      const listed = store.list().map((s) => s.id);
      expect(listed).toEqual(expect.arrayContaining(ids));
      // At most one more: a put that committed but was killed before it printed its id.
      expect(listed.length).toBeLessThanOrEqual(ids.length + 1);
    } finally {
      store.close();
    }
    expect(integrity(dir)).toBe('ok');
  });
});

describe('a snapshot of the real engine keeps no secret', () => {
  const tag = randomBytes(6).toString('hex');
  const CANARY_ENV = `snapenv-${tag}-one`;
  const CANARY_ARG = `snaparg-${tag}-two`;
  const CANARY_LABEL = `snaplabel-${tag}-three`;
  /** Given to compose itself (in the note): the snapshot's own redaction pass must catch it. */
  const CANARY_NOTE = `snapnote-${tag}-four`;
  const NAME = `reachmap-test-snapcanary-${process.pid}`;
  const client = realClient();
  let topology: Topology;
  let containerId = '';
  const probes = new ProbeService({
    topology: async () => topology,
    logs: { readWindow: (id, d, w) => client.logWindow(id, d, w) },
  });
  let dir: string;
  let store: SnapshotStore;

  beforeAll(async () => {
    const net = dockerCli(
      'inspect',
      '-f',
      '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}',
      labContainer('gateway').id,
    );
    // sh -c 'script' $0 $1 $2: the flags are the script's arguments; it keeps running.
    containerId = dockerCli(
      'run',
      '-d',
      '--name',
      NAME,
      '--network',
      net,
      '-e',
      `SNAP_SECRET=${CANARY_ENV}`,
      '--label',
      `com.example.api-token=${CANARY_LABEL}`,
      'reachmap-lab/busybox:local',
      'sh',
      '-c',
      'echo start; exec sleep 3600',
      `--password=${CANARY_ARG}`,
      '--api-token',
      CANARY_ARG,
    );
    for (let i = 0; ; i++) {
      if (dockerCli('inspect', '-f', '{{.State.Running}}', containerId) === 'true') break;
      if (i > 40) throw new Error(`${NAME} does not run`);
      await new Promise((r) => setTimeout(r, 250));
    }
    dir = tempDir('redact');
    store = await SnapshotStore.open(dir);
  }, 60_000);

  afterAll(() => {
    probes.close();
    store?.close();
    if (containerId) dockerCli('rm', '-f', containerId);
  });

  it('exports (md, json), the stored JSON and the raw row hold none of the canaries or logged secrets', async () => {
    // The engine holds the canaries: the test is about Reachmap not copying them.
    const inspected = dockerCli('inspect', containerId);
    for (const c of [CANARY_ENV, CANARY_ARG, CANARY_LABEL]) expect(inspected).toContain(c);

    topology = await scanOnce(client);
    const container = topology.containers.find((c) => c.id === containerId);
    expect(container?.state).toBe('running');
    const result: ProbeResult = (await probes.run({ from: 'client', to: 'http://gateway:18789/debug' }))
      .initiator;

    const id = newSnapshotId();
    const link = `http://127.0.0.1:7391/s/${id}`;
    store.put(
      composeSnapshot({
        id,
        now: new Date(),
        note: `redaction canaries, api_token=${CANARY_NOTE}`,
        ttlSeconds: 3600,
        source: 'cli',
        view: { project: null, selection: { kind: 'container', id: containerId } },
        topology,
        probes: [{ initiator: result, host: null, pairId: result.id, batchId: null, at: result.startedAt }],
        probeFindings: diagnoseProbes(topology, [result]),
        runbooks: [],
      }),
    );
    const stored = store.get(id);
    if (!stored) throw new Error('the snapshot was not stored');

    // Not vacuous: the container and the probe's log lines (with the gateway's secrets line) are in it.
    const c = stored.topology.containers.find((x) => x.id === containerId);
    expect(c?.name).toBe(NAME);
    expect(c?.command).toContain(REDACTED);
    expect(c?.command).toContain('--api-token');
    const lines = stored.probes[0]?.initiator.logs?.containers.flatMap((x) => x.lines) ?? [];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.text.includes('debug dump'))).toBe(true);

    const raw = new DatabaseSync(path.join(dir, 'snapshots.db'));
    let row: { summary: string; body: Uint8Array };
    try {
      row = raw.prepare('SELECT summary, body FROM snapshots WHERE id = ?').get(id) as typeof row;
    } finally {
      raw.close();
    }
    const outputs: Record<string, string> = {
      md: exportSnapshot(stored, 'md', link),
      json: exportSnapshot(stored, 'json', link),
      html: exportSnapshot(stored, 'html', link),
      svg: exportSnapshot(stored, 'svg', link),
      stored: JSON.stringify(store.get(id)),
      'raw row body': gunzipSync(row.body).toString('utf8'),
      'raw row summary': row.summary,
    };
    expect(outputs.json).toContain('debug dump');
    expect(outputs['raw row body']).toContain('debug dump');
    expect(stored.note).toBe(`redaction canaries, api_token=${REDACTED}`);
    const secrets = [CANARY_ENV, CANARY_ARG, CANARY_LABEL, CANARY_NOTE, LAB_CANARY, ...LAB_LOGGED_SECRETS];
    for (const [where, text] of Object.entries(outputs)) {
      expect(text.length, where).toBeGreaterThan(0);
      for (const s of secrets) expect(text.includes(s), `${where} contains ${s}`).toBe(false);
    }
  });
});
