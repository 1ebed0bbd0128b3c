import { listenerText } from '../diagnose/finding';
import type { Topology } from '../model/topology';
import { hostPort } from '../util/address';
import { formatFindings } from './findings';
import { pad, safe } from './terminal';

/** The CLI's readable `scan` output. Plain text; every engine string passes through safe(). */
export function formatSummary(t: Topology): string {
  const out: string[] = [];
  const running = t.containers.filter((c) => c.state === 'running').length;
  out.push(
    `Reachmap scan of ${safe(t.host.name)} (Docker ${safe(t.host.engineVersion)}, API ${safe(t.host.apiVersion)}) via ${safe(t.host.dockerEndpoint)}`,
    `${t.containers.length} containers (${running} running), ${t.networks.length} networks, ${t.namespaces.length} network namespaces — ${t.scanMs} ms`,
    '',
    'NETWORKS',
  );
  for (const n of t.networks) {
    if (n.driver === 'null' || n.driver === 'host') continue;
    const bits = [
      n.subnets.join(', ') || '-',
      n.gateways.length ? `gw ${n.gateways.join(', ')}` : '',
      n.mtu ? `mtu ${n.mtu}` : '',
      n.embeddedDns ? 'embedded DNS' : 'no container DNS',
      n.internal ? 'internal' : '',
      `${n.containerIds.length} attached`,
    ].filter(Boolean);
    out.push(`  ${pad(safe(n.name), 28)} ${pad(n.driver, 8)} ${bits.join('  ')}`);
  }
  out.push('', 'NETWORK NAMESPACES');
  const byId = new Map(t.containers.map((c) => [c.id, c]));
  for (const ns of t.namespaces) {
    const title = ns.kind === 'host' ? 'host' : ns.containers.map(safe).join(' + ');
    out.push(`  ${title}  [${ns.id}, ${ns.identitySource}]`);
    for (const id of ns.containerIds) {
      const c = byId.get(id);
      if (!c) continue;
      const nets = c.attachments
        .map((a) => [safe(a.networkName), a.ipv4, a.ipv6].filter(Boolean).join(' '))
        .join(', ');
      const ports = c.ports
        .map((p) => `${hostPort(p.hostIp, p.hostPort)}->${p.containerPort}/${p.protocol}`)
        .join(', ');
      out.push(
        `    ${pad(safe(c.name), 30)} ${pad(c.networkModeKind === 'container' ? `shares ${c.sharesNetnsWith?.slice(0, 12)}` : c.networkMode, 22)} ${nets}${ports ? `  published ${ports}` : ''}`,
      );
    }
    const listeners = ns.listeners.filter((l) => l.role !== 'docker-dns');
    if (ns.listenerSource === 'unavailable')
      out.push(`    listeners: unavailable (${ns.errors.map(safe).join('; ') || 'unknown'})`);
    else if (listeners.length === 0) out.push('    listeners: none');
    else {
      const shown = ns.kind === 'host' ? listeners.slice(0, 20) : listeners;
      for (const l of shown)
        out.push(
          `    ${l.scope === 'loopback' ? '◌' : '●'} ${safe(listenerText(l))}${l.scope === 'loopback' ? '  loopback only' : ''}`,
        );
      if (shown.length < listeners.length) out.push(`    … ${listeners.length - shown.length} more`);
    }
  }
  const stopped = t.containers.filter((c) => !c.netns);
  if (stopped.length) {
    out.push('', 'NOT RUNNING');
    for (const c of stopped) out.push(`  ${pad(safe(c.name), 30)} ${c.status}`);
  }
  out.push('', ...formatFindings(t.findings, 'FINDINGS'));
  for (const w of t.warnings) out.push(`warning: ${safe(w)}`);
  return out.join('\n');
}
