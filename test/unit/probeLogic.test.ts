import { describe, expect, it } from 'vitest';
import type { ProbeResult, ProbeStep } from '@/lib/model/probe';
import { candidates, parseHosts, parseResolvConf } from '@/lib/probe/agent/dns';
import { clientFrame, expectedAccept, parseServerFrames, shortReason } from '@/lib/probe/agent/ws';
import { addressAllowed, inCidr } from '@/lib/probe/cidr';
import { probeEndpoints } from '@/lib/probe/edges';
import { ProbeError, resolveInitiator } from '@/lib/probe/initiator';
import { allowPolicy, targetAllowed } from '@/lib/probe/policy';
import { probeAllTargets } from '@/lib/probe/probeAll';
import { kindsFor, parseTarget, TargetError } from '@/lib/probe/target';
import { verdictOf } from '@/lib/probe/verdict';
import { byService, fixtureTopology } from '../helpers';

describe('probe targets', () => {
  it('parses URLs and host:port, normalising hosts as a client would', () => {
    expect(parseTarget('http://gateway:18789/healthz?x=1')).toMatchObject({
      scheme: 'http',
      host: 'gateway',
      port: 18789,
      path: '/healthz?x=1',
      literal: false,
    });
    expect(parseTarget('wss://gw.example')).toMatchObject({ scheme: 'wss', port: 443, path: '/' });
    expect(parseTarget('http://0x7f.1/').host).toBe('127.0.0.1');
    expect(parseTarget('http://2130706433/').host).toBe('127.0.0.1');
    expect(parseTarget('[::1]:8080')).toMatchObject({
      scheme: 'tcp',
      host: '::1',
      port: 8080,
      literal: true,
    });
    expect(parseTarget('redis:6379')).toMatchObject({ scheme: 'tcp', host: 'redis', port: 6379 });
    expect(parseTarget('tcp://redis:6379/')).toMatchObject({
      input: 'tcp://redis:6379/',
      scheme: 'tcp',
      host: 'redis',
      port: 6379,
    });
    expect(() => parseTarget('tcp://redis')).toThrow(/expected a URL/);
  });

  it('refuses other schemes, credentials and garbage with a clear message', () => {
    expect(() => parseTarget('file:///etc/passwd')).toThrow(/unsupported scheme "file:"/);
    expect(() => parseTarget('gopher://x')).toThrow(TargetError);
    expect(() => parseTarget('http://u:p@x/')).toThrow(/credentials/);
    expect(() => parseTarget('just-a-name')).toThrow(/expected a URL/);
    expect(() => parseTarget('x:99999')).toThrow(/port out of range/);
  });

  it('derives the steps from the scheme', () => {
    expect(kindsFor(parseTarget('https://a/'), true)).toEqual(['dns', 'tcp', 'tls', 'http', 'ws']);
    expect(kindsFor(parseTarget('ws://a/'), false)).toEqual(['dns', 'tcp', 'ws']);
    expect(kindsFor(parseTarget('a:1'), true)).toEqual(['dns', 'tcp']);
  });
});

