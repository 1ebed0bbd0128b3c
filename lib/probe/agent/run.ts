import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type { ProbeStep, TcpStep } from '../../model/probe';
import { bracketHost } from '../../util/address';
import { addressAllowed } from '../cidr';
import { ownResolverConfig, resolveLikeInitiator } from './dns';
import { httpGet } from './http';
import { mtuFromThreshold, payloadSweep } from './payload';
import { type AgentRequest, LARGE_BUDGET_MS } from './protocol';
import { routeTo } from './route';
import { closedWithin, connectTcp, errorCode } from './tcp';
import { startTls } from './tls';
import { wsHandshake } from './ws';

/**
 * One probe, step by step, from whatever network namespace this code runs in. Stops at
 * the first failing step but reports every step it ran. Connections go only to addresses
 * the request allows, checked on the address actually dialled.
 */

const round = (n: number) => Math.round(n * 10) / 10;

/** How long each try of the payload sweep waits for an answer before calling it stalled. */
const LARGE_WAIT_MS = 1500;

function hostHeader(req: AgentRequest): string {
  const { host, port, scheme } = req.target;
  const h = bracketHost(host);
  const dflt = scheme === 'https' || scheme === 'wss' ? 443 : 80;
  return port === dflt ? h : `${h}:${port}`;
}

