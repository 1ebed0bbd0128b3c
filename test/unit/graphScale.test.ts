import { describe, expect, it } from 'vitest';
import type { Topology } from '@/lib/model/topology';
import {
  absoluteRects,
  buildGraph,
  type Graph,
  type GroupData,
  nodeIdForContainer,
  nodeIdForNetwork,
} from '@/lib/topology/graph';
import { COLLAPSE_ABOVE, groupNodeId, groupOf } from '@/lib/topology/groups';
import { overlaps } from '@/lib/topology/layout';
import { findingsInProject } from '@/lib/topology/scope';
import { searchTopology } from '@/lib/topology/search';
import { viewportFor, ZOOM } from '@/lib/topology/viewport';
import { byService, fixtureTopology } from '../helpers';
import { syntheticTopology } from '../synthetic';

const groups = (g: Graph) => g.nodes.filter((n) => n.type === 'group').map((n) => n.data as GroupData);
const allOpen = (g: Graph) => Object.fromEntries(groups(g).map((d) => [d.groupKey, true]));

/** Top-level boxes (children live inside their namespace box) must never overlap. */
function overlapping(g: Graph): string[] {
  const rects = absoluteRects(g);
  const top = g.nodes.filter((n) => !n.parentId && !(n.type === 'group' && (n.data as GroupData).expanded));
  const bad: string[] = [];
  for (let i = 0; i < top.length; i++)
    for (let j = i + 1; j < top.length; j++) {
      const a = top[i];
      const b = top[j];
      if (a && b && overlaps(rects.get(a.id) as never, rects.get(b.id) as never)) bad.push(`${a.id}×${b.id}`);
    }
  return bad;
}

describe('a large host at a glance', () => {
  const big = syntheticTopology({ containers: 500 });
  const g = buildGraph(big);

  it('starts with stacks as closed groups, with counts and their worst finding', () => {
    expect(big.containers.length).toBeGreaterThan(COLLAPSE_ABOVE);
    expect(g.nodes.filter((n) => n.type === 'container' && n.parentId !== 'ns:host')).toHaveLength(0);
    const gs = groups(g);
    expect(gs.every((d) => !d.expanded)).toBe(true);
    // Every container outside the host box is counted in exactly one card.
    const counted = gs.reduce((s, d) => s + d.containers, 0);
    expect(counted).toBe(big.containers.filter((c) => c.networkModeKind !== 'host').length);
    // A stack with a loopback-only listener says so on its card.
    const withError = gs.filter((d) => d.worst === 'error');
    expect(withError.length).toBeGreaterThan(0);
    expect(withError[0]?.worstTitle).toBeTruthy();
    expect(g.nodes.length).toBeLessThan(80);
  });

  it('points every edge at a drawn node, through the card of a closed group', () => {
    const ids = new Set(g.nodes.map((n) => n.id));
    for (const e of g.edges) {
      expect(ids.has(e.source), e.id).toBe(true);
      expect(ids.has(e.target), e.id).toBe(true);
    }
    const someone = big.containers.find((c) => c.compose?.project === 'stack03') ?? big.containers[0];
    expect(g.hiddenIn.get(nodeIdForContainer(someone?.id ?? ''))).toBe(groupNodeId('p:stack03'));
  });

  it('opens one group on request and keeps the rest closed', () => {
    const open = buildGraph(big, { expanded: { 'p:stack03': true } });
    const stack = big.containers.filter((c) => c.compose?.project === 'stack03');
    const drawn = open.nodes.filter((n) => n.type === 'container' && n.parentId !== 'ns:host');
    expect(drawn.map((n) => n.id).sort()).toEqual(stack.map((c) => nodeIdForContainer(c.id)).sort());
    expect(
      groups(open)
        .filter((d) => d.expanded)
        .map((d) => d.groupKey),
    ).toEqual(['p:stack03']);
    expect(overlapping(open)).toEqual([]);
  });

  it('never overlaps boxes, closed or all open, at 2,000 containers', () => {
    const huge = syntheticTopology({ containers: 2000 });
    const closed = buildGraph(huge);
    expect(overlapping(closed)).toEqual([]);
    const open = buildGraph(huge, { expanded: allOpen(closed) });
    expect(open.nodes.filter((n) => n.type === 'container')).toHaveLength(huge.containers.length);
    expect(overlapping(open)).toEqual([]);
    // Landscape, not a strip far wider than the screen.
    const rects = [...absoluteRects(open).values()];
    const w = Math.max(...rects.map((r) => r.x + r.width));
    const h = Math.max(...rects.map((r) => r.y + r.height));
    expect(w / h).toBeLessThan(4);
  });

  it('keeps other stacks in place when one container stops', () => {
    const open = buildGraph(big, { expanded: allOpen(g) });
    const victim = big.containers.find((c) => c.compose?.project === 'stack05' && c.state === 'running');
    if (!victim) throw new Error('no running container in stack05');
    const stopped: Topology = {
      ...big,
      containers: big.containers.map((c) =>
        c.id === victim.id ? { ...c, state: 'exited', status: 'exited (0)', netns: null, pid: null } : c,
      ),
      namespaces: big.namespaces
        .map((n) => ({ ...n, containerIds: n.containerIds.filter((id) => id !== victim.id) }))
        .filter((n) => n.containerIds.length > 0 || n.kind === 'host'),
    };
    const after = buildGraph(stopped, { expanded: allOpen(g) });
    const before = new Map(open.nodes.map((n) => [n.id, n.position]));
    const moved = after.nodes.filter((n) => {
      const p = before.get(n.id);
      return p && (p.x !== n.position.x || p.y !== n.position.y);
    });
    const groupOfNode = (id: string) => {
      const c = big.containers.find((x) => id.endsWith(x.id));
      return c ? groupOf(c).key : null;
    };
    // Nothing outside the victim's own stack moves.
    for (const n of moved.filter((x) => !x.parentId)) {
      const key = groupOfNode(n.id);
      if (key) expect(key, n.id).toBe('p:stack05');
    }
  });

  it('finds containers by name, address, port and image, and networks by subnet', () => {
    const gw = byService(big, 'gateway');
    expect(searchTopology(big, gw.name)[0]).toMatchObject({ kind: 'container', id: gw.id, rank: 0 });
    const ip = big.containers.find((c) => c.compose?.project === 'stack07' && c.attachments[0]?.ipv4)
      ?.attachments[0]?.ipv4 as string;
    expect(ip).toMatch(/^10\./);
    expect(searchTopology(big, ip).map((h) => h.label)).toContain(
      big.containers.find((c) => c.attachments[0]?.ipv4 === ip)?.name,
    );
    expect(searchTopology(big, '30002').map((h) => h.label)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^stack03-/)]),
    );
    expect(searchTopology(big, 'stack02 svc1').every((h) => h.label.startsWith('stack02-svc1'))).toBe(true);
    expect(searchTopology(big, '10.100.4.0/24')[0]).toMatchObject({
      kind: 'network',
      label: 'stack05_default',
    });
    expect(searchTopology(big, 'no-such-thing-anywhere')).toEqual([]);
    // Regex metacharacters are text, not patterns.
    expect(() => searchTopology(big, '(a+)+$[')).not.toThrow();
  });

  it('reveals a hidden node through its group', () => {
    const net = big.networks.find((n) => n.name === 'stack09_default');
    expect(g.hiddenIn.get(nodeIdForNetwork(net?.id ?? ''))).toBe(groupNodeId('p:stack09'));
  });
});