describe('allow policy', () => {
  const t = fixtureTopology('lab');
  const policy = allowPolicy(t, ['10.0.0.9']);

  it('allows topology addresses, gateways, loopback and host addresses; nothing else', () => {
    const gwIp = byService(t, 'gateway').attachments[0]?.ipv4 as string;
    for (const a of [
      gwIp,
      '127.0.0.1',
      '127.5.5.5',
      '::1',
      '::ffff:127.0.0.1',
      '10.0.0.9',
      ...t.networks.flatMap((n) => n.gateways),
    ]) {
      expect(addressAllowed(a, policy), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '203.0.113.5', '10.0.0.10', '::ffff:8.8.8.8'])
      expect(addressAllowed(a, policy), a).toBe(false);
  });

  it('allows a bridge subnet address no container holds (a stale address), not a macvlan one', () => {
    const bridge = t.networks.find(
      (n) => n.driver === 'bridge' && n.subnets.length,
    ) as (typeof t.networks)[number];
    const free = (bridge.subnets[0] as string).replace(/\.0\/\d+$/, '.250');
    expect(t.containers.some((c) => c.attachments.some((a) => a.ipv4 === free))).toBe(false);
    expect(addressAllowed(free, policy), free).toBe(true);
    const lan = { ...bridge, driver: 'macvlan', subnets: ['192.168.77.0/24'], gateways: [] };
    // A bridge the operator named (bridge.name=br0) may be joined to the LAN.
    const joined = { ...bridge, id: 'br0net', bridge: 'br0', subnets: ['192.168.78.0/24'], gateways: [] };
    const withLan = allowPolicy({ ...t, networks: [...t.networks, lan, joined] }, []);
    expect(addressAllowed('192.168.77.20', withLan)).toBe(false);
    expect(addressAllowed('192.168.78.20', withLan)).toBe(false);
  });

  it('checks names before any DNS query', () => {
    expect(targetAllowed('gateway-loopback', t, policy, 'vm')).toBeNull();
    expect(targetAllowed(byService(t, 'gateway').name, t, policy, 'vm')).toBeNull();
    expect(targetAllowed('localhost', t, policy, 'vm')).toBeNull();
    const net = t.networks.find((n) => n.name.endsWith('backend'))?.name as string;
    expect(targetAllowed(`gateway.${net}`, t, policy, 'vm')).toBeNull();
    expect(targetAllowed('gateway.example.com', t, policy, 'vm')).toMatch(/not a name/);
    expect(targetAllowed('example.com', t, policy, 'vm')).toMatch(/REACHMAP_PROBE_ALLOW/);
    expect(
      targetAllowed('example.com', t, allowPolicy(t, [], { entries: ['example.com'] }), 'vm', {
        entries: ['example.com'],
      }),
    ).toBeNull();
    expect(targetAllowed('8.8.8.8', t, allowPolicy(t, [], { entries: ['*'] }), 'vm')).toBeNull();
  });

  it('matches CIDRs for both families', () => {
    expect(inCidr('172.18.0.7', '172.18.0.0/16')).toBe(true);
    expect(inCidr('172.19.0.7', '172.18.0.0/16')).toBe(false);
    expect(inCidr('fd00::5', 'fd00::/8')).toBe(true);
    expect(inCidr('::ffff:10.1.2.3', '10.0.0.0/8')).toBe(true);
  });
});

