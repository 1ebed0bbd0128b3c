import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { PayloadAttempt, PayloadStep } from '../../model/probe';
import { clientFrame, parseServerFrames } from './ws';

/**
 * Requests of growing size, each written at once on a fresh connection, until one gets no
 * answer: then a bisection between the last that got one and the first that did not. A
 * hop with a smaller MTU that drops (or never gets back) ICMP "fragmentation needed" passes
 * every request that fits one packet and swallows the rest: the threshold is the path MTU.
 *
 * HTTP: a GET padded in one header, so nothing is created on the server (a POST body would
 * reach the application); any status, even 431 "headers too large", means the bytes crossed.
 * WebSocket: after the upgrade, the first fragment of a binary message followed by a ping;
 * RFC 6455 servers answer the ping only after reading everything before it, and hold the
 * fragment (the application never sees it). A server that answers no ping at all
 * cannot be measured this way, and the step says so instead of calling it a stall.
 */

export const SIZES = [1024, 2048, 4096, 8192, 16384, 32768, 65536];
/** Bisection stops when the gap is this small or after this many extra tries (a stall costs a wait). */
const PRECISION = 4;
const MAX_BISECT = 9;

export type Opened = { stream: Duplex | null; error?: string };
type Outcome = { answer: string } | { error: string };
export type SweepResult = Omit<PayloadStep, 'kind' | 'ms' | 'at' | 'route' | 'path' | 'mtuEstimate'>;

export interface SweepOptions {
  carrier: 'http' | 'ws';
  open: () => Promise<Opened>;
  hostHeader: string;
  path: string;
  origin: string | null;
  headers: Record<string, string>;
  /** How long an attempt waits for an answer before calling it stalled. */
  waitMs: number;
  /** performance.now() after which no new attempt starts. */
  deadline: number;
}

/** Write `data` at once; resolve with the first answer `recognise` finds, or STALLED after waitMs. */
function exchange(
  stream: Duplex,
  data: Buffer,
  waitMs: number,
  recognise: (buf: Buffer) => string | null,
): Promise<Outcome> {
  return new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0);
    const done = (o: Outcome) => {
      clearTimeout(timer);
      stream.removeAllListeners('data');
      stream.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ error: 'STALLED' }), waitMs);
    stream.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]).subarray(-64 * 1024);
      const a = recognise(buf);
      if (a) done({ answer: a });
    });
    stream.once('end', () => done({ error: 'CLOSED' }));
    stream.once('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
    stream.write(data);
  });
}

function httpRequest(o: SweepOptions, bytes: number): Buffer {
  const head = [
    `GET ${o.path} HTTP/1.1`,
    `Host: ${o.hostHeader}`,
    ...Object.entries(o.headers).map(([k, v]) => `${k}: ${v}`),
    ...(o.origin ? [`Origin: ${o.origin}`] : []),
    'Connection: close',
    'X-Reachmap-Pad: ',
  ].join('\r\n');
  const pad = Math.max(0, bytes - head.length - 4);
  return Buffer.from(`${head}${'p'.repeat(pad)}\r\n\r\n`);
}

const httpAnswer = (buf: Buffer): string | null => {
  const line = buf.toString('latin1').split('\r\n')[0] ?? '';
  const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(line);
  if (m) return `HTTP ${m[1]}`;
  return buf.length >= 16 ? 'bytes' : null;
};

const wsAnswer = (buf: Buffer): string | null => {
  for (const f of parseServerFrames(buf).frames) {
    if (f.opcode === 0xa) return 'pong';
    if (f.opcode === 0x8) return `close ${f.payload.length >= 2 ? f.payload.readUInt16BE(0) : ''}`.trim();
  }
  return null;
};

