import { proxyKind } from '../diagnose/probe/proxyNoUpgrade';
import type { ProbeResult } from '../model/probe';
import type { ConnectionRow } from '../model/runbook';
import type { Topology } from '../model/topology';
import { dialledAddress, probeEndpoints } from '../probe/edges';
import { hostPort, isLoopbackAddress } from '../util/address';

/**
 * One row per probed connection, as a design review wants it: who initiates, which name
 * resolves to which address in the initiator's namespace, which NAT/proxy layers sit
 * between, and the verdict. Pure.
 */
export function connectionRow(t: Topology, r: ProbeResult): ConnectionRow {
  const dns = r.steps.find((s) => s.kind === 'dns');
  const resolution =
    dns?.kind !== 'dns'
      ? '—'
      : dns.source === 'literal'
        ? `${dns.query} (address)`
        : dns.ok
          ? `${dns.query} → ${dns.addresses.join(', ')} via ${dns.source === 'hosts' ? '/etc/hosts' : `nameserver ${dns.server}`}`
          : `${dns.query}: ${dns.error} (nameservers ${dns.nameservers.join(', ')})`;
  const layers: string[] = [];
  const address = dialledAddress(r);
  const { target } = probeEndpoints(t, r);
  const c = target?.startsWith('ctr:') ? t.containers.find((x) => `ctr:${x.id}` === target) : undefined;
  if (address && isLoopbackAddress(address) && r.initiator.kind === 'host' && c) {
    const pub = c.ports.find((p) => p.hostPort === r.target.port);
    const ip = c.attachments.find((a) => a.ipv4)?.ipv4 ?? '?';
    if (pub)
      layers.push(
        `published port ${hostPort(pub.hostIp, pub.hostPort)} → docker-proxy / DNAT → ${c.name} ${ip}:${pub.containerPort}`,
      );
  }
  if (c) {
    const kind = proxyKind(t, c);
    if (kind) layers.push(`reverse proxy ${c.name} (${kind}) → its upstream`);
  }
  if (layers.length === 0 && c && c.id !== r.initiator.id)
    layers.push(`direct to ${c.name}${address ? ` at ${address}` : ''}`);
  if (layers.length === 0 && address && isLoopbackAddress(address))
    layers.push('loopback of the initiator’s own namespace');
  return {
    initiator: r.initiator.name,
    target: `${r.target.input}${r.origin ? ` (Origin ${r.origin})` : ''}`,
    resolution,
    layers,
    verdict: r.verdict,
    decisive: r.decisive,
  };
}

export const connectionTable = (t: Topology, probes: ProbeResult[]) => probes.map((r) => connectionRow(t, r));
