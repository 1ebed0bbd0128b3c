import { describe, expect, it } from 'vitest';
import {
  buildGraph,
  G,
  type GraphNode,
  nodeIdForContainer,
  nodeIdForNamespaceKey,
} from '@/lib/topology/graph';
import { byService, fixtureTopology } from '../helpers';

const positions = (nodes: GraphNode[]) =>
  new Map(nodes.map((n) => [n.id, `${n.parentId ?? ''}@${n.position.x},${n.position.y}`]));

describe('graph building and layout', () => {
  const t = fixtureTopology('lab');
  const g = buildGraph(t);

  it('draws containers inside the namespace they really share', () => {
    const gw = byService(t, 'gateway-loopback');
    const sidecar = byService(t, 'cli-sidecar');
    const gwNode = g.nodes.find((n) => n.id === nodeIdForContainer(gw.id));
    const scNode = g.nodes.find((n) => n.id === nodeIdForContainer(sidecar.id));
    expect(gwNode?.parentId).toBe(nodeIdForNamespaceKey(`ctr:${gw.id}`));
    expect(scNode?.parentId).toBe(gwNode?.parentId);
  });

  it('puts host-network containers in the host namespace node', () => {
    expect(g.nodes.find((n) => n.id === nodeIdForContainer(byService(t, 'hostnet').id))?.parentId).toBe(
      nodeIdForNamespaceKey('host'),
    );
  });

  it('lists parents before children (React Flow requires it) and uses unique ids', () => {
    const seen = new Set<string>();
    for (const n of g.nodes) {
      if (n.parentId) expect(seen.has(n.parentId)).toBe(true);
      expect(seen.has(n.id)).toBe(false);
      seen.add(n.id);
    }
    expect(new Set(g.edges.map((e) => e.id)).size).toBe(g.edges.length);
  });

  it('marks the published path into a loopback-only listener', () => {
    const gw = byService(t, 'gateway-loopback');
    const pub = g.edges.filter((e) => e.kind === 'publish' && e.id.startsWith(`pub:${gw.id}`));
    expect(pub).toHaveLength(1);
    expect(pub[0]?.severity).toBe('error');
    expect(pub[0]?.label).toBe('127.0.0.1:28789 → 18789/tcp');
    const ok = g.edges.find(
      (e) => e.kind === 'publish' && e.id.startsWith(`pub:${byService(t, 'gateway').id}`),
    );
    expect(ok?.severity).toBeNull();
  });

  it('shows loopback-only listeners distinctly from 0.0.0.0 ones', () => {
    const ns = g.nodes.find(
      (n) => n.id === nodeIdForNamespaceKey(`ctr:${byService(t, 'gateway-loopback').id}`),
    );
    if (ns?.data.kind !== 'namespace') throw new Error('not a namespace node');
    expect(ns.data.listeners.find((l) => l.role === 'workload')).toMatchObject({ scope: 'loopback' });
  });

  it('keeps every other node in place when one container stops', () => {
    const after = buildGraph(fixtureTopology('lab-multi-stopped'));
    const before = positions(g.nodes);
    const now = positions(after.nodes);
    const multi = byService(t, 'multi');
    const multiNs = nodeIdForNamespaceKey(`ctr:${multi.id}`);
    // The stopped container keeps its node id and its box in the same place.
    expect(now.get(nodeIdForContainer(multi.id))).toBe(before.get(nodeIdForContainer(multi.id)));
    expect(now.get(multiNs)).toBe(before.get(multiNs));
    const moved = [...before].filter(([id, p]) => now.has(id) && now.get(id) !== p).map(([id]) => id);
    // Only boxes below it in its own lane may shift (its listener rows are gone).
    const lane = after.nodes.find((n) => n.id === multiNs)?.position.x;
    for (const id of moved) {
      const n = after.nodes.find((x) => x.id === id);
      expect(n?.parentId ?? n?.position.x === lane).toBeTruthy();
    }
    expect(moved.length).toBeLessThanOrEqual(G.rowsPerColumn);
  });

  it('filters by compose project, keeping the host', () => {
    const none = buildGraph(t, { project: 'no-such-project' });
    expect(none.nodes.map((n) => n.id)).toEqual([nodeIdForNamespaceKey('host')]);
    const lab = buildGraph(t, { project: byService(t, 'gateway').compose?.project });
    expect(lab.nodes.filter((n) => n.type === 'container')).toHaveLength(t.containers.length);
  });
});
