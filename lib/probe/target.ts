import { isIP } from 'node:net';
import { OperatorError } from '../errors';
import type { ProbeKind, ProbeTarget } from '../model/probe';
import { bracketHost } from '../util/address';

/**
 * Parsing what the operator typed into a probe target. The WHATWG URL parser normalises
 * the host ("0x7f.1" and "2130706433" are 127.0.0.1), so decisions are made on what a
 * client would really dial. Only http, https, ws, wss and (tcp://)host:port.
 */

export class TargetError extends OperatorError {
  override name = 'TargetError';
}

const DEFAULT_PORT = { http: 80, https: 443, ws: 80, wss: 443 } as const;

export function parseTarget(input: string): ProbeTarget {
  const raw = input.trim();
  if (!raw) throw new TargetError('empty target');
  // tcp://host:port is how many tools spell a bare TCP target.
  const tcp = /^tcp:\/\/([^/]+)\/?$/i.exec(raw);
  if (tcp) return { ...parseTarget(tcp[1] as string), input: raw };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (scheme) {
    if (!(scheme in DEFAULT_PORT))
      throw new TargetError(
        `unsupported scheme "${scheme}:" — use http, https, ws, wss, or tcp://host:port (or just host:port)`,
      );
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new TargetError(`not a valid URL: ${raw}`);
    }
    if (url.username || url.password)
      throw new TargetError('credentials in the URL are not sent by probes; use a header');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!host) throw new TargetError(`no host in ${raw}`);
    if (url.port === '0') throw new TargetError(`port out of range in "${raw}"`);
    const s = scheme as keyof typeof DEFAULT_PORT;
    return {
      input: raw,
      scheme: s,
      host,
      port: url.port ? Number(url.port) : DEFAULT_PORT[s],
      path: `${url.pathname}${url.search}` || '/',
      literal: isIP(host) !== 0,
    };
  }
  // host:port, [v6]:port
  // The host part holds host characters only: "user@host", "a#b" or "a\\b" would be cut
  // silently by the URL parser below and dial something other than what was typed.
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(raw) ?? /^([^:/\s@#?\\]+):(\d+)$/.exec(raw);
  if (!m)
    throw new TargetError(`expected a URL (http://, https://, ws://, wss://) or host:port, got "${raw}"`);
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new TargetError(`port out of range in "${raw}"`);
  // Normalise IPv4 spellings the same way a URL would.
  let host = (m[1] as string).toLowerCase();
  try {
    host = new URL(`http://${bracketHost(host)}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    throw new TargetError(`not a valid host in "${raw}"`);
  }
  return { input: raw, scheme: 'tcp', host, port, path: '', literal: isIP(host) !== 0 };
}

/** The steps a target implies. */
export function kindsFor(target: ProbeTarget, ws: boolean): ProbeKind[] {
  const tls = target.scheme === 'https' || target.scheme === 'wss';
  const kinds: ProbeKind[] = ['dns', 'tcp'];
  if (tls) kinds.push('tls');
  if (target.scheme === 'http' || target.scheme === 'https') {
    kinds.push('http');
    if (ws) kinds.push('ws');
  } else if (target.scheme === 'ws' || target.scheme === 'wss') kinds.push('ws');
  return kinds;
}