describe('a small host', () => {
  const t = fixtureTopology('lab');

  it('starts open: the lab is one project drawn in full', () => {
    const g = buildGraph(t);
    expect(groups(g).every((d) => d.expanded)).toBe(true);
    expect(g.nodes.filter((n) => n.type === 'container')).toHaveLength(t.containers.length);
    expect(overlapping(g)).toEqual([]);
  });

  it('opens the filtered project even when it is large', () => {
    const big = syntheticTopology({ containers: 500, projects: 5 });
    const g = buildGraph(big, { project: 'stack01' });
    expect(groups(g).map((d) => [d.groupKey, d.expanded])).toEqual([['p:stack01', true]]);
  });
});

describe('the findings list follows the filter', () => {
  const big = syntheticTopology({ containers: 120 });
  it('keeps only findings about the chosen project (and the host)', () => {
    const all = big.findings;
    const mine = findingsInProject(big, all, 'stack02');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.length).toBeLessThan(all.length);
    const owner = new Map(big.containers.map((c) => [c.id, c.compose?.project]));
    for (const f of mine) {
      const refs = [f.subject, ...f.related].filter((r) => r.kind === 'container');
      if (refs.length)
        expect(
          refs.some((r) => owner.get(r.id) === 'stack02'),
          f.id,
        ).toBe(true);
    }
    expect(findingsInProject(big, all, null)).toBe(all);
  });
});

describe('the first view is readable', () => {
  const pane = { width: 1180, height: 940 };
  it('fits a small picture at 1:1 at most, centred', () => {
    const v = viewportFor({ x: 0, y: 0, width: 400, height: 300 }, pane);
    expect(v.zoom).toBe(1);
    expect(v.x).toBeCloseTo((1180 - 400) / 2);
  });
  it('never zooms out below the readable minimum; anchors a too-wide picture at its left', () => {
    const v = viewportFor({ x: 100, y: 0, width: 20_000, height: 600 }, pane);
    expect(v.zoom).toBe(ZOOM.minFit);
    expect(v.x).toBe(24 - 100 * ZOOM.minFit);
    // Compact text is 20 px: 9 px on screen at the lowest fit.
    expect(20 * v.zoom).toBeGreaterThanOrEqual(9);
    expect(ZOOM.detail * 10).toBeGreaterThanOrEqual(9);
  });
});
