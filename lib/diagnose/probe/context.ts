import type { ProbeResult, ProbeStep } from '../../model/probe';
import type { Container, Evidence, SubjectRef, Topology } from '../../model/topology';
import { dialledAddress, probeEndpoints, probePathKey } from '../../probe/edges';

// Topology lookups the rules share with the graph's edges.
export { containerByAddress, dialledAddress, publishedOn } from '../../probe/edges';

import { describePayload } from '../../format/payload';
import { hostPort } from '../../util/address';

/** Shared lookups for rules that read probe results. */

export type ProbeRule = (t: Topology, probes: ProbeResult[]) => import('../../model/topology').Finding[];

export function step<K extends ProbeStep['kind']>(
  r: ProbeResult,
  kind: K,
): Extract<ProbeStep, { kind: K }> | undefined {
  return r.steps.find((s) => s.kind === kind) as Extract<ProbeStep, { kind: K }> | undefined;
}

export const probeRef = (r: ProbeResult): SubjectRef => ({
  kind: 'probe',
  id: probePathKey(r),
  name: `${r.initiator.name} → ${r.target.input}`,
});

export function targetContainer(t: Topology, r: ProbeResult): Container | undefined {
  const { target } = probeEndpoints(t, r);
  return target?.startsWith('ctr:') ? t.containers.find((c) => `ctr:${c.id}` === target) : undefined;
}

export function initiatorContainer(t: Topology, r: ProbeResult): Container | undefined {
  return r.initiator.kind === 'container' ? t.containers.find((c) => c.id === r.initiator.id) : undefined;
}

/** The probe's own steps as evidence lines (source: the probe ran them). */
export function stepEvidence(r: ProbeResult, kinds: ProbeStep['kind'][]): Evidence[] {
  return r.steps
    .filter((s) => kinds.includes(s.kind))
    .map((s) => ({
      label: `${s.kind} from ${r.initiator.name}`,
      value: describeStep(s),
      source: 'probe' as const,
    }));
}

export function describeStep(s: ProbeStep): string {
  switch (s.kind) {
    case 'dns':
      return s.ok
        ? `${s.query} → ${s.addresses.join(', ')} (${s.source === 'dns' ? `nameserver ${s.server}` : s.source})`
        : `${s.query}: ${s.error} (nameservers ${s.nameservers.join(', ')}; tried ${s.tried.join(', ')})`;
    case 'tcp':
      return s.connected
        ? `connected to ${hostPort(s.connected.address, s.connected.port)}`
        : s.attempts.map((a) => `${hostPort(a.address, s.port)} ${a.error}`).join(', ');
    case 'tls':
      return s.ok
        ? `${s.protocol} cert ${s.subject ?? '?'} ${s.verified ? 'trusted' : `untrusted (${s.verifyError})`}`
        : (s.error ?? 'failed');
    case 'http':
      return s.status
        ? `HTTP ${s.status}${s.headers['content-type'] ? ` ${s.headers['content-type']}` : ''}${s.headers.server ? ` server ${s.headers.server}` : ''}`
        : (s.error ?? 'failed');
    case 'ws':
      return `${s.statusLine ?? s.error ?? ''}${s.closeCode ? ` → close ${s.closeCode} ${s.closeReason ?? ''}` : ''}${s.headers['content-type'] ? ` (${s.headers['content-type']})` : ''}`.trim();
    case 'payload':
      return describePayload(s);
  }
}

export function sharesNetwork(a: Container | undefined, b: Container): boolean {
  const mine = new Set(a?.attachments.map((x) => x.networkId) ?? []);
  return b.attachments.some((x) => mine.has(x.networkId));
}

/**
 * The container whose network settings the initiator's namespace has: itself, or the one
 * it shares (network_mode container:X). Undefined for a stale sharer — X was restarted or
 * recreated and no longer holds the namespace the initiator is in — so no rule reasons from
 * X's networks on its behalf (the stale-shared-netns finding says what happened).
 */
export function namespaceOwner(t: Topology, r: ProbeResult): Container | undefined {
  const me = initiatorContainer(t, r);
  if (me?.networkModeKind !== 'container') return me;
  const owner = t.containers.find((c) => c.id === me.sharesNetnsWith);
  return owner && owner.netns === r.initiator.netns ? owner : undefined;
}

/**
 * How a probe reached container c, and the port inside c it really asked: its own namespace,
 * one of c's addresses (direct), or a host address whose published port forwards into c.
 */
export function pathInto(
  r: ProbeResult,
  c: Container,
): { via: 'own-namespace' | 'direct' | 'published'; port: number } {
  if (c.netns && c.netns === r.initiator.netns) return { via: 'own-namespace', port: r.target.port };
  const a = dialledAddress(r);
  if (a && c.attachments.some((x) => x.ipv4 === a || x.ipv6 === a))
    return { via: 'direct', port: r.target.port };
  const pub = c.ports.find((p) => p.protocol === 'tcp' && p.hostPort === r.target.port);
  return pub ? { via: 'published', port: pub.containerPort } : { via: 'direct', port: r.target.port };
}

/** Accepted, then cut off before any answer (EMPTY_REPLY / ECONNRESET in a later step). */
export function emptiedAfterConnect(r: ProbeResult): boolean {
  if (!step(r, 'tcp')?.ok) return false;
  return r.steps.some(
    (s) =>
      s.kind !== 'dns' && s.kind !== 'tcp' && !s.ok && ['EMPTY_REPLY', 'ECONNRESET'].includes(s.error ?? ''),
  );
}
