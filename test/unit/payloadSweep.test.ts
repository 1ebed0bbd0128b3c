import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { framePayload, mtuFromThreshold, payloadSweep, type SweepOptions } from '@/lib/probe/agent/payload';
import { routeV4, routeV6 } from '@/lib/probe/agent/route';
import { connectTcp } from '@/lib/probe/agent/tcp';
import { clientFrame } from '@/lib/probe/agent/ws';

// /proc/net/route of a container on 172.31.201.0/24 with a route to 172.31.202.0/24 through
// a router container at .2 (recorded from the payload lab on a real engine).
const ROUTES_V4 = `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
eth0	00000000	01C91FAC	0003	0	0	0	00000000	0	0	0
eth0	00C91FAC	00000000	0001	0	0	0	00FFFFFF	0	0	0
eth0	00CA1FAC	02C91FAC	0003	0	0	0	00FFFFFF	0	0	0
eth1	00000A0A	00000000	0000	0	0	0	0000FFFF	0	0	0
`;

const ROUTES_V6 = `fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000001 00000000 00000003     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
`;

describe('the route an agent reads in its namespace', () => {
  it('takes the longest IPv4 prefix and its gateway', () => {
    expect(routeV4(ROUTES_V4, '172.31.202.10')).toEqual({
      interface: 'eth0',
      gateway: '172.31.201.2',
      mtu: 0,
    });
    expect(routeV4(ROUTES_V4, '172.31.201.7')).toEqual({ interface: 'eth0', gateway: null, mtu: 0 });
    expect(routeV4(ROUTES_V4, '192.0.2.1')).toEqual({ interface: 'eth0', gateway: '172.31.201.1', mtu: 0 });
    // A route that is not up is no way out.
    expect(routeV4(ROUTES_V4, '10.10.0.1')?.interface).toBe('eth0');
    expect(routeV4('', '10.0.0.1')).toBeNull();
  });

  it('reads IPv6 routes and skips the unreachable catch-all on lo', () => {
    expect(routeV6(ROUTES_V6, 'fd00::5')).toEqual({ interface: 'eth0', gateway: null, mtu: 0 });
    expect(routeV6(ROUTES_V6, '2001:db8::1')).toEqual({ interface: 'eth0', gateway: 'fd00::1', mtu: 0 });
    expect(routeV6(ROUTES_V6.split('\n').slice(2).join('\n'), '2001:db8::1')).toBeNull();
  });
});

describe('WebSocket frames of an exact size', () => {
  it('writes as many bytes as asked, header and mask included', () => {
    for (const total of [100, 1018, 1228, 4096, 65535, 65550, 70000])
      expect(clientFrame(0x2, Buffer.alloc(framePayload(total))).length, String(total)).toBe(total);
  });
});

describe('the path MTU a threshold implies', () => {
  it('adds IP and TCP headers (with timestamps) when the threshold is one segment', () => {
    expect(mtuFromThreshold(1228, 1236, false)).toBe(1280);
    expect(mtuFromThreshold(1208, 1216, true)).toBe(1280);
    expect(mtuFromThreshold(1024, 2048, false)).toBeNull();
    expect(mtuFromThreshold(null, 1100, false)).toBeNull();
    expect(mtuFromThreshold(32768, 32770, false)).toBeNull();
  });
});

/**
 * A server behind a "black hole": once more than `limit` bytes have arrived on a connection
 * it goes silent for good, as when every full-size packet is dropped. Below it, it answers.
 */
