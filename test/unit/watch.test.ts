import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '@/components/probe/WatchStrip';
import type { ProbeResult, ProbeSpecInput } from '@/lib/model/probe';
import type { ProxyRoutes } from '@/lib/model/snapshot';
import type { Topology } from '@/lib/model/topology';
import { WatchHistory } from '@/lib/watch/history';
import { inferWatchPaths, MAX_WATCH_PATHS, parsePinned } from '@/lib/watch/paths';
import type { WatchPoint } from '@/lib/watch/point';
import { Watcher } from '@/lib/watch/watcher';
import { fixtureTopology } from '../helpers';
import { syntheticTopology } from '../synthetic';

const lab = fixtureTopology('lab');
const named = (t: Topology, service: string) =>
  t.containers.find((c) => c.compose?.service === service && c.state === 'running')?.name as string;

const proxies: ProxyRoutes[] = [
  {
    container: named(lab, 'proxy-upgrade'),
    subject: 'reachmap-lab/proxy-upgrade',
    source: 'test',
    locations: [
      {
        server: '_',
        path: '/',
        upstream: 'http://gateway:18789',
        httpVersion: '1.1',
        upgradeHeader: '$http_upgrade',
        connectionHeader: 'upgrade',
        readTimeout: '60s',
      },
      {
        server: '_',
        path: '/port',
        upstream: 'http://gateway:$port/',
        httpVersion: '1.0',
        upgradeHeader: null,
        connectionHeader: null,
        readTimeout: '60s',
      },
      {
        server: '_',
        path: '/var',
        upstream: 'http://$backend',
        httpVersion: '1.0',
        upgradeHeader: null,
        connectionHeader: null,
        readTimeout: '60s',
      },
      {
        server: '_',
        path: '/static',
        upstream: null,
        httpVersion: '1.0',
        upgradeHeader: null,
        connectionHeader: null,
        readTimeout: '60s',
      },
    ],
  },
];

describe('the paths a watch keeps probing', () => {
  it('holds every published port from the host, each proxy upstream, and pinned paths first', () => {
    const paths = inferWatchPaths(lab, {
      pinned: [parsePinned('client>http://gateway:18789/healthz')],
      proxies,
    });
    expect(paths[0]).toMatchObject({ from: 'client', to: 'http://gateway:18789/healthz', why: 'pinned' });
    const published = paths.filter((p) => p.why === 'published');
    expect(published.map((p) => p.to).sort()).toEqual([
      '127.0.0.1:28080',
      '127.0.0.1:28081',
      '127.0.0.1:28789',
      '127.0.0.1:28790',
    ]);
    // Held: docker-proxy accepts a published port even when nothing answers behind it.
    expect(published.every((p) => p.holdMs > 0 && p.from === 'host')).toBe(true);
    expect(published.find((p) => p.to === '127.0.0.1:28789')).toMatchObject({
      toContainer: named(lab, 'gateway-loopback'),
      label: `published 127.0.0.1:28789 → ${named(lab, 'gateway-loopback')}:18789`,
    });
    // A variable or a missing upstream gives nothing to dial.
    expect(paths.filter((p) => p.why === 'proxy')).toEqual([
      expect.objectContaining({
        from: named(lab, 'proxy-upgrade'),
        to: 'gateway:18789',
        toContainer: named(lab, 'gateway'),
      }),
    ]);
  });

  it('is bounded on a large host, and refuses a pinned path without both ends', () => {
    const big = syntheticTopology({ containers: 500 }) as Topology;
    expect(inferWatchPaths(big).length).toBeLessThanOrEqual(MAX_WATCH_PATHS);
    for (const bad of ['client', '>x', 'client>', '']) expect(() => parsePinned(bad)).toThrow(/FROM>TO/);
  });
});

function result(spec: ProbeSpecInput, ok: boolean): ProbeResult {
  return {
    id: Math.random().toString(16).slice(2, 14),
    ok,
    verdict: ok ? 'pass' : 'fail',
    decisive: ok ? null : 'ECONNREFUSED',
    initiator: {
      kind: spec.from === 'host' ? 'host' : 'container',
      id: spec.from,
      name: spec.from,
      netns: null,
      hostname: 'h',
      routes: [],
    },
    target: { input: spec.to, scheme: 'tcp', host: 'x', port: 1, path: '', literal: false },
    origin: null,
    runner: { kind: 'nsenter', detail: 'test' },
    startedAt: new Date().toISOString(),
    ms: 1,
    steps: [],
    logs: null,
  } as unknown as ProbeResult;
}

describe('the watcher', () => {
  const withState = (t: Topology, service: string, state: 'running' | 'exited') => ({
    ...t,
    containers: t.containers.map((c) => (c.compose?.service === service ? { ...c, state } : c)),
  });

  it('pauses paths whose initiator stopped, keeps probing a stopped target, drops a removed one', async () => {
    let t: Topology = lab;
    const probed: string[] = [];
    const w = new Watcher({
      topology: async () => t,
      probe: async (spec) => {
        probed.push(`${spec.from} ${spec.to}`);
        return result(spec, true);
      },
      readProxies: async () => proxies,
      pinned: [parsePinned('client>http://gateway:18789/healthz')],
      history: new WatchHistory(null),
      intervalMs: 60_000,
    });
    await w.sweep();
    expect(probed).toContain('client http://gateway:18789/healthz');
    expect(probed).toContain('host 127.0.0.1:28789');

    probed.length = 0;
    t = withState(withState(lab, 'client', 'exited'), 'gateway-loopback', 'exited');
    // A stopped container publishes nothing: its path is kept from before, and probed.
    t = { ...t, containers: t.containers.map((c) => (c.state === 'exited' ? { ...c, ports: [] } : c)) };
    await w.sweep();
    expect(probed).not.toContain('client http://gateway:18789/healthz');
    expect(probed).toContain('host 127.0.0.1:28789');

    probed.length = 0;
    t = { ...t, containers: t.containers.filter((c) => c.compose?.service !== 'gateway-loopback') };
    await w.sweep();
    expect(probed).not.toContain('host 127.0.0.1:28789');
  });

  it('records each result with the previous one, so a change of verdict shows', async () => {
    let up = true;
    const history = new WatchHistory(null);
    const w = new Watcher({
      topology: async () => lab,
      probe: async (spec) => result(spec, spec.to !== '127.0.0.1:28790' || up),
      history,
      intervalMs: 60_000,
    });
    const first = (await w.sweep()).find((r) => r.path.to === '127.0.0.1:28790');
    expect(first?.previous).toBeNull();
    up = false;
    const second = (await w.sweep()).find((r) => r.path.to === '127.0.0.1:28790');
    expect(second?.previous?.verdict).toBe('pass');
    expect(second?.point.verdict).toBe('fail');
    expect(history.of(second?.path.key as string).map((p) => p.verdict)).toEqual(['pass', 'fail']);
  });
});

