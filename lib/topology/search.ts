import type { Container, Network, Topology } from '../model/topology';
import { hostPort } from '../util/address';

/**
 * The search box: containers by name, service, project, image, id prefix, address and port;
 * networks by name, subnet and gateway. Every word must match (case-insensitive substring).
 * Linear in the host's size; no user text is ever compiled into a regular expression.
 */

export interface SearchHit {
  kind: 'container' | 'network';
  id: string;
  label: string;
  /** What matched, or the most useful facts, in a few words. */
  detail: string;
  /** Exact name matches rank first, then prefixes, then anything else. */
  rank: number;
}

const MAX_QUERY = 200;

function containerTerms(c: Container): string[] {
  return [
    c.name,
    c.compose?.service ?? '',
    c.compose?.project ?? '',
    c.image,
    c.id.slice(0, 12),
    c.hostname,
    ...c.attachments.flatMap((a) => [a.ipv4 ?? '', a.ipv6 ?? '', ...a.aliases]),
    ...c.ports.flatMap((p) => [String(p.hostPort), String(p.containerPort), hostPort(p.hostIp, p.hostPort)]),
    ...c.exposedPorts.map((p) => String(p.port)),
  ].map((s) => s.toLowerCase());
}

function networkTerms(n: Network): string[] {
  return [n.name, n.id.slice(0, 12), n.driver, ...n.subnets, ...n.gateways].map((s) => s.toLowerCase());
}

function rankOf(name: string, words: string[]): number {
  const n = name.toLowerCase();
  if (words.length === 1 && n === words[0]) return 0;
  if (words.length === 1 && n.startsWith(words[0] as string)) return 1;
  return 2;
}

export function searchTopology(t: Topology, query: string, limit = 20): SearchHit[] {
  const words = query.slice(0, MAX_QUERY).toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const matches = (terms: string[]) => words.every((w) => terms.some((x) => x.includes(w)));
  const hits: SearchHit[] = [];
  for (const c of t.containers) {
    if (!matches(containerTerms(c))) continue;
    const ips = c.attachments.map((a) => a.ipv4 ?? a.ipv6).filter(Boolean);
    hits.push({
      kind: 'container',
      id: c.id,
      label: c.name,
      detail: [c.state, c.compose ? `${c.compose.project}/${c.compose.service}` : c.image, ...ips.slice(0, 2)]
        .filter(Boolean)
        .join(' · '),
      rank: rankOf(c.name, words),
    });
  }
  for (const n of t.networks) {
    if (n.driver === 'null' || n.driver === 'host' || !matches(networkTerms(n))) continue;
    hits.push({
      kind: 'network',
      id: n.id,
      label: n.name,
      detail: `network · ${n.driver} · ${n.subnets.join(', ') || 'no subnet'}`,
      rank: rankOf(n.name, words),
    });
  }
  return hits.sort((a, b) => a.rank - b.rank || a.label.localeCompare(b.label)).slice(0, limit);
}
