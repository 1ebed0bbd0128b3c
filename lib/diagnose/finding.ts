import type { Container, Finding, Namespace, Severity, SubjectRef, Topology } from '../model/topology';

/** Helpers shared by the rules: stable ids, subject references, lookups. */

export const containerRef = (c: Container): SubjectRef => ({ kind: 'container', id: c.id, name: c.name });
export const namespaceRef = (n: Namespace): SubjectRef => ({
  kind: n.kind === 'host' ? 'host' : 'namespace',
  id: n.id,
  name: n.kind === 'host' ? 'host' : n.containers.join(', ') || n.id,
});

export function makeFinding(
  rule: string,
  severity: Severity,
  subject: SubjectRef,
  parts: Omit<Finding, 'id' | 'rule' | 'severity' | 'subject' | 'related'> & {
    related?: SubjectRef[];
    discriminator?: string;
  },
): Finding {
  const { discriminator, related, ...rest } = parts;
  return {
    id: `${rule}:${subject.id.slice(0, 24)}${discriminator ? `:${discriminator}` : ''}`,
    rule,
    severity,
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
}): string {
  const addr = l.address.includes(':') ? `[${l.address}]` : l.address;
  return `${l.protocol} ${addr}:${l.port}${l.process ? ` (${l.process.name}, pid ${l.process.pid})` : ''}`;
}

export function bindingText(b: {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}): string {
  const ip = b.hostIp.includes(':') ? `[${b.hostIp}]` : b.hostIp;
  return `${ip}:${b.hostPort} → ${b.containerPort}/${b.protocol}`;
}
