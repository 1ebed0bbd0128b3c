import { createHash } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { wsHandshake } from '@/lib/probe/agent/ws';

/**
 * A hostile WebSocket peer on loopback: it accepts the upgrade with a valid 101, then sends
 * whatever bytes a test scripts. Every case must end in a verdict, never a throw or a hang.
 */

function frame(op: number, payload: Buffer, fin = true): Buffer {
  const b0 = (fin ? 0x80 : 0) | op;
  const n = payload.length;
  const head =
    n < 126
      ? Buffer.from([b0, n])
      : n < 65536
        ? Buffer.from([b0, 126, n >> 8, n & 0xff])
        : Buffer.concat([
            Buffer.from([b0, 127]),
            (() => {
              const b = Buffer.alloc(8);
              b.writeBigUInt64BE(BigInt(n));
              return b;
            })(),
          ]);
  return Buffer.concat([head, payload]);
}

function closeFrame(code: number, reason: string, fin = true): Buffer {
  const p = Buffer.alloc(2 + Buffer.byteLength(reason));
  p.writeUInt16BE(code, 0);
  p.write(reason, 2);
  return frame(8, p, fin);
}

async function probeAgainst(after101: Buffer[], windowMs = 400) {
  const received: Buffer[] = [];
  const srv = createServer((sock) => {
    sock.on('error', () => {});
    sock.once('data', (d) => {
      const key = /Sec-WebSocket-Key: (.+)\r\n/.exec(d.toString())?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      sock.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      for (const b of after101) sock.write(b);
      sock.on('data', (x) => received.push(x));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  const sock = connect(port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  const t0 = performance.now();
  try {
    const step = await wsHandshake(sock, {
      hostHeader: 'peer',
      path: '/',
      origin: null,
      headers: {},
      timeoutMs: 2000,
      windowMs,
    });
    return { step, ms: performance.now() - t0, received: Buffer.concat(received) };
  } finally {
    sock.destroy();
    srv.close();
  }
}

describe('a hostile WebSocket peer gets a verdict, never a crash', () => {
  it('a text frame `null` (valid JSON, not an object) is read past, and the probe ends normally', async () => {
    const { step } = await probeAgainst([frame(1, Buffer.from('null')), frame(1, Buffer.from('42'))]);
    expect(step.outcome, JSON.stringify(step)).not.toBe('error');
    expect(step.frames.map((f) => f.text)).toEqual(['null', '42']);
  });

  it('a close frame with a 1 MiB reason is a protocol error, decided at once', async () => {
    const { step, ms } = await probeAgainst([closeFrame(1008, 'a.'.repeat(512 * 1024))]);
    expect(step, JSON.stringify(step).slice(0, 400)).toMatchObject({
      ok: false,
      outcome: 'error',
      error: 'WS_PROTOCOL_ERROR',
    });
    expect(step.closeReason).toBeUndefined();
    expect(ms).toBeLessThan(1500);
  });

  it('a 100,000-byte ping is a protocol error and gets no pong', async () => {
    const { step, received } = await probeAgainst([frame(9, Buffer.alloc(100_000, 0x61))]);
    expect(step).toMatchObject({ ok: false, error: 'WS_PROTOCOL_ERROR' });
    // Whatever the probe wrote after the upgrade (its OpenClaw connect, if any) holds no pong.
    expect(received.includes(Buffer.from([0x8a]))).toBe(false);
  });

  it('a fragmented close frame is a protocol error', async () => {
    const { step } = await probeAgainst([closeFrame(1000, 'bye', false)]);
    expect(step).toMatchObject({ ok: false, error: 'WS_PROTOCOL_ERROR' });
  });

  it('a 128 KiB text frame of `a.a.a…` is kept short in the evidence and decided quickly', async () => {
    const { step, ms } = await probeAgainst([frame(1, Buffer.from('a.'.repeat(64 * 1024)))]);
    expect(step.frames[0]?.text?.length).toBeLessThanOrEqual(300);
    expect(ms).toBeLessThan(2000);
  });

  it('a small ping is answered with a pong carrying the same payload', async () => {
    const { received } = await probeAgainst([frame(9, Buffer.from('hi'))]);
    const i = received.indexOf(0x8a);
    expect(i).toBeGreaterThanOrEqual(0);
  });
});