/** The upgrade on a fresh stream. */
function wsUpgrade(
  stream: Duplex,
  o: SweepOptions,
  waitMs: number,
): Promise<{ upgraded: true } | { error: string }> {
  const key = randomBytes(16).toString('base64');
  const lines = [
    `GET ${o.path} HTTP/1.1`,
    `Host: ${o.hostHeader}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
    ...(o.origin ? [`Origin: ${o.origin}`] : []),
    ...Object.entries(o.headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0);
    const done = (r: { upgraded: true } | { error: string }) => {
      clearTimeout(timer);
      stream.removeListener('data', onData);
      if ('error' in r) stream.destroy();
      resolve(r);
    };
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return buf.length > 32 * 1024 ? done({ error: 'no upgrade' }) : undefined;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(buf.toString('latin1'))?.[1];
      done(status === '101' ? { upgraded: true } : { error: `WS ${status ?? 'no status'}` });
    };
    const timer = setTimeout(() => done({ error: 'no upgrade within the wait' }), waitMs);
    stream.on('data', onData);
    stream.once('end', () => done({ error: 'closed before the upgrade' }));
    stream.once('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
    stream.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

const PING = Buffer.from('reachmap');

/** The payload length that makes a masked client frame exactly `total` bytes (header + mask + payload). */
export function framePayload(total: number): number {
  if (total <= 131) return Math.max(0, total - 6);
  // Sizes the 2- and 8-byte length forms cannot reach exactly get the nearest below.
  if (total <= 133) return 125;
  if (total - 8 <= 65535) return total - 8;
  if (total - 14 < 65536) return 65535;
  return total - 14;
}

async function attempt(o: SweepOptions, bytes: number): Promise<PayloadAttempt> {
  const t0 = performance.now();
  // Never wait past the sweep's deadline: the agent is stopped not long after it.
  const wait = () => Math.max(100, Math.min(o.waitMs, Math.round(o.deadline - performance.now())));
  const ms = () => Math.round((performance.now() - t0) * 10) / 10;
  const opened = await o.open();
  if (!opened.stream) return { bytes, ok: false, ms: ms(), error: opened.error ?? 'connect failed' };
  const stream = opened.stream;
  let out: Outcome;
  let written = bytes;
  if (o.carrier === 'http') {
    const req = httpRequest(o, bytes);
    written = req.length;
    out = await exchange(stream, req, wait(), httpAnswer);
  } else {
    // Frames that came with the 101 (a challenge, a greeting) are not answers to this one.
    const up = await wsUpgrade(stream, o, wait());
    if ('error' in up) return { bytes, ok: false, ms: ms(), error: up.error };
    const ping = clientFrame(0x9, PING);
    // bytes = 0: the baseline, a ping alone (does this server answer pings at all?).
    // The first fragment of a binary message (FIN unset): servers hold fragments until the
    // message ends, so the padding never reaches the application; the ping may come between.
    const frame = bytes > 0 ? clientFrame(0x2, Buffer.alloc(framePayload(bytes - ping.length)), false) : null;
    const data = frame ? Buffer.concat([frame, ping]) : ping;
    written = data.length;
    out = await exchange(stream, data, wait(), wsAnswer);
  }
  return 'answer' in out
    ? { bytes: written, ok: true, ms: ms(), answer: out.answer }
    : { bytes: written, ok: false, ms: ms(), error: out.error };
}

const stalled = (a: PayloadAttempt) => a.error === 'STALLED';

export async function payloadSweep(o: SweepOptions): Promise<SweepResult> {
  const attempts: PayloadAttempt[] = [];
  const timeLeft = () => performance.now() < o.deadline;
  if (o.carrier === 'ws') {
    const base = await attempt(o, 0);
    attempts.push(base);
    if (!base.ok)
      return {
        ok: true,
        carrier: 'ws',
        attempts,
        largestOk: null,
        smallestStalled: null,
        note:
          base.error === 'STALLED'
            ? 'not measured: the server answers no WebSocket ping, so a frame that stalls cannot be told from one it ignores'
            : `not measured: ${base.error}`,
      };
  }
  let largestOk: number | null = null;
  let smallestStalled: number | null = null;
  let broke: PayloadAttempt | null = null;
  for (const size of SIZES) {
    if (!timeLeft()) break;
    const a = await attempt(o, size);
    attempts.push(a);
    if (a.ok) largestOk = a.bytes;
    else {
      if (stalled(a)) smallestStalled = a.bytes;
      else broke = a;
      break;
    }
  }
  // Narrow the threshold down: the first stall is a power of two, the path MTU is not.
  let lo = largestOk ?? 0;
  for (let i = 0; smallestStalled !== null && smallestStalled - lo > PRECISION && i < MAX_BISECT; i++) {
    if (!timeLeft()) break;
    const mid = Math.floor((lo + smallestStalled) / 2);
    const a = await attempt(o, mid);
    attempts.push(a);
    if (a.ok) {
      lo = a.bytes;
      largestOk = a.bytes;
    } else if (stalled(a)) smallestStalled = a.bytes;
    else {
      broke = a;
      break;
    }
  }
  const what = o.carrier === 'http' ? 'requests' : 'WebSocket frames';
  const answered = largestOk !== null ? `${what} up to ${largestOk} bytes were answered; ` : '';
  if (smallestStalled !== null)
    return {
      ok: false,
      carrier: o.carrier,
      attempts,
      largestOk,
      smallestStalled,
      error: `STALLED at ${smallestStalled} B`,
      note: `${answered}one of ${smallestStalled} bytes got no answer within ${o.waitMs} ms: something on the path drops packets above a size`,
    };
  if (broke)
    return {
      ok: true,
      carrier: o.carrier,
      attempts,
      largestOk,
      smallestStalled,
      note: `${answered}stopped at ${broke.bytes} bytes: ${broke.error} (not a stall)`,
    };
  return {
    ok: true,
    carrier: o.carrier,
    attempts,
    largestOk,
    smallestStalled,
    note:
      largestOk === SIZES[SIZES.length - 1] || (largestOk ?? 0) >= 65536
        ? `${what} up to 64 KiB were answered: no size limit on the path`
        : `${answered}the sweep ran out of time`,
  };
}

/** IP + TCP headers with timestamps (what Linux sends by default) on top of one segment. */
export function mtuFromThreshold(largestOk: number | null, smallestStalled: number | null, ipv6: boolean) {
  if (largestOk === null || smallestStalled === null || smallestStalled - largestOk > 16) return null;
  // Past a jumbo frame it is not one segment any more: no MTU to infer.
  if (largestOk > 9000) return null;
  return largestOk + (ipv6 ? 40 : 20) + 32;
}
