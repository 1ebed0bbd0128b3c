import http from 'node:http';
import type { Duplex } from 'node:stream';
import { safe } from '../../format/terminal';
import type { HttpStep } from '../../model/probe';
import { REDACTED, redactHeader, redactText } from '../../redact';

/**
 * One HTTP GET over a connection the probe made itself (the address is pinned; nothing
 * re-resolves). Redirects are reported, never followed. Body and headers are capped.
 */

const BODY_CAP = 64 * 1024;
const PREFIX = 300;
const MAX_HEADERS = 40;

export function safeHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw).slice(0, MAX_HEADERS)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : v;
    // Credentials in either direction (Cookie, Authorization, X-Api-Key, Private-Token…) are not evidence.
    out[k] = (/^(set-cookie|cookie)$/i.test(k) ? REDACTED : redactHeader(k, value)).slice(0, 256);
  }
  return out;
}

export function printable(buf: Buffer): string {
  // CRLF line ends are text, not control characters to flag.
  return redactText(safe(buf.toString('utf8').replace(/\r\n?/g, '\n'))).slice(0, PREFIX);
}

export function httpGet(
  socket: Duplex,
  opts: { hostHeader: string; path: string; headers: Record<string, string>; timeoutMs: number },
): Promise<Omit<HttpStep, 'ms' | 'at' | 'kind'>> {
  const headers = { Host: opts.hostHeader, Accept: '*/*', Connection: 'close', ...opts.headers };
  const request = { method: 'GET', path: opts.path, headers: safeHeaders(headers) };
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Omit<HttpStep, 'ms' | 'at' | 'kind'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    // No agent: with createConnection and no agent, Node uses our (pinned) socket as is.
    const req = http.request({
      createConnection: () => socket as never,
      method: 'GET',
      path: opts.path,
      headers,
    });
    /** Set once the response head is in: a timeout after it is a stalled body, not silence. */
    let stalled: (() => void) | null = null;
    const timer = setTimeout(() => {
      req.destroy();
      if (stalled) return stalled();
      done({
        ok: false,
        request,
        headers: {},
        bytes: 0,
        error: 'ETIMEDOUT',
        note: 'no HTTP response within the timeout',
      });
    }, opts.timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      const declared = Number(res.headers['content-length'] ?? Number.NaN);
      const of = Number.isFinite(declared) ? ` of ${declared}` : '';
      const finish = (cut?: 'stalled' | 'cut') => {
        const status = res.statusCode ?? 0;
        const ok = status >= 100 && status < 500 && cut !== 'stalled';
        const redirect =
          status >= 300 && status < 400 ? ` → ${res.headers.location ?? '?'} (not followed)` : '';
        const note =
          cut === 'stalled'
            ? `the response head arrived (HTTP ${status}), then the body stalled: ${bytes}${of} bytes within ${opts.timeoutMs} ms`
            : cut === 'cut'
              ? `the connection closed in the middle of the body: ${bytes}${of} bytes`
              : redirect
                ? `redirect${redirect}`
                : undefined;
        done({
          ok,
          request,
          status,
          statusText: res.statusMessage,
          headers: safeHeaders(res.headers),
          bodyPrefix: printable(Buffer.concat(chunks)),
          bytes,
          ...(cut === 'stalled' ? { error: 'ETIMEDOUT' } : ok ? {} : { error: `HTTP ${status}` }),
          ...(note ? { note } : {}),
        });
      };
      stalled = () => finish('stalled');
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes <= BODY_CAP) chunks.push(c);
        else {
          res.destroy();
          finish();
        }
      });
      res.on('end', () => finish());
      res.on('error', () => finish('cut'));
      res.on('aborted', () => finish('cut'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      // Node says "socket hang up" (ECONNRESET) both for a reset and for a close with no
      // bytes; curl's words for these are "Connection reset by peer" and "Empty reply".
      const reset = e.code === 'ECONNRESET' && e.message !== 'socket hang up';
      const code = reset ? 'ECONNRESET' : e.code === 'ECONNRESET' ? 'EMPTY_REPLY' : (e.code ?? e.message);
      done({
        ok: false,
        request,
        headers: {},
        bytes: 0,
        error: code,
        note:
          code === 'EMPTY_REPLY'
            ? 'the connection was accepted, then closed without any HTTP response'
            : code === 'ECONNRESET'
              ? 'the connection was accepted, then reset before any HTTP response'
              : undefined,
      });
    });
    req.end();
  });
}
