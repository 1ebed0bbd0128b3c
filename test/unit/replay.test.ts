import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeHub } from '@/lib/live/probeHub';
import { REPLAY_PROBES_OFF, ReplayError, ReplaySource } from '@/lib/live/replaySource';
import { Topology } from '@/lib/model/topology';
import { refusingProber } from '@/lib/probe/prober';
import { runRunbook } from '@/lib/runbook/run';
import { invalidSetting, loadSettings } from '@/lib/settings';

/** --replay: a recorded topology served without an engine, and refused probes. */

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
let generated: string;
/** The lab's own containers, beside the synthetic ones. */
let labContainers: number;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-replay-'));
  generated = path.join(dir, 'host60.json');
  // The generator as operators and the e2e test run it: its stdout is the file.
  const json = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/synthetic-topology.ts', '60'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  writeFileSync(generated, json);
  labContainers = Topology.parse(JSON.parse(json)).containers.filter(
    (c) => !/^stack\d+-/.test(c.name),
  ).length;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!(e instanceof Error)) throw new Error('expected a rejection with an Error');
  return e;
}

describe('ReplaySource', () => {
  it('serves a generated file as version 1, without an engine, saying it is a replay', async () => {
    const src = await ReplaySource.load(generated);
    expect(src.version).toBe(1);
    expect(src.engine.status).toBe('replay');
    expect(src.lastRebuild).toBeNull();
    expect(src.current.containers.length - labContainers).toBe(60);
    expect(src.current.containers.some((c) => c.name === 'stack01-svc0-1')).toBe(true);
    expect(src.current.warnings[0]).toBe(
      `Replay of ${generated} recorded at ${src.current.scannedAt}: probes are off`,
    );
    // What the socket and /api/topology ask for: the same topology, at once, every time.
    src.start();
    await expect(src.refresh()).resolves.toBe(src.current);
    src.stop();
  });

  it.each([
    ['a missing file', () => path.join(dir, 'nope.json'), /^cannot read the file \(ENOENT/],
    ['a file that is not JSON', () => write('broken.json', '{"scannedAt": '), /^not JSON \(/],
    [
      'a topology with one wrong field (another version of Reachmap)',
      () => {
        const t = JSON.parse(readFileSync(generated, 'utf8'));
        t.containers[5].state = 'sleeping';
        return write('mismatch.json', JSON.stringify(t));
      },
      /^not a topology as "reachmap scan --json" writes it: containers\.5\.state: /,
    ],
    [
      'a topology inside another object (the /api/topology answer)',
      () => write('wrapped.json', JSON.stringify({ version: 3, topology: {} })),
      /^not a topology/,
    ],
  ])('rejects %s in one line that says why', async (_what, file, message) => {
    const e = await rejection(ReplaySource.load(file()));
    expect(e).toBeInstanceOf(ReplayError);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it('names the setting when start-up turns the error into a settings error', () => {
    const e = invalidSetting('replay', 'not JSON (Unexpected end of JSON input)', '/tmp/x.json');
    expect(e.message).toBe(
      'invalid setting REACHMAP_REPLAY / --replay: not JSON (Unexpected end of JSON input) (got "/tmp/x.json")',
    );
  });

  it('takes the flag over the environment, as an absolute path', () => {
    expect(loadSettings({ HOME: '/home/op' }).replay).toBeNull();
    expect(loadSettings({ REACHMAP_REPLAY: 'host.json' }).replay).toBe(path.resolve('host.json'));
    expect(loadSettings({ REACHMAP_REPLAY: 'a.json' }, { replay: '/srv/b.json' }).replay).toBe('/srv/b.json');
  });
});

describe('probes against a replay', () => {
  it('refuses a probe, a probe-all and a runbook with the replay message, before anything runs', async () => {
    const src = await ReplaySource.load(generated);
    const prober = refusingProber(REPLAY_PROBES_OFF);
    const hub = new ProbeHub(prober);
    const failed: unknown[] = [];
    hub.on('failed', (m) => failed.push(m));
    hub.on('progress', (m) => failed.push(m));

    const one = await rejection(
      hub.run({ spec: { from: 'host', to: 'http://127.0.0.1:30000/' }, paired: false }),
    );
    expect(one.message).toBe(REPLAY_PROBES_OFF);
    // The replayed host publishes ports, so probe-all has targets: it is the prober that refuses.
    const all = await rejection(hub.runAll({ from: 'host', mode: 'tcp', timeoutMs: 1000 }, src.current));
    expect(all.message).toBe(REPLAY_PROBES_OFF);
    const runbook = await rejection(
      runRunbook(
        { from: 'host', to: 'http://127.0.0.1:30000/' },
        {
          probes: prober,
          topology: async () => src.current,
          readNginx: async () => ({ error: 'not read in a replay' }),
        },
      ),
    );
    expect(runbook.message).toBe(REPLAY_PROBES_OFF);
    // Refused up front: no batch started, nothing failed target by target.
    expect(failed).toEqual([]);
    expect(hub.history()).toEqual([]);
  });
});
