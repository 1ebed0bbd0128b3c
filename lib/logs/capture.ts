import { proxyKind } from '../diagnose/probe/proxyNoUpgrade';
import type { LogWindow, LogWindowRead } from '../docker/logs';
import type { ContainerLogs, ProbeLogs, ProbeResult } from '../model/probe';
import type { Container, Topology } from '../model/topology';
import { probeEndpoints } from '../probe/edges';
import { isLoopbackAddress } from '../util/address';
import { skewOf, toLogLines } from './match';

/**
 * After a probe: read what the target and every proxy on its path wrote during it, and
 * keep the lines (redacted) with the result.
 */

export interface LogCaptureDeps {
  readWindow: (containerId: string, driver: string, w: LogWindow) => Promise<LogWindowRead>;
  /** The upstream containers a proxy forwards to (from its config), when it can be read. */
  upstreamsOf: (proxy: Container, path: string) => Promise<Container[]>;
}

export const LOG_LIMITS = {
  maxLines: 400,
  maxBytes: 256 * 1024,
  timeoutMs: 2500,
  marginMs: 1000,
  maxContainers: 4,
};

type Subject = { c: Container; role: ContainerLogs['role'] };

export async function logSubjects(
  t: Topology,
  r: ProbeResult,
  deps: Pick<LogCaptureDeps, 'upstreamsOf'>,
): Promise<Subject[]> {
  const { target } = probeEndpoints(t, r);
  const c = target?.startsWith('ctr:') ? t.containers.find((x) => `ctr:${x.id}` === target) : undefined;
  if (!c) return [];
  if (!proxyKind(t, c)) return [{ c, role: 'target' }];
  const ups = await deps.upstreamsOf(c, r.target.path || '/').catch(() => []);
  return [{ c, role: 'proxy' as const }, ...ups.map((u) => ({ c: u, role: 'upstream' as const }))].slice(
    0,
    LOG_LIMITS.maxContainers,
  );
}

export async function captureLogs(t: Topology, r: ProbeResult, deps: LogCaptureDeps): Promise<ProbeLogs> {
  const start = Date.parse(r.startedAt);
  const from = start - LOG_LIMITS.marginMs;
  const to = start + r.ms + LOG_LIMITS.marginMs;
  const tcp = r.steps.find((s) => s.kind === 'tcp');
  const subjects = await logSubjects(t, r, deps);
  const proxyIps = subjects
    .filter((s) => s.role === 'proxy')
    .flatMap((s) => s.c.attachments.flatMap((a) => [a.ipv4 ?? '', a.ipv6 ?? '']))
    .filter(Boolean);
  const containers = await Promise.all(
    subjects.map(async ({ c, role }): Promise<ContainerLogs> => {
      const read = await deps.readWindow(c.id, c.logDriver, {
        sinceMs: from,
        untilMs: to,
        ...LOG_LIMITS,
        tty: c.tty,
      });
      // The address each hop saw the request come from: the initiator for the first hop, the proxy for upstreams.
      const peers =
        role === 'upstream' ? proxyIps : [tcp?.kind === 'tcp' ? (tcp.connected?.localAddress ?? '') : ''];
      const lines = toLogLines(
        read.lines,
        r.id,
        peers.filter((p) => p && !isLoopbackAddress(p)),
      );
      return {
        containerId: c.id,
        name: c.name,
        role,
        driver: c.logDriver || 'unknown',
        lines,
        truncated: read.truncated,
        note: read.note,
        readMs: read.readMs,
        skewMs: null,
      };
    }),
  );
  for (const c of containers) c.skewMs = skewOf(r, c.lines);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), containers };
}