export async function runProbe(
  req: AgentRequest,
  emit: (s: ProbeStep) => void,
  /** Wall-clock start, so steps (relative to it) line up with log timestamps. */
  onStart: (epochMs: number) => void = () => {},
): Promise<ProbeStep[]> {
  const t0 = performance.now();
  onStart(Date.now());
  const steps: ProbeStep[] = [];
  const push = (s: ProbeStep) => {
    steps.push(s);
    emit(s);
    return s.ok;
  };
  const clock = () => ({ start: performance.now(), at: round(performance.now() - t0) });
  const deadline = t0 + req.timeoutMs;
  const left = () => Math.max(200, Math.round(deadline - performance.now()));
  const { target } = req;
  const tls = target.scheme === 'https' || target.scheme === 'wss';

  // 1. dns
  let c = clock();
  const resolver = req.resolver.fromAgentFiles ? await ownResolverConfig() : req.resolver;
  const dns = await resolveLikeInitiator(target.host, resolver, Math.min(left(), 4000));
  if (!push({ kind: 'dns', ...dns, ms: round(performance.now() - c.start), at: c.at })) return steps;

  // 2. tcp: each address in turn, as a client would, refusing any the policy does not allow.
  c = clock();
  const attempts: TcpStep['attempts'] = [];
  let socket: net.Socket | null = null;
  for (const address of dns.addresses) {
    const a0 = performance.now();
    if (!addressAllowed(address, req.allow)) {
      attempts.push({ address, ok: false, ms: 0, error: 'NOT_ALLOWED' });
      continue;
    }
    try {
      socket = await connectTcp(address, target.port, Math.min(left(), req.timeoutMs));
      attempts.push({ address, ok: true, ms: round(performance.now() - a0) });
      break;
    } catch (e) {
      attempts.push({ address, ok: false, ms: round(performance.now() - a0), error: errorCode(e) });
    }
  }
  const tcpMs = round(performance.now() - c.start);
  if (!socket) {
    const firstReal = attempts.find((a) => a.error !== 'NOT_ALLOWED');
    const error = firstReal?.error ?? 'NOT_ALLOWED';
    push({
      kind: 'tcp',
      ok: false,
      ms: tcpMs,
      at: c.at,
      port: target.port,
      attempts,
      error,
      note:
        error === 'NOT_ALLOWED'
          ? 'not probed: the address is not in the current topology or the probe allow-list'
          : error === 'ECONNREFUSED'
            ? 'nothing listens on that address and port in the target namespace (or it listens on 127.0.0.1 only)'
            : undefined,
    });
    return steps;
  }
  const connected = {
    address: socket.remoteAddress ?? '',
    port: socket.remotePort ?? target.port,
    localAddress: socket.localAddress ?? '',
    localPort: socket.localPort ?? 0,
  };
  if (target.scheme === 'tcp' && (req.tcpHoldMs ?? 0) > 0) {
    const closed = await closedWithin(socket, Math.min(req.tcpHoldMs ?? 0, left()));
    socket.destroy();
    push({
      kind: 'tcp',
      ok: !closed,
      ms: round(performance.now() - c.start),
      at: c.at,
      port: target.port,
      attempts,
      connected,
      ...(closed
        ? {
            error: 'CLOSED_AFTER_ACCEPT',
            note: `the connection opened and was closed by the other end within ${req.tcpHoldMs} ms, before a byte: what docker-proxy does when nothing answers behind a published port (a server bound to 127.0.0.1 inside its container, or one that is not running)`,
          }
        : {}),
    });
    return steps;
  }
  push({ kind: 'tcp', ok: true, ms: tcpMs, at: c.at, port: target.port, attempts, connected });
  if (target.scheme === 'tcp') {
    socket.destroy();
    return steps;
  }

  // 3. tls
  let stream: Duplex = socket;
  const openStream = async (timeoutMs = left()): Promise<{ stream: Duplex | null; error?: string }> => {
    // A second connection (HTTP then WebSocket) goes to the same pinned address.
    try {
      const s = await connectTcp(connected.address, connected.port, timeoutMs);
      if (!tls) return { stream: s };
      const t = await startTls(s, target.host, timeoutMs);
      return t.socket ? { stream: t.socket } : { stream: null, error: t.step.error ?? 'TLS failed' };
    } catch (e) {
      return { stream: null, error: errorCode(e) };
    }
  };
  if (tls) {
    c = clock();
    const t = await startTls(socket, target.host, left());
    if (!push({ kind: 'tls', ...t.step, ms: round(performance.now() - c.start), at: c.at }) || !t.socket)
      return steps;
    stream = t.socket;
  }

  const baseHeaders = { 'User-Agent': req.userAgent, 'X-Reachmap-Probe': req.id, ...req.headers };
  const path = target.path || '/';

  // 4. http
  if (req.kinds.includes('http')) {
    c = clock();
    const h = await httpGet(stream, {
      hostHeader: hostHeader(req),
      path,
      headers: req.origin ? { Origin: req.origin, ...baseHeaders } : baseHeaders,
      timeoutMs: left(),
    });
    const okHttp = push({ kind: 'http', ...h, ms: round(performance.now() - c.start), at: c.at });
    if (!req.kinds.includes('ws')) return sweep();
    // An HTTP failure stops here unless the WebSocket is the point (then both are evidence).
    if (!okHttp && h.status === undefined) return steps;
    c = clock();
    const next = await openStream();
    if (!next.stream) {
      push({
        kind: 'ws',
        ok: false,
        ms: round(performance.now() - c.start),
        at: c.at,
        request: { path, headers: {} },
        headers: {},
        frames: [],
        outcome: 'error',
        error: next.error ?? 'connect failed',
      });
      return steps;
    }
    stream = next.stream;
  } else {
    c = clock();
  }

  // 5. ws
  if (req.kinds.includes('ws')) {
    const w = await wsHandshake(stream, {
      hostHeader: hostHeader(req),
      path,
      origin: req.origin,
      headers: baseHeaders,
      timeoutMs: left(),
      windowMs: req.wsWindowMs,
      holdMs: req.wsHoldMs ?? 0,
      pingMs: req.wsPingMs ?? 0,
    });
    push({ kind: 'ws', ...w, ms: round(performance.now() - c.start), at: c.at });
  } else {
    stream.destroy();
  }
  return sweep();

  // 6. payload sizes (ProbeSpec.large), on fresh connections to the same address, once the
  // small requests above have been answered: a stall then is about size, not the path.
  async function sweep(): Promise<ProbeStep[]> {
    if (!req.large) return steps;
    const answered = (k: 'http' | 'ws') =>
      steps.some((s) =>
        k === 'http' ? s.kind === 'http' && s.status !== undefined : s.kind === 'ws' && s.status === 101,
      );
    const route = await routeTo(connected.address, connected.localAddress);
    // A slow application is not a stall: wait well past what the small request took (the
    // WebSocket step's time includes its verdict window, so only HTTP's counts).
    const smallMs = Math.max(0, ...steps.filter((s) => s.kind === 'http').map((s) => s.ms));
    const waitMs = Math.min(5000, Math.max(LARGE_WAIT_MS, Math.round(3 * smallMs)));
    const deadline = performance.now() + LARGE_BUDGET_MS;
    for (const carrier of (['http', 'ws'] as const).filter((k) => req.kinds.includes(k) && answered(k))) {
      const c = clock();
      const r = await payloadSweep({
        carrier,
        // The sweep runs after the probe's own deadline may have passed (a hold): its own budget.
        open: () =>
          openStream(Math.max(1000, Math.min(req.timeoutMs, Math.round(deadline - performance.now())))),
        hostHeader: hostHeader(req),
        path,
        origin: req.origin,
        headers: baseHeaders,
        waitMs,
        deadline,
      });
      const ipv6 = connected.address.includes(':') && !connected.address.startsWith('::ffff:');
      push({
        kind: 'payload',
        ...r,
        // Through TLS the bytes on the wire are not the bytes written: no MTU to infer.
        mtuEstimate: tls ? null : mtuFromThreshold(r.largestOk, r.smallestStalled, ipv6),
        route,
        path: [],
        ms: round(performance.now() - c.start),
        at: c.at,
      });
    }
    return steps;
  }
}
