import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult } from '@/lib/model/probe';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { scanOnce } from '@/lib/scanner';
import { realClient } from './client';

/**
 * A real hostile peer (e2e/lab/hostile/hostile.mjs) in its own container, started with a
 * 64 KiB `a.a.a…` argument and logging JSON secrets on every request. Every misbehaviour
 * ends in a verdict with the right decisive error, from a container and from the host, all
 * at once and beside an ordinary probe of the same peer (which must still pass); Reachmap's
 * own event loop stays free; the canary appears in no output.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const LABEL = 'reachmap.test=hostile';
const NET = 'reachmap-hostile';
const CANARY = 'hostile-canary-6d0f3a91';
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

function cleanup() {
  const ids = docker('ps', '-aq', '--filter', `label=${LABEL}`).split('\n').filter(Boolean);
  if (ids.length > 0) docker('rm', '-f', ...ids);
  spawnSync('docker', ['network', 'rm', NET], { stdio: 'ignore' });
}

const client = realClient();
let topology: Topology;
const probes = new ProbeService({ topology: async () => topology });
let peerIp = '';

beforeAll(async () => {
  cleanup();
  docker('network', 'create', '--label', LABEL, NET);
  docker(
    'run',
    '-d',
    '--name',
    'hostile',
    '--label',
    LABEL,
    '--network',
    NET,
    '-v',
    `${ROOT}/e2e/lab/hostile:/lab:ro`,
    'reachmap-lab/node:local',
    'node',
    '/lab/hostile.mjs',
    '--port',
    '8080',
    'a.'.repeat(32 * 1024),
  );
  docker(
    'run',
    '-d',
    '--name',
    'hostile-client',
    '--label',
    LABEL,
    '--network',
    NET,
    'reachmap-lab/busybox:local',
    'sh',
    '-c',
    "trap 'exit 0' TERM; while :; do sleep 1; done",
  );
  for (let i = 0; i < 50 && !docker('logs', 'hostile').includes('hostile peer on'); i++)
    await new Promise((r) => setTimeout(r, 200));
  topology = await scanOnce(client);
  peerIp = topology.containers.find((c) => c.name === 'hostile')?.attachments[0]?.ipv4 ?? '';
});
afterAll(() => {
  probes.close();
  cleanup();
});

/** What each hostile path must come to, from any initiator. */
const CASES: Array<{ path: string; ws?: boolean; verdict: string; decisive: string | null; note?: RegExp }> =
  [
    { path: '/endless-head', verdict: 'fail', decisive: 'HPE_HEADER_OVERFLOW' },
    { path: '/slow-head', verdict: 'fail', decisive: 'ETIMEDOUT', note: /no HTTP response/ },
    { path: '/garbage', verdict: 'fail', decisive: 'HPE_INVALID_CONSTANT' },
    {
      path: '/short-body',
      verdict: 'fail',
      decisive: 'ETIMEDOUT',
      note: /head arrived \(HTTP 200\), then the body stalled/,
    },
    { path: '/big-body', verdict: 'pass', decisive: null },
    { path: '/ws/bad-accept', ws: true, verdict: 'partial', decisive: 'WS bad handshake' },
    { path: '/ws/null', ws: true, verdict: 'pass', decisive: null },
    {
      path: '/ws/big-close',
      ws: true,
      verdict: 'partial',
      decisive: 'WS_PROTOCOL_ERROR',
      note: /at most 125 bytes/,
    },
    {
      path: '/ws/frag-close',
      ws: true,
      verdict: 'partial',
      decisive: 'WS_PROTOCOL_ERROR',
      note: /fragmented/,
    },
    { path: '/ws/big-ping', ws: true, verdict: 'partial', decisive: 'WS_PROTOCOL_ERROR', note: /opcode 9/ },
    { path: '/ws/aaa', ws: true, verdict: 'pass', decisive: null },
    { path: '/ws/secret-frame', ws: true, verdict: 'pass', decisive: null },
    { path: '/ws/endless-frame', ws: true, verdict: 'partial', decisive: 'FRAME_TOO_LARGE' },
  ];

const lastStep = (r: ProbeResult) => r.steps[r.steps.length - 1];

describe('a hostile peer, probed from a container and from the host', () => {
  for (const from of ['hostile-client', 'host'] as const) {
    it(`from ${from}: every misbehaviour is a verdict with its reason; an ordinary probe beside them passes`, async () => {
      const base = from === 'host' ? `http://${peerIp}:8080` : 'http://hostile:8080';
      const lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      const t0 = performance.now();
      const [ordinary, ...results] = await Promise.all([
        probes.run({ from, to: `${base}/`, timeoutMs: 3000 }),
        ...CASES.map((c) => probes.run({ from, to: `${base}${c.path}`, ws: c.ws, timeoutMs: 3000 })),
      ]);
      const ms = performance.now() - t0;
      lag.disable();

      expect(ordinary.initiator).toMatchObject({ verdict: 'pass', ok: true });
      CASES.forEach((c, i) => {
        const r = (results[i] as (typeof results)[number]).initiator;
        expect({ path: c.path, verdict: r.verdict, decisive: r.decisive }).toEqual({
          path: c.path,
          verdict: c.verdict,
          decisive: c.decisive,
        });
        if (c.note) expect(lastStep(r)?.note, c.path).toMatch(c.note);
        // Evidence stays small: frames, reasons and bodies are cut before they are kept.
        expect(JSON.stringify(r).length, c.path).toBeLessThan(16 * 1024);
      });
      // Everything ended within the probes' own timeout and watch window, together.
      expect(ms).toBeLessThan(15_000);
      // Reachmap's own process never stalled on the peers' bytes (they are read by the agent).
      expect(lag.max / 1e6).toBeLessThan(300);
      const all = JSON.stringify([ordinary, ...results]);
      expect(all).not.toContain(CANARY);
      expect(all).toContain('‹redacted›'); // the secret frame and body were seen, and masked
    });
  }

  it('the 64 KiB argument is cut at the boundary, and the peer’s secrets reach no CLI output', () => {
    const peer = topology.containers.find((c) => c.name === 'hostile');
    expect(peer?.command.length).toBeLessThan(4 * 1024);
    expect(peer?.command).toContain('(65536 characters)');
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const outputs = [
      cli('scan', '--json'),
      cli('probe', '--from', 'hostile-client', 'http://hostile:8080/big-body', '--json'),
      cli('probe', '--from', 'hostile-client', 'http://hostile:8080/ws/secret-frame', '--ws'),
      cli('runbook', '--from', 'hostile-client', 'http://hostile:8080/ws/secret-frame', '--json'),
    ];
    for (const o of outputs) {
      expect(o.stdout.length, o.stderr).toBeGreaterThan(0);
      expect(o.stdout + o.stderr).not.toContain(CANARY);
    }
    // The peer did log its secrets while we probed: the canary is there to be missed.
    expect(docker('logs', 'hostile')).toContain(CANARY);
  });
});
