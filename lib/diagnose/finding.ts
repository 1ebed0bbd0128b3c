import type {
  Confidence,
  Container,
  Finding,
  Namespace,
  Severity,
  SubjectRef,
  Topology,
} from '../model/topology';
import { hostPort } from '../util/address';

/** Helpers shared by the rules: stable ids, subject references, lookups. */

export const containerRef = (c: Container): SubjectRef => ({ kind: 'container', id: c.id, name: c.name });
export const namespaceRef = (n: Namespace): SubjectRef => ({
  kind: n.kind === 'host' ? 'host' : 'namespace',
  id: n.id,
  name: n.kind === 'host' ? 'host' : n.containers.join(', ') || n.id,
});

/** A short stable hash (FNV-1a, 32 bit) for ids. */
export function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function makeFinding(
  rule: string,
  severity: Severity,
  subject: SubjectRef,
  parts: Omit<Finding, 'id' | 'rule' | 'severity' | 'subject' | 'related' | 'confidence'> & {
    related?: SubjectRef[];
    discriminator?: string;
    /** Default high: the rule read it from the kernel, the engine or a probe. */
    confidence?: Confidence;
  },
): Finding {
  const { discriminator, related, confidence, ...rest } = parts;
  return {
    // Probe subjects are long path keys that share the initiator's id as prefix: hash them whole.
    id: `${rule}:${subject.kind === 'probe' ? fnv1a(subject.id) : subject.id.slice(0, 24)}${discriminator ? `:${discriminator}` : ''}`,
    rule,
    severity,
    confidence: confidence ?? 'high',
    subject,
    related: related ?? [],
    ...rest,
  };
}

export interface Index {
  containerById: Map<string, Container>;
  namespaceById: Map<string, Namespace>;
}

export function indexTopology(t: Topology): Index {
  return {
    containerById: new Map(t.containers.map((c) => [c.id, c])),
    namespaceById: new Map(t.namespaces.map((n) => [n.id, n])),
  };
}

export type Rule = (t: Topology, idx: Index) => Finding[];

export const short = (id: string) => id.slice(0, 12);

export function listenerText(l: {
  protocol: string;
  address: string;
  port: number;
  process: { pid: number; name: string } | null;
  v6only?: boolean | null;
}): string {
  return `${l.protocol} ${hostPort(l.address, l.port)}${l.v6only ? ' IPv6-only' : ''}${l.process ? ` (${l.process.name}, pid ${l.process.pid})` : ''}`;
}

/** Whether an IPv4 client can connect to this listener: IPv4 sockets, and dual-stack IPv6 ones. */
export const takesIpv4 = (l: { family: 4 | 6; v6only: boolean | null }): boolean =>
  l.family === 4 || l.v6only !== true;

export function bindingText(b: {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}): string {
  return `${hostPort(b.hostIp, b.hostPort)} → ${b.containerPort}/${b.protocol}`;
}

/** How a compose file names a network: its key, without the project prefix Docker adds. */
export function composeNetworkKey(n: { name: string; composeProject: string | null }): string {
  const prefix = n.composeProject ? `${n.composeProject}_` : '';
  return prefix && n.name.startsWith(prefix) ? n.name.slice(prefix.length) : n.name;
}
