import { describe, expect, it } from 'vitest';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import type { ProbeResult, WsStep } from '@/lib/model/probe';
import { nginxSeconds, proxyIdleTimeout } from '@/lib/proxy/idleTimeout';
import { probesLab } from '../helpers';

describe("nginx's time syntax", () => {
  it('reads seconds, units and sums as nginx does', () => {
    expect(nginxSeconds('60')).toBe(60);
    expect(nginxSeconds('3s')).toBe(3);
    expect(nginxSeconds('500ms')).toBe(0.5);
    expect(nginxSeconds('1m30s')).toBe(90);
    expect(nginxSeconds('1h')).toBe(3600);
    expect(nginxSeconds('86400s')).toBe(86_400);
    for (const bad of ['', 's', '3x', '1.5s', '$timeout']) expect(nginxSeconds(bad), bad).toBeNull();
  });
});

const lab = probesLab();
const t = lab.topology;
const withWs = (lab.entries as Array<{ result: ProbeResult }>)
  .map((x) => x.result)
  .find((r) => r.steps.some((s) => s.kind === 'ws')) as ProbeResult;

function held(hold: WsStep['hold'], ws: Partial<WsStep> = {}): ProbeResult {
  return {
    ...withWs,
    ok: false,
    verdict: 'fail',
    decisive: 'close 1006',
    steps: withWs.steps.map((s) =>
      s.kind === 'ws'
        ? { ...s, ok: false, outcome: 'closed', closeCode: 1006, error: 'close 1006', ...ws, hold }
        : s,
    ),
  };
}
const rules = (r: ProbeResult) => diagnoseProbes(t, [r]).filter((x) => x.rule === 'ws-idle-timeout');

describe('a held WebSocket that ended early', () => {
  const proxy = {
    container: 'edge',
    directive: 'proxy_read_timeout (location /)',
    value: '30s',
    seconds: 30,
    source: 'inside edge: /etc/nginx/nginx.conf',
  };

  it('names the proxy directive when the session lasted about that long', () => {
    const [finding] = rules(
      held({ askedMs: 120_000, heldMs: 30_200, pingMs: 0, pings: 0, endedBy: 'cut', proxy }),
    );
    expect(finding?.title).toBe('edge cuts WebSocket sessions after 30s (proxy_read_timeout)');
    expect(finding?.evidence.map((e) => e.label)).toContain('proxy_read_timeout (location /) in edge');
  });

  it('says the directive does not match when the session ended much earlier', () => {
    const [finding] = rules(
      held({ askedMs: 120_000, heldMs: 9_000, pingMs: 0, pings: 0, endedBy: 'cut', proxy }),
    );
    expect(finding?.title).toMatch(/was cut after 9 s/);
    expect(finding?.message).toMatch(/does not match/);
  });

  it('is no timeout when the application closed with a reason, or the hold completed', () => {
    expect(
      rules(
        held(
          { askedMs: 60_000, heldMs: 5_000, pingMs: 0, pings: 0, endedBy: 'server-close' },
          { closeCode: 1000, outcome: 'closed' },
        ),
      ),
    ).toEqual([]);
    expect(
      rules(
        held(
          { askedMs: 60_000, heldMs: 60_000, pingMs: 0, pings: 0, endedBy: 'held' },
          { ok: true, outcome: 'open' },
        ),
      ),
    ).toEqual([]);
    expect(
      rules(
        held(
          { askedMs: 60_000, heldMs: 20_000, pingMs: 0, pings: 0, endedBy: 'server-close' },
          { closeCode: 1001 },
        ),
      ),
    ).toHaveLength(1);
  });

  it('is no idle timeout when the session dropped at once or while the other end talked', () => {
    expect(
      rules(held({ askedMs: 60_000, heldMs: 20, idleMs: 20, pingMs: 0, pings: 0, endedBy: 'cut', proxy })),
    ).toEqual([]);
    expect(
      rules(
        held({ askedMs: 60_000, heldMs: 30_000, idleMs: 300, pingMs: 0, pings: 0, endedBy: 'cut', proxy }),
      ),
    ).toEqual([]);
    // Quiet for 30 s after 10 s of traffic: the idle time is what matches the timeout.
    const [f] = rules(
      held({ askedMs: 60_000, heldMs: 40_000, idleMs: 30_100, pingMs: 0, pings: 0, endedBy: 'cut', proxy }),
    );
    expect(f?.title).toMatch(/after 30s \(proxy_read_timeout\)/);
  });

  it('says when the proxy’s value cannot be compared', () => {
    const [f] = rules(
      held({
        askedMs: 60_000,
        heldMs: 5_400,
        pingMs: 0,
        pings: 0,
        endedBy: 'cut',
        proxy: { ...proxy, value: '$t', seconds: null },
      }),
    );
    expect(f?.message).toMatch(/a value Reachmap cannot compare/);
  });
});

describe("the idle timeout of the route a held WebSocket took, in each proxy's terms", () => {
  const loc = (path: string, readTimeout: string) => ({
    server: ':80',
    listen: [],
    path,
    upstream: 'http://gateway:18789',
    upstreamServers: ['gateway:18789'],
    httpVersion: '1.1',
    upgradeHeader: null,
    connectionHeader: null,
    readTimeout,
  });
  it('follows Caddy path globs to the longest that matches', async () => {
    const c = t.containers.find(
      (x) => x.state === 'running' && x.attachments[0]?.ipv4,
    ) as (typeof t.containers)[number];
    const caddy = { ...c, image: 'caddy:2' };
    const topo = { ...t, containers: t.containers.map((x) => (x.id === c.id ? caddy : x)) };
    const address = caddy.attachments[0]?.ipv4 as string;
    const r: ProbeResult = {
      ...withWs,
      target: { ...withWs.target, path: '/ws/chat' },
      steps: withWs.steps.map((s) =>
        s.kind === 'tcp' ? { ...s, connected: { address, port: 80, localAddress: '', localPort: 0 } } : s,
      ),
    };
    const read = async () => ({ locations: [loc('*', 'none'), loc('/ws/*', '30s')], source: 'test' });
    expect(await proxyIdleTimeout(topo, r, read)).toMatchObject({
      container: caddy.name,
      directive: 'stream_timeout (route /ws/*)',
      value: '30s',
      seconds: 30,
    });
  });
});