describe('the paths after a change', () => {
  it('a container recreated on another host port drops its old path; an upstream{} block is watched by its servers', async () => {
    let t: Topology = lab;
    const probed: string[] = [];
    const gw = named(lab, 'gateway');
    const w = new Watcher({
      topology: async () => t,
      probe: async (spec) => {
        probed.push(spec.to);
        return result(spec, true);
      },
      readProxies: async () => [
        {
          ...(proxies[0] as ProxyRoutes),
          locations: [
            {
              server: '_',
              path: '/',
              upstream: 'http://backend',
              upstreamServers: ['gateway:18789', 'gateway-loopback'],
              httpVersion: '1.1',
              upgradeHeader: null,
              connectionHeader: null,
              readTimeout: '60s',
            },
          ],
        },
      ],
      history: new WatchHistory(null),
      intervalMs: 60_000,
    });
    await w.sweep();
    expect(probed).toContain('gateway:18789');
    expect(probed).toContain('gateway-loopback:80');
    expect(probed).not.toContain('backend:80'); // the block's name resolves nowhere
    // Stopped and recreated to publish 28999 instead of 28790: no path to the old port.
    t = {
      ...lab,
      containers: lab.containers.map((c) =>
        c.name === gw
          ? {
              ...c,
              state: 'exited' as const,
              ports: [],
              configuredPorts: c.configuredPorts.map((b) => ({ ...b, hostPort: 28999 })),
            }
          : c,
      ),
    };
    probed.length = 0;
    await w.sweep();
    expect(probed).not.toContain('127.0.0.1:28790');
  });

  it('keeps sweeping after a sweep fails, and stop() ends the loop', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const w = new Watcher({
      topology: async () => {
        calls++;
        if (calls === 1) throw new Error('engine gone');
        return lab;
      },
      probe: async (spec) => result(spec, true),
      history: new WatchHistory(null),
      intervalMs: 1,
      onSweepError: (e) => errors.push(e),
    });
    w.start();
    const end = Date.now() + 3000;
    while (calls < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    w.stop();
    const after = calls;
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toHaveLength(1);
    expect(after).toBeGreaterThanOrEqual(3);
    expect(calls - after).toBeLessThanOrEqual(1); // at most the sweep already under way
  });
});

describe('the watch history', () => {
  const point = (at: string, verdict: 'pass' | 'fail'): WatchPoint => ({
    key: 'host → 127.0.0.1:1',
    from: 'host',
    to: '127.0.0.1:1',
    at,
    ok: verdict === 'pass',
    verdict,
    decisive: verdict === 'pass' ? null : 'ECONNREFUSED',
    edge: 'host→127.0.0.1:1',
  });

  it('survives a restart, drops what is past the retention and a torn last line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-watch-'));
    try {
      const now = Date.parse('2026-12-03T12:00:00Z');
      const h = new WatchHistory(dir, 3600_000, () => now);
      h.add(point('2026-12-03T10:00:00Z', 'pass')); // two hours old: past the retention
      h.add(point('2026-12-03T11:30:00Z', 'pass'));
      h.add(point('2026-12-03T11:31:00Z', 'fail'));
      const file = path.join(dir, 'watch-history.jsonl');
      writeFileSync(file, `${readFileSync(file, 'utf8')}{"key":"tor`);
      const again = new WatchHistory(dir, 3600_000, () => now);
      expect(again.ofEdge('host→127.0.0.1:1').map((p) => p.at)).toEqual([
        '2026-12-03T11:30:00Z',
        '2026-12-03T11:31:00Z',
      ]);
      // The next point starts a line of its own: the torn one does not take it down with it.
      again.add(point('2026-12-03T11:32:00Z', 'pass'));
      const third = new WatchHistory(dir, 3600_000, () => now);
      expect(
        third
          .ofEdge('host→127.0.0.1:1')
          .map((p) => p.at)
          .at(-1),
      ).toBe('2026-12-03T11:32:00Z');
      again.compact();
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says since when a path is as it is, and how often it flipped', () => {
    const pts = [
      point('2026-12-03T11:00:00Z', 'pass'),
      point('2026-12-03T11:01:00Z', 'fail'),
      point('2026-12-03T11:02:00Z', 'pass'),
      point('2026-12-03T11:03:00Z', 'fail'),
      point('2026-12-03T11:04:00Z', 'fail'),
    ];
    expect(summarize(pts)).toEqual({ since: '2026-12-03T11:03:00Z', flips: 3 });
    expect(summarize([])).toEqual({ since: null, flips: 0 });
  });
});