describe('initiators', () => {
  const t = fixtureTopology('lab-multi-stopped');
  it('accepts host, names, id prefixes and service names; refuses stopped and unknown ones clearly', () => {
    expect(resolveInitiator(t, 'host').kind).toBe('host');
    const gw = byService(t, 'gateway');
    expect(resolveInitiator(t, gw.name).container?.id).toBe(gw.id);
    expect(resolveInitiator(t, gw.id.slice(0, 8)).container?.id).toBe(gw.id);
    expect(resolveInitiator(t, 'gateway').container?.id).toBe(gw.id);
    expect(() => resolveInitiator(t, 'multi')).toThrow(ProbeError);
    expect(() => resolveInitiator(t, byService(t, 'multi').name)).toThrow(/is not running \(exited/);
    expect(() => resolveInitiator(t, 'nope')).toThrow(/unknown initiator "nope"/);
  });
});

describe('resolver behaviour', () => {
  it('reads hosts and resolv.conf as glibc would', () => {
    const hosts = parseHosts(
      '127.0.0.1 localhost\n# comment\n172.18.0.4 f27053289633  # docker\n::1 localhost ip6-localhost\n',
    );
    expect(hosts.get('localhost')).toEqual(['127.0.0.1', '::1']);
    expect(hosts.get('f27053289633')).toEqual(['172.18.0.4']);
    expect(
      parseResolvConf('nameserver 127.0.0.11\nsearch corp.example\noptions ndots:0 timeout:1\n'),
    ).toEqual({ nameservers: ['127.0.0.11'], search: ['corp.example'], ndots: 0 });
    expect(parseResolvConf('').nameservers).toEqual(['127.0.0.1']);
  });

  it('applies search domains around ndots', () => {
    expect(candidates('gateway', ['corp.example'], 1)).toEqual(['gateway.corp.example', 'gateway']);
    expect(candidates('api.internal', ['corp.example'], 1)).toEqual([
      'api.internal',
      'api.internal.corp.example',
    ]);
    expect(candidates('x.', ['corp.example'], 1)).toEqual(['x']);
  });
});

describe('WebSocket framing', () => {
  it('computes Sec-WebSocket-Accept per RFC 6455', () => {
    expect(expectedAccept('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('parses server frames, including a close with code and reason, and keeps partial data', () => {
    const reason = Buffer.from('origin not allowed (see docs)');
    const close = Buffer.concat([Buffer.from([0x88, 2 + reason.length, 0x03, 0xf0]), reason]);
    const text = Buffer.concat([Buffer.from([0x81, 5]), Buffer.from('hello')]);
    const { frames, rest } = parseServerFrames(Buffer.concat([text, close, Buffer.from([0x81])]));
    expect(frames.map((f) => f.opcode)).toEqual([1, 8]);
    expect(frames[1]?.payload.readUInt16BE(0)).toBe(1008);
    expect(rest.length).toBe(1);
    expect(shortReason('origin not allowed (open the Control UI from the gateway host)')).toBe(
      'origin not allowed',
    );
  });

  it('masks client frames', () => {
    const f = clientFrame(1, Buffer.from('hi'));
    expect(f[1] && f[1] & 0x80).toBe(0x80);
    expect(f.length).toBe(2 + 4 + 2);
  });
});

const S = (kind: ProbeStep['kind'], ok: boolean, error?: string) =>
  ({ kind, ok, ms: 1, at: 0, ...(error ? { error } : {}) }) as unknown as ProbeStep;

describe('verdicts', () => {
  it('pass, fail at the first failing step, partial when only the WebSocket fails after HTTP passed', () => {
    expect(verdictOf([S('dns', true), S('tcp', true), S('http', true)])).toEqual({
      ok: true,
      verdict: 'pass',
      decisive: null,
    });
    expect(verdictOf([S('dns', true), S('tcp', false, 'ECONNREFUSED')])).toMatchObject({
      ok: false,
      verdict: 'fail',
      decisive: 'ECONNREFUSED',
    });
    expect(
      verdictOf([S('dns', true), S('tcp', true), S('http', true), S('ws', false, 'WS 200')]),
    ).toMatchObject({ verdict: 'partial', decisive: 'WS 200' });
    expect(
      verdictOf([S('dns', true), S('tcp', true), S('ws', false, 'close 1008 origin not allowed')]),
    ).toMatchObject({ verdict: 'fail' });
  });
});

describe('probe-all targets and edge endpoints', () => {
  const t = fixtureTopology('lab');

  it('a sibling probes every listener on shared networks by service name, loopback-only ones included', () => {
    const targets = probeAllTargets(t, resolveInitiator(t, 'client'));
    const tos = targets.map((x) => x.to);
    expect(tos).toContain('gateway-loopback:18789');
    expect(tos).toContain('gateway:18789');
    expect(tos).toContain('proxy-plain:80');
    expect(tos).not.toContain(expect.stringContaining('legacy')); // default bridge: no shared network
  });

  it('the sidecar probes its own namespace on 127.0.0.1; the host probes published ports', () => {
    expect(probeAllTargets(t, resolveInitiator(t, 'cli-sidecar')).map((x) => x.to)).toContain(
      '127.0.0.1:18789',
    );
    const host = probeAllTargets(t, resolveInitiator(t, 'host')).map((x) => x.to);
    expect(host).toEqual(expect.arrayContaining(['127.0.0.1:28789', '127.0.0.1:28790']));
  });

  it('an edge ends at the container that owns the dialled address or published port', () => {
    const gw = byService(t, 'gateway-loopback');
    const client = byService(t, 'client');
    const ip = gw.attachments[0]?.ipv4 as string;
    const r = {
      initiator: {
        kind: 'container',
        id: client.id,
        name: client.name,
        netns: client.netns,
        hostname: '',
        routes: [],
      },
      target: {
        input: 'gateway-loopback:18789',
        scheme: 'tcp',
        host: 'gateway-loopback',
        port: 18789,
        path: '',
        literal: false,
      },
      steps: [
        {
          kind: 'tcp',
          ok: false,
          ms: 1,
          at: 0,
          port: 18789,
          attempts: [{ address: ip, ok: false, ms: 1, error: 'ECONNREFUSED' }],
        },
      ],
    } as unknown as ProbeResult;
    expect(probeEndpoints(t, r)).toEqual({ source: `ctr:${client.id}`, target: `ctr:${gw.id}` });
    const fromHost = {
      ...r,
      initiator: { ...r.initiator, kind: 'host', id: 'host', netns: null },
      target: { ...r.target, host: '127.0.0.1', port: 28789, literal: true },
      steps: [
        {
          kind: 'tcp',
          ok: true,
          ms: 1,
          at: 0,
          port: 28789,
          attempts: [],
          connected: { address: '127.0.0.1', port: 28789, localAddress: '127.0.0.1', localPort: 5 },
        },
      ],
    } as unknown as ProbeResult;
    expect(probeEndpoints(t, fromHost)).toEqual({ source: 'ns:host', target: `ctr:${gw.id}` });
  });
});

describe('runner choice', () => {
  const base = {
    setting: 'auto' as const,
    initiator: 'container' as const,
    sameNamespace: false,
    pid: 1234,
    root: true,
    nsenter: true,
    agentBuilt: true,
    docker: true,
    helperImage: null,
    containerHasNode: async () => true,
  };
  it('prefers a separate agent process, then nsenter, then exec, then a helper container', async () => {
    const { chooseRunner } = await import('@/lib/probe/runners/choose');
    // Reachmap's own namespace: still out of the server's process, unless no agent is built
    // or in-process is asked for.
    expect(await chooseRunner({ ...base, sameNamespace: true })).toEqual({ kind: 'process' });
    expect(await chooseRunner({ ...base, sameNamespace: true, agentBuilt: false })).toEqual({
      kind: 'in-process',
    });
    expect(await chooseRunner({ ...base, sameNamespace: true, setting: 'in-process' })).toEqual({
      kind: 'in-process',
    });
    expect(await chooseRunner(base)).toEqual({ kind: 'nsenter' });
    expect(await chooseRunner({ ...base, pid: null })).toEqual({ kind: 'exec' });
    expect(
      await chooseRunner({ ...base, pid: null, containerHasNode: async () => false, helperImage: 'node:24' }),
    ).toEqual({ kind: 'helper-container' });
  });
  it('says what each runner lacked when none fits', async () => {
    const { chooseRunner } = await import('@/lib/probe/runners/choose');
    const r = await chooseRunner({ ...base, pid: null, root: false, containerHasNode: async () => false });
    expect(r.kind).toBeNull();
    expect(r.kind === null && r.why).toMatch(
      /nsenter: no visible process.*not root.*exec: the container has no `node`.*REACHMAP_HELPER_IMAGE is not set/,
    );
    expect(await chooseRunner({ ...base, setting: 'exec', initiator: 'host' })).toMatchObject({ kind: null });
  });
});

describe('WebSocket verdicts against an OpenClaw-like gateway (real handshake, local server)', () => {
  it('close 1008 after NOT_PAIRED is reachable; close 1008 origin not allowed is not', async () => {
    const { createServer } = await import('node:net');
    const { createHash } = await import('node:crypto');
    const { wsHandshake } = await import('@/lib/probe/agent/ws');
    const net = await import('node:net');
    const frame = (op: number, payload: Buffer) =>
      Buffer.concat([
        payload.length < 126
          ? Buffer.from([0x80 | op, payload.length])
          : Buffer.from([0x80 | op, 126, payload.length >> 8, payload.length & 0xff]),
        payload,
      ]);
    const close = (code: number, reason: string) => {
      const p = Buffer.alloc(2 + reason.length);
      p.writeUInt16BE(code, 0);
      p.write(reason, 2);
      return frame(8, p);
    };
    const serve = (errorCode: string, reason: string) =>
      new Promise<number>((resolve) => {
        const srv = createServer((sock) => {
          sock.once('data', (d) => {
            const key = /Sec-WebSocket-Key: (.+)\r\n/.exec(d.toString())?.[1] ?? '';
            const accept = createHash('sha1')
              .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
              .digest('base64');
            sock.write(
              `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
            );
            sock.write(frame(1, Buffer.from('{"type":"event","event":"connect.challenge","payload":{}}')));
            sock.once('data', () => {
              sock.write(
                frame(
                  1,
                  Buffer.from(
                    JSON.stringify({ type: 'res', ok: false, error: { code: errorCode, message: reason } }),
                  ),
                ),
              );
              sock.end(close(1008, reason));
              srv.close();
            });
          });
        });
        srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port));
      });
    const attempt = async (code: string, reason: string) => {
      const port = await serve(code, reason);
      const sock = net.connect(port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      return wsHandshake(sock, {
        hostHeader: 'gw',
        path: '/',
        origin: null,
        headers: {},
        timeoutMs: 2000,
        windowMs: 500,
      });
    };
    expect(await attempt('NOT_PAIRED', 'device identity required')).toMatchObject({
      ok: true,
      outcome: 'auth-required',
      closeCode: 1008,
    });
    expect(
      await attempt('INVALID_REQUEST', 'origin not allowed (allow it in gateway.controlUi.allowedOrigins)'),
    ).toMatchObject({
      ok: false,
      outcome: 'rejected',
      error: 'close 1008 origin not allowed',
    });
  });
});
