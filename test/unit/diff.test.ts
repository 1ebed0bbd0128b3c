import { describe, expect, it } from 'vitest';
import type { Snapshot } from '@/lib/model/snapshot';
import { diffSnapshots, subjectOf } from '@/lib/snapshot/diff';
import { diffMarkdown } from '@/lib/snapshot/diffMarkdown';
import { fixtureTopology } from '../helpers';
import { labSnapshot } from '../snapshotFixture';

/** Diffs of snapshots built from topologies recorded on the real lab. */

const refs = { before: 'AAAAAAAAAAAAAAAAAAAAAA', after: 'BBBBBBBBBBBBBBBBBBBBBB' };
const clone = (s: Snapshot): Snapshot => structuredClone(s);

describe('snapshot diff', () => {
  it('a snapshot against itself: no change, no flip, no flag', () => {
    const s = labSnapshot();
    const d = diffSnapshots(s, s, refs);
    expect(d.changes).toEqual([]);
    expect(d.flips).toEqual([]);
    expect(d.multiCell).toBeNull();
    expect(diffMarkdown(d)).toContain('No difference');
  });

  it('a recreated container (recorded before and after `compose up --force-recreate`) is recreated, not removed and added', () => {
    const before = labSnapshot({ topology: fixtureTopology('lab') });
    const after = labSnapshot({ topology: fixtureTopology('lab-gateway-recreated') });
    const d = diffSnapshots(before, after, refs);
    expect(d.changes.filter((c) => c.kind === 'removed' || c.kind === 'added')).toEqual([]);
    const recreated = d.changes.filter((c) => c.kind === 'recreated').map((c) => c.subject);
    expect(recreated).toEqual(['reachmap-lab/gateway-loopback']);
    // Its sidecar still names the old container in network_mode: the diff says so.
    expect(
      d.changes.find((c) => c.subject === 'reachmap-lab/cli-sidecar' && c.field === 'network mode'),
    ).toMatchObject({
      before: 'container:reachmap-lab/gateway-loopback',
      after: expect.stringContaining('(gone)'),
    });
  });

  it('a stopped container changes state and loses its listeners', () => {
    const before = labSnapshot({ topology: fixtureTopology('lab') });
    const after = labSnapshot({ topology: fixtureTopology('lab-multi-stopped') });
    const d = diffSnapshots(before, after, refs);
    const multi = d.changes.filter((c) => c.subject === 'reachmap-lab/multi');
    expect(multi.find((c) => c.field === 'state')).toMatchObject({ before: 'running', after: 'exited' });
    expect(multi.find((c) => c.field === 'listeners')?.after).toBe('—');
  });

  it('one cell moved (a bind address) is not flagged; bind and network mode together are', () => {
    const before = labSnapshot();
    const gw = before.topology.containers.find((c) => c.compose?.service === 'gateway-loopback');
    if (!gw) throw new Error('no gateway-loopback');
    const subject = subjectOf(gw);

    const oneCell = clone(before);
    const ns = oneCell.topology.namespaces.find((n) => n.id === gw.netns);
    const l = ns?.listeners.find((x) => x.port === 18789);
    if (!ns || !l) throw new Error('no listener on 18789');
    l.address = '0.0.0.0';
    l.scope = 'any';
    const d1 = diffSnapshots(before, oneCell, refs);
    // Both containers of the namespace (the gateway and its CLI sidecar) see the new bind.
    expect(d1.changes.map((c) => c.subject).sort()).toEqual([subject, 'reachmap-lab/cli-sidecar'].sort());
    for (const ch of d1.changes)
      expect(ch).toMatchObject({
        kind: 'changed',
        field: 'listeners',
        cell: 'bind',
        before: expect.stringContaining('tcp 127.0.0.1:18789'),
        after: expect.stringContaining('tcp 0.0.0.0:18789'),
      });
    expect(d1.multiCell).toBeNull();

    const twoCells = clone(oneCell);
    const c = twoCells.topology.containers.find((x) => x.id === gw.id);
    if (!c) throw new Error('gone');
    c.networkMode = 'host';
    c.networkModeKind = 'host';
    const d2 = diffSnapshots(before, twoCells, refs);
    expect(d2.multiCell?.cells).toEqual(['bind', 'network-mode']);
    expect(d2.multiCell?.subjects).toContainEqual({ subject, cells: ['bind', 'network-mode'] });
    expect(diffMarkdown(d2)).toMatch(/moves 2 matrix cells at once/);
  });

  it('a probe verdict that flipped is listed with both decisive errors; a path probed once is not', () => {
    const before = labSnapshot();
    const after = clone(before);
    const failing = after.probes.find((p) => p.initiator.verdict === 'fail');
    if (!failing) throw new Error('no failing probe recorded');
    failing.initiator.verdict = 'pass';
    failing.initiator.decisive = null;
    after.probes = after.probes.filter(
      (p) => p !== after.probes.find((x) => x.initiator.verdict === 'pass' && x !== failing),
    );
    const d = diffSnapshots(before, after, refs);
    expect(d.flips).toHaveLength(1);
    expect(d.flips[0]).toMatchObject({ before: 'fail', after: 'pass', afterDecisive: null });
    expect(d.flips[0]?.beforeDecisive).toBeTruthy();
  });
});

describe('proxy routes in the diff', () => {
  const proxy = (upgrade: string | null, upstream = 'http://gateway:18789') => ({
    container: 'reachmap-lab_proxy_1',
    subject: 'reachmap-lab/proxy',
    source: 'inside reachmap-lab_proxy_1: /etc/nginx/conf.d/default.conf',
    locations: [
      {
        server: ':80',
        path: '/',
        upstream,
        httpVersion: '1.1',
        upgradeHeader: upgrade,
        connectionHeader: upgrade ? '$connection_upgrade' : null,
        readTimeout: '60s',
      },
    ],
  });

  it('a route that stops forwarding Upgrade is a proxy-upstream change with both header sets', () => {
    const before = labSnapshot({ proxies: [proxy('$http_upgrade')] });
    const after = labSnapshot({ proxies: [proxy(null)] });
    const d = diffSnapshots(before, after, refs);
    expect(d.changes).toEqual([
      expect.objectContaining({
        subject: 'reachmap-lab/proxy',
        field: 'forwarded headers (:80 /)',
        cell: 'proxy-upstream',
        before: 'Upgrade: $http_upgrade; Connection: $connection_upgrade',
        after: 'Upgrade: not set; Connection: not set',
      }),
    ]);
  });

  it('a new upstream and a new bind in one change are flagged as two cells', () => {
    const before = labSnapshot({ proxies: [proxy('$http_upgrade')] });
    const after = structuredClone(
      labSnapshot({ proxies: [proxy('$http_upgrade', 'http://gateway-new:18789')] }),
    );
    const gw = after.topology.containers.find((c) => c.compose?.service === 'gateway-loopback');
    const l = after.topology.namespaces
      .find((n) => n.id === gw?.netns)
      ?.listeners.find((x) => x.port === 18789);
    if (!l) throw new Error('no listener');
    l.address = '0.0.0.0';
    const d = diffSnapshots(before, after, refs);
    expect(d.changes.find((c) => c.field === 'proxy upstream (:80 /)')).toMatchObject({
      before: 'http://gateway:18789',
      after: 'http://gateway-new:18789',
    });
    expect(d.multiCell?.cells).toEqual(['bind', 'proxy-upstream']);
  });
});