function blackHoleServer(limit: number, mode: 'http' | 'ws', answerPings = true) {
  const server = net.createServer((sock) => {
    let got = 0;
    let buf = Buffer.alloc(0);
    let upgraded = false;
    sock.on('error', () => {});
    sock.on('data', (c: Buffer) => {
      got += c.length;
      buf = Buffer.concat([buf, c]);
      if (mode === 'http') {
        if (got > limit) return;
        if (buf.includes('\r\n\r\n'))
          sock.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
        return;
      }
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const key = /sec-websocket-key: (\S+)/i.exec(buf.toString())?.[1] ?? '';
        const accept = createHash('sha1')
          .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
          .digest('base64');
        sock.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
        // A greeting right after the upgrade is not an answer to anything the sweep sent.
        sock.write(Buffer.from([0x81, 0x05, ...Buffer.from('hello')]));
        upgraded = true;
        got = 0;
        buf = buf.subarray(end + 4);
        if (!buf.length) return;
      }
      if (got > limit || !answerPings) return;
      // The ping is the last 14 bytes (2 header + 4 mask + 8 payload) of what the sweep writes.
      if (buf.length >= 14 && (buf[buf.length - 14] as number) === 0x89) {
        sock.write(Buffer.from([0x8a, 0x00]));
        buf = Buffer.alloc(0);
      }
    });
  });
  return new Promise<{ port: number; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: (server.address() as net.AddressInfo).port, close: () => server.close() }),
    ),
  );
}

let stop: (() => void) | null = null;
afterEach(() => stop?.());

function options(port: number, carrier: 'http' | 'ws'): SweepOptions {
  return {
    carrier,
    open: async () => {
      try {
        return { stream: await connectTcp('127.0.0.1', port, 1000) };
      } catch (e) {
        return { stream: null, error: String(e) };
      }
    },
    hostHeader: `127.0.0.1:${port}`,
    path: '/',
    origin: null,
    headers: { 'User-Agent': 'reachmap-test' },
    waitMs: 250,
    deadline: performance.now() + 20_000,
  };
}

describe('the payload sweep', () => {
  it('finds the size where HTTP requests stop being answered, to within 4 bytes', async () => {
    const s = await blackHoleServer(1228, 'http');
    stop = s.close;
    const r = await payloadSweep(options(s.port, 'http'));
    expect(r.ok).toBe(false);
    expect(r.largestOk).not.toBeNull();
    expect(r.largestOk as number).toBeLessThanOrEqual(1228);
    expect(r.smallestStalled as number).toBeGreaterThan(1228);
    expect((r.smallestStalled as number) - (r.largestOk as number)).toBeLessThanOrEqual(4);
    expect(r.error).toBe(`STALLED at ${r.smallestStalled} B`);
    expect(r.attempts[0]).toMatchObject({ bytes: 1024, ok: true, answer: 'HTTP 200' });
    expect(r.attempts[1]).toMatchObject({ bytes: 2048, ok: false, error: 'STALLED' });
  });

  it('passes a path that answers 64 KiB', async () => {
    const s = await blackHoleServer(1 << 20, 'http');
    stop = s.close;
    const r = await payloadSweep(options(s.port, 'http'));
    expect(r).toMatchObject({ ok: true, largestOk: 65536, smallestStalled: null });
    expect(r.attempts.map((a) => a.bytes)).toEqual([1024, 2048, 4096, 8192, 16384, 32768, 65536]);
  });

  it('measures WebSocket frames by the pong that follows them', async () => {
    const s = await blackHoleServer(3000, 'ws');
    stop = s.close;
    const r = await payloadSweep(options(s.port, 'ws'));
    expect(r.attempts[0]).toMatchObject({ ok: true, answer: 'pong' });
    expect(r.ok).toBe(false);
    expect(r.largestOk as number).toBeLessThanOrEqual(3000);
    expect(r.smallestStalled as number).toBeGreaterThan(3000);
  });

  it('does not call a server that answers no ping a stall', async () => {
    const s = await blackHoleServer(1 << 20, 'ws', false);
    stop = s.close;
    const r = await payloadSweep(options(s.port, 'ws'));
    expect(r).toMatchObject({ ok: true, largestOk: null, smallestStalled: null });
    expect(r.note).toMatch(/not measured: the server answers no WebSocket ping/);
    expect(r.attempts).toHaveLength(1);
  });
});
