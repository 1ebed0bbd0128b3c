import { createHash, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { WsStep } from '../../model/probe';
import { redactText } from '../../redact';
import { printable, safeHeaders } from './http';

/**
 * A WebSocket handshake on a connection the probe made, then a short watch of what the
 * application does: a 101 alone is not success (OpenClaw accepts the upgrade, sends a
 * challenge, and closes 1008 "origin not allowed" only after the client's `connect`).
 * When the server sends OpenClaw's connect.challenge, the probe answers with the minimal
 * well-formed `connect` the gateway accepts from probes — no credentials — so origin
 * rejections are told apart from "needs a token" (shared/docs/openclaw.md).
 */

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEAD_CAP = 32 * 1024;
const MAX_FRAMES = 20;
/** RFC 6455 §5.5: a control frame's payload is at most 125 bytes. */
const MAX_CONTROL = 125;
/** Characters of a text frame looked at for the evidence (redacted, then cut to 300). */
const TEXT_SCAN = 1024;
/** Body bytes kept after a non-101 answer; frame bytes allowed to wait for completion. */
const BODY_KEEP = 4096;
const MAX_PENDING = 1024 * 1024;

export function expectedAccept(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** A masked client frame (clients must mask, RFC 6455 §5.3). */
export function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const b0 = (fin ? 0x80 : 0) | opcode;
  const mask = randomBytes(4);
  const len = payload.length;
  let head: Buffer;
  if (len < 126) head = Buffer.from([b0, 0x80 | len]);
  else if (len < 65536) head = Buffer.from([b0, 0x80 | 126, len >> 8, len & 0xff]);
  else {
    head = Buffer.alloc(10);
    head[0] = b0;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (mask[i % 4] as number);
  return Buffer.concat([head, mask, body]);
}

export interface ServerFrame {
  /** The last fragment of a message (control frames must never be fragmented). */
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Parse server frames from a buffer; returns the frames and the unparsed rest. */
export function parseServerFrames(buf: Buffer): { frames: ServerFrame[]; rest: Buffer } {
  const frames: ServerFrame[] = [];
  let off = 0;
  while (buf.length - off >= 2) {
    const b0 = buf[off] as number;
    const b1 = buf[off + 1] as number;
    let len = b1 & 0x7f;
    let p = off + 2;
    if (len === 126) {
      if (buf.length - p < 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (buf.length - p < 8) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    if (masked) p += 4;
    if (buf.length - p < len) break;
    let payload = buf.subarray(p, p + len);
    if (masked) {
      const mask = buf.subarray(p - 4, p);
      payload = Buffer.from(payload.map((x, i) => x ^ (mask[i % 4] as number)));
    }
    frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload: Buffer.from(payload) });
    off = p + len;
  }
  return { frames, rest: buf.subarray(off) };
}

/** Rejections that mean "who are you", not "you cannot come from there". */
const AUTH_REASON = /unauthori[sz]ed|device identity|pairing|not[_ ]paired|auth(entication)? required|token/i;

const OPENCLAW_CONNECT = {
  type: 'req',
  id: 'reachmap-probe-1',
  method: 'connect',
  params: {
    minProtocol: 1,
    maxProtocol: 99,
    client: { id: 'openclaw-probe', version: 'reachmap', platform: 'linux', mode: 'probe' },
  },
};

/** "origin not allowed (open the Control UI …)" → "origin not allowed" */
export function shortReason(reason: string): string {
  const s = reason.replace(/\s*\(.*$/, '').trim();
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

export function wsHandshake(
  socket: Duplex,
  opts: {
    hostHeader: string;
    path: string;
    origin: string | null;
    headers: Record<string, string>;
    timeoutMs: number;
    windowMs: number;
    /** Keep the session this long after the upgrade (0: the verdict window only). */
    holdMs?: number;
    pingMs?: number;
  },
): Promise<Omit<WsStep, 'ms' | 'at' | 'kind'>> {
  const key = randomBytes(16).toString('base64');
  const reqHeaders: Record<string, string> = {
    Host: opts.hostHeader,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Version': '13',
    ...(opts.origin ? { Origin: opts.origin } : {}),
    ...opts.headers,
  };
  const request = { path: opts.path, headers: safeHeaders(reqHeaders) };
  const t0 = performance.now();
  const elapsed = () => Math.round((performance.now() - t0) * 10) / 10;

  return new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0);
    let upgraded = false;
    let status: number | undefined;
    let statusLine: string | undefined;
    let headers: Record<string, string> = {};
    let acceptValid: boolean | undefined;
    const frames: WsStep['frames'] = [];
    let appVerdict: { ok: boolean; note: string; auth?: boolean } | null = null;
    let settled = false;
    let windowTimer: NodeJS.Timeout | null = null;
    let contentType = '';
    let headDone = false;
    const holdMs = opts.holdMs ?? 0;
    const pingMs = opts.pingMs ?? 0;
    let upgradedAt = 0;
    /** When the other end last sent anything after the upgrade (an idle timeout counts from it). */
    let lastHeard = 0;
    let pings = 0;
    let pinger: NodeJS.Timeout | null = null;
    const hold = (endedBy: 'held' | 'server-close' | 'cut') =>
      holdMs > 0 && upgradedAt > 0
        ? {
            hold: {
              askedMs: holdMs,
              heldMs: Math.round(performance.now() - upgradedAt),
              idleMs: Math.round(performance.now() - lastHeard),
              pingMs,
              pings,
              endedBy,
            },
          }
        : {};

    const noUpgrade = () =>
      finish({
        outcome: 'no-upgrade',
        error: `WS ${status ?? 'no status'}`,
        bodyPrefix: printable(buf),
        note:
          status === 200
            ? `answered as plain HTTP (${contentType || 'no content-type'}) instead of 101: Upgrade/Connection headers were not forwarded to the application${contentType.includes('text/html') ? ' — it served its page' : ''}`
            : `the upgrade was refused with HTTP ${status}`,
      });

    const finish = (r: Partial<Omit<WsStep, 'ms' | 'at' | 'kind'>> & { outcome: WsStep['outcome'] }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (windowTimer) clearTimeout(windowTimer);
      if (pinger) clearInterval(pinger);
      if (upgraded && !socket.destroyed) {
        socket.end(clientFrame(0x8, Buffer.from([0x03, 0xe8]))); // close 1000
        setTimeout(() => socket.destroy(), 200).unref();
      } else socket.destroy();
      resolve({
        ok: r.outcome === 'open' || r.outcome === 'auth-required',
        request,
        status,
        statusLine,
        headers,
        acceptValid,
        frames,
        ...r,
      });
    };
    const timer = setTimeout(
      () =>
        finish(
          upgraded
            ? { outcome: 'open' }
            : {
                outcome: 'error',
                error: 'ETIMEDOUT',
                note: 'no response to the upgrade request within the timeout',
              },
        ),
      opts.timeoutMs + (upgraded ? Math.max(opts.windowMs, holdMs) : 0),
    );

    const onFrames = () => {
      const { frames: got, rest } = parseServerFrames(buf);
      buf = rest;
      if (got.length) lastHeard = performance.now();
      for (const f of got) {
        // Control frames (close, ping, pong) carry at most 125 bytes and are never fragmented
        // (RFC 6455 §5.5). A peer that breaks this gets a verdict, not a pong or a regex
        // over a megabyte of close reason.
        if (f.opcode >= 0x8 && (f.payload.length > MAX_CONTROL || !f.fin)) {
          finish({
            outcome: 'error',
            error: 'WS_PROTOCOL_ERROR',
            note: `the server sent an invalid control frame (opcode ${f.opcode}, ${f.payload.length} bytes${f.fin ? '' : ', fragmented'}): RFC 6455 allows at most 125 bytes, unfragmented`,
          });
          return;
        }
        const text = f.opcode === 0x1 ? f.payload.toString('utf8') : undefined;
        if (frames.length < MAX_FRAMES)
          frames.push({
            at: elapsed(),
            opcode: f.opcode,
            // Cut before redacting: the evidence keeps 300 characters, the peer may send megabytes.
            ...(text !== undefined ? { text: redactText(text.slice(0, TEXT_SCAN)).slice(0, 300) } : {}),
          });
        if (f.opcode === 0x8) {
          const code = f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
          const reason = f.payload.subarray(2).toString('utf8');
          const label = `close ${code}${reason ? ` ${shortReason(reason)}` : ''}`;
          // The path and the Origin were accepted; the application wants credentials or pairing,
          // which a probe does not have. That is reachability, not a failure.
          if (code === 1008 && (appVerdict?.auth || AUTH_REASON.test(reason))) {
            finish({
              outcome: 'auth-required',
              closeCode: code,
              closeReason: reason,
              note: `reachable: upgrade and Origin accepted; the application then asks for credentials or pairing (${shortReason(reason) || appVerdict?.note}) — expected for a probe without a token`,
            });
            return;
          }
          finish({
            outcome: code === 1000 ? 'closed' : 'rejected',
            closeCode: code,
            closeReason: reason,
            error: label,
            ...hold('server-close'),
            note:
              appVerdict?.note ??
              (code === 1000
                ? 'the server closed the connection normally right after the upgrade'
                : `the application rejected the session after the upgrade: ${reason || `code ${code}`}`),
          });
          return;
        }
        if (f.opcode === 0x9) socket.write(clientFrame(0xa, f.payload)); // ping → pong
        if (text === undefined) continue;
        let msg: {
          type?: string;
          event?: string;
          ok?: boolean;
          error?: { code?: string; message?: string; details?: { code?: string } };
          payload?: { type?: string };
        };
        try {
          msg = JSON.parse(text);
        } catch {
          continue;
        }
        // Valid JSON need not be an object: `null`, `42` or `"x"` are not application messages.
        if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) continue;
        if (msg.type === 'event' && msg.event === 'connect.challenge') {
          socket.write(clientFrame(0x1, Buffer.from(JSON.stringify(OPENCLAW_CONNECT))));
        } else if (msg.type === 'res' && msg.ok === false) {
          const code = `${msg.error?.details?.code ?? ''} ${msg.error?.code ?? ''} ${msg.error?.message ?? ''}`;
          appVerdict = {
            ok: false,
            auth: AUTH_REASON.test(code) && !/origin/i.test(code),
            note: `the application answered connect with ${msg.error?.details?.code ?? msg.error?.code ?? 'an error'}: ${msg.error?.message ?? ''}`.trim(),
          };
          // Its verdict is known: a hold would only wait for nothing.
          if (holdMs > 0) {
            finish(
              appVerdict.auth
                ? { outcome: 'auth-required', note: `reachable; ${appVerdict.note}` }
                : { outcome: 'rejected', error: 'connect rejected', note: appVerdict.note },
            );
            return;
          }
        } else if (msg.type === 'res' && msg.ok === true && holdMs > 0) {
          appVerdict = null; // accepted: the hold goes on, and its end says how it ended
        } else if (msg.type === 'res' && msg.ok === true) {
          finish({
            outcome: 'open',
            note: `the application accepted the session (${msg.payload?.type ?? 'ok'})`,
          });
          return;
        }
      }
      // A control frame announcing more than 125 bytes is invalid from its header on: do not
      // wait for (up to a megabyte of) payload to say so.
      const pendingOp = (buf[0] ?? 0) & 0x0f;
      if (buf.length >= 2 && pendingOp >= 0x8 && ((buf[1] as number) & 0x7f) > MAX_CONTROL) {
        finish({
          outcome: 'error',
          error: 'WS_PROTOCOL_ERROR',
          note: `the server sent an invalid control frame (opcode ${pendingOp}, more than ${MAX_CONTROL} bytes): RFC 6455 allows at most 125 bytes`,
        });
        return;
      }
    };

    socket.on('data', (chunk: Buffer) => {
      if (settled) return;
      // After a non-101 head only a little of the body is kept, as evidence.
      if (headDone && !upgraded) {
        if (buf.length < BODY_KEEP) buf = Buffer.concat([buf, chunk]).subarray(0, BODY_KEEP);
        return;
      }
      buf = Buffer.concat([buf, chunk]);
      if (upgraded) {
        if (buf.length > MAX_PENDING) {
          finish({
            outcome: 'error',
            error: 'FRAME_TOO_LARGE',
            note: `more than ${MAX_PENDING} bytes of frames pending: not read further`,
          });
          return;
        }
        return onFrames();
      }
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > HEAD_CAP) finish({ outcome: 'error', error: 'HEADERS_TOO_LARGE' });
        return;
      }
      const head = buf.subarray(0, end).toString('latin1').split('\r\n');
      statusLine = head[0];
      status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0) || undefined;
      const h: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) h[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      headers = safeHeaders(h);
      headDone = true;
      buf = status === 101 ? buf.subarray(end + 4) : buf.subarray(end + 4, end + 4 + BODY_KEEP);
      if (status !== 101) {
        // Keep a little of the body: a 200 text/html here is a proxy that did not forward Upgrade.
        contentType = h['content-type'] ?? '';
        setTimeout(noUpgrade, 150);
        return;
      }
      upgraded = true;
      const upgradeOk =
        (h.upgrade ?? '').toLowerCase() === 'websocket' && /\bupgrade\b/i.test(h.connection ?? '');
      acceptValid = h['sec-websocket-accept'] === expectedAccept(key);
      if (!acceptValid || !upgradeOk) {
        finish({
          outcome: 'bad-handshake',
          error: 'WS bad handshake',
          note: !acceptValid
            ? 'Sec-WebSocket-Accept does not match the key sent'
            : 'Upgrade/Connection headers missing from the 101',
        });
        return;
      }
      upgradedAt = performance.now();
      lastHeard = upgradedAt;
      // From here the verdict window (or the hold) bounds the step, not the request timeout.
      clearTimeout(timer);
      if (holdMs > 0 && pingMs > 0)
        pinger = setInterval(() => {
          // A peer that does not read gets no pile of pings.
          if (!socket.writable || socket.writableLength > 64 * 1024) return;
          pings++;
          socket.write(clientFrame(0x9, Buffer.from('reachmap')));
        }, pingMs);
      windowTimer = setTimeout(
        () =>
          finish(
            appVerdict?.auth
              ? { outcome: 'auth-required', note: `reachable; ${appVerdict.note}`, ...hold('held') }
              : appVerdict
                ? { outcome: 'rejected', error: 'connect rejected', note: appVerdict.note, ...hold('held') }
                : {
                    outcome: 'open',
                    note:
                      holdMs > 0
                        ? `the session stayed open for the whole hold (${holdMs} ms${pingMs ? `, a ping every ${pingMs} ms` : ', idle'})`
                        : 'upgraded and still open at the end of the watch window',
                    ...hold('held'),
                  },
          ),
        Math.max(opts.windowMs, holdMs),
      );
      if (buf.length) onFrames();
    });
    socket.on('error', (e: NodeJS.ErrnoException) =>
      // A reset during a hold is the session being cut (a NAT or balancer dropping it).
      finish({ outcome: 'error', error: e.code ?? e.message, ...(upgraded ? hold('cut') : {}) }),
    );
    socket.on('close', () => {
      if (upgraded)
        finish({
          outcome: 'closed',
          closeCode: 1006,
          error: 'close 1006',
          note:
            holdMs > 0
              ? `the connection dropped ${Math.round(performance.now() - upgradedAt)} ms after the upgrade without a close frame, before the ${holdMs} ms hold ended: something on the path cut the session (a proxy's idle timeout, such as nginx's proxy_read_timeout, 60 s by default)`
              : 'the connection dropped after the upgrade without a close frame',
          ...hold('cut'),
        });
      else if (status) noUpgrade();
      else
        finish({
          outcome: 'error',
          error: 'EMPTY_REPLY',
          note: 'the connection closed before any response to the upgrade request',
        });
    });

    const lines = [
      `GET ${opts.path} HTTP/1.1`,
      ...Object.entries(reqHeaders).map(([k, v]) => `${k}: ${v}`),
      '',
      '',
    ];
    socket.write(lines.join('\r\n'));
  });
}
