import {
  BISECT_CELLS,
  type DiffChange,
  type MatrixCell,
  type ProbeFlip,
  type SnapshotDiff,
} from '../model/diff';
import type { ProbeRecord } from '../model/live';
import type { Snapshot } from '../model/snapshot';
import type { Container, Topology } from '../model/topology';
import { probePathKey } from '../probe/edges';
import { subjectOf } from '../topology/subject';

/**
 * The diff of two snapshots: containers added, removed, recreated or changed in the facts
 * a networking review cares about (listeners and their bind address, network mode,
 * networks, published ports, proxy variables, allowed origins, proxy upstreams and the
 * headers they forward), probe verdicts that flipped, and whether the change moves more
 * than one matrix cell at once. Pure.
 */

/** One comparable fact of a container: a sorted list of strings. */
interface Fact {
  field: string;
  cell: MatrixCell | null;
  values: (c: Container, t: Topology) => string[];
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

const FACTS: Fact[] = [
  { field: 'image', cell: null, values: (c) => [c.image] },
  { field: 'state', cell: null, values: (c) => [c.state] },
  {
    // Workload sockets of the namespace the container runs in (Docker's DNS is the engine's).
    field: 'listeners',
    cell: 'bind',
    values: (c, t) =>
      sorted(
        (t.namespaces.find((n) => n.id === c.netns && c.netns !== null)?.listeners ?? [])
          .filter((l) => l.role === 'workload')
          .map(
            (l) =>
              `${l.protocol} ${l.family === 6 ? `[${l.address}]` : l.address}:${l.port}${l.v6only ? ' v6only' : ''}`,
          ),
      ),
  },
  { field: 'configured bind', cell: 'bind', values: (c) => (c.openclaw?.bind ? [c.openclaw.bind] : []) },
  {
    // container:<id> names an id that changes when that container is recreated: compare whom it names.
    field: 'network mode',
    cell: 'network-mode',
    values: (c, t) => {
      if (c.networkModeKind !== 'container') return [c.networkMode];
      const peer = t.containers.find((x) => x.id === c.sharesNetnsWith);
      return [`container:${peer ? subjectOf(peer) : `${(c.sharesNetnsWith ?? '?').slice(0, 12)} (gone)`}`];
    },
  },
  { field: 'networks', cell: 'network-mode', values: (c) => sorted(c.networks) },
  {
    field: 'published ports',
    cell: 'publish',
    values: (c) => sorted(c.ports.map((p) => `${p.hostIp}:${p.hostPort}→${p.containerPort}/${p.protocol}`)),
  },
  {
    field: 'proxy variables',
    cell: 'client-config',
    values: (c) => sorted(c.proxyEnv.map((e) => `${e.name}=${e.value}`)),
  },
  {
    field: 'allowed origins',
    cell: 'origins',
    values: (c) => sorted(c.openclaw?.allowedOrigins ?? []),
  },
];

export { subjectOf };

const show = (xs: string[]) => (xs.length ? xs.join(', ') : '—');

function containerChanges(before: Topology, after: Topology): DiffChange[] {
  const index = (t: Topology) => new Map(t.containers.map((c) => [subjectOf(c), c]));
  const a = index(before);
  const b = index(after);
  const out: DiffChange[] = [];
  for (const [subject, c] of a)
    if (!b.has(subject))
      out.push({
        subject,
        name: c.name,
        kind: 'removed',
        field: null,
        cell: null,
        before: c.image,
        after: null,
      });
  for (const [subject, c] of b) {
    const old = a.get(subject);
    if (!old) {
      out.push({
        subject,
        name: c.name,
        kind: 'added',
        field: null,
        cell: null,
        before: null,
        after: c.image,
      });
      continue;
    }
    if (old.id !== c.id)
      out.push({
        subject,
        name: c.name,
        kind: 'recreated',
        field: 'container id',
        cell: null,
        before: old.id.slice(0, 12),
        after: c.id.slice(0, 12),
      });
    for (const f of FACTS) {
      const x = f.values(old, before);
      const y = f.values(c, after);
      if (x.join('\n') !== y.join('\n'))
        out.push({
          subject,
          name: c.name,
          kind: 'changed',
          field: f.field,
          cell: f.cell,
          before: show(x),
          after: show(y),
        });
    }
  }
  return out;
}

/** Proxy upstreams and forwarded headers as the runbooks' step 5 read them, per runbook target. */
function runbookProxyRows(s: Snapshot): Map<string, string> {
  const rows = new Map<string, string>();
  // Oldest first, so the newest runbook of a target wins.
  for (const r of s.runbooks) {
    const table = r.steps.find((x) => x.n === 5)?.table;
    if (!table || table.length < 2) continue;
    const [head, ...body] = table;
    rows.set(r.to, body.map((row) => row.map((v, i) => `${head?.[i] ?? i}: ${v}`).join('; ')).join(' | '));
  }
  return rows;
}

type Location = Snapshot['proxies'][number]['locations'][number];
/** The facts of a proxy route a change can move, each in the proxy-upstream cell. */
const ROUTE_FACTS: Array<{ field: string; value: (l: Location) => string }> = [
  { field: 'proxy upstream', value: (l) => l.upstream ?? '—' },
  {
    field: 'forwarded headers',
    value: (l) => `Upgrade: ${l.upgradeHeader ?? 'not set'}; Connection: ${l.connectionHeader ?? 'not set'}`,
  },
  { field: 'proxy HTTP version and idle timeout', value: (l) => `HTTP/${l.httpVersion}, ${l.readTimeout}` },
];

/** Route by route, from the proxies' own configurations read at each snapshot. */
function routeChanges(before: Snapshot, after: Snapshot): DiffChange[] {
  const routes = (s: Snapshot) =>
    new Map(
      s.proxies.flatMap((p) =>
        p.locations.map((l) => [`${p.subject}\n${l.server} ${l.path}`, { p, l }] as const),
      ),
    );
  const a = routes(before);
  const b = routes(after);
  const out: DiffChange[] = [];
  const change = (p: { subject: string; container: string }, route: string, rest: Partial<DiffChange>) =>
    out.push({
      subject: p.subject,
      name: p.container,
      kind: 'changed',
      cell: 'proxy-upstream',
      before: null,
      after: null,
      field: `proxy route ${route}`,
      ...rest,
    });
  for (const [key, { p, l }] of b) {
    const route = key.split('\n')[1] as string;
    const old = a.get(key);
    if (!old) {
      change(p, route, { after: ROUTE_FACTS.map((f) => f.value(l)).join(' · ') });
      continue;
    }
    for (const f of ROUTE_FACTS) {
      const x = f.value(old.l);
      const y = f.value(l);
      if (x !== y) change(p, route, { field: `${f.field} (${route})`, before: x, after: y });
    }
  }
  for (const [key, { p, l }] of a)
    if (!b.has(key))
      change(p, key.split('\n')[1] as string, { before: ROUTE_FACTS.map((f) => f.value(l)).join(' · ') });
  return out;
}

function proxyChanges(before: Snapshot, after: Snapshot): DiffChange[] {
  // The proxies' configurations when both snapshots read them; else what runbooks saw.
  if (before.proxies.length > 0 && after.proxies.length > 0) return routeChanges(before, after);
  const a = runbookProxyRows(before);
  const b = runbookProxyRows(after);
  const out: DiffChange[] = [];
  for (const [to, row] of b) {
    const old = a.get(to);
    if (old !== undefined && old !== row)
      out.push({
        subject: to,
        name: to,
        kind: 'changed',
        field: 'proxy quadruple',
        cell: 'proxy-upstream',
        before: old,
        after: row,
      });
  }
  return out;
}

const pathLabel = (r: ProbeRecord) =>
  `${r.initiator.initiator.name} → ${r.initiator.target.input}${r.initiator.origin ? ` (Origin ${r.initiator.origin})` : ''}`;

/** Paths probed in both whose verdict differs; a path probed in only one is not a flip. */
function flips(before: Snapshot, after: Snapshot): ProbeFlip[] {
  // Initiators are keyed by container id in path keys: match by name instead, so a
  // recreated initiator still pairs with itself.
  const key = (r: ProbeRecord) =>
    `${r.initiator.initiator.name}\n${r.initiator.target.input}\n${r.initiator.origin ?? ''}`;
  const a = new Map(before.probes.map((r) => [key(r), r]));
  const out: ProbeFlip[] = [];
  for (const r of after.probes) {
    const old = a.get(key(r));
    if (!old || old.initiator.verdict === r.initiator.verdict) continue;
    out.push({
      path: pathLabel(r),
      before: old.initiator.verdict,
      after: r.initiator.verdict,
      beforeDecisive: old.initiator.decisive,
      afterDecisive: r.initiator.decisive,
    });
  }
  return out.sort((x, y) => x.path.localeCompare(y.path));
}

function multiCell(changes: DiffChange[]): SnapshotDiff['multiCell'] {
  const bySubject = new Map<string, Set<MatrixCell>>();
  for (const c of changes) {
    if (!c.cell || !BISECT_CELLS.includes(c.cell)) continue;
    const set = bySubject.get(c.subject) ?? new Set<MatrixCell>();
    set.add(c.cell);
    bySubject.set(c.subject, set);
  }
  const cells = BISECT_CELLS.filter((cell) => [...bySubject.values()].some((s) => s.has(cell)));
  if (cells.length < 2) return null;
  return {
    cells,
    subjects: [...bySubject].map(([subject, s]) => ({
      subject,
      cells: BISECT_CELLS.filter((c) => s.has(c)),
    })),
  };
}

export function diffSnapshots(
  before: Snapshot,
  after: Snapshot,
  refs: { before: string; after: string },
): SnapshotDiff {
  const side = (s: Snapshot, ref: string) => ({ ref, takenAt: s.takenAt, host: s.host, note: s.note });
  const changes = [...containerChanges(before.topology, after.topology), ...proxyChanges(before, after)];
  return {
    schemaVersion: 1,
    before: side(before, refs.before),
    after: side(after, refs.after),
    changes,
    flips: flips(before, after),
    multiCell: multiCell(changes),
  };
}

/** Probe path keys are what the graph keys edges by; exported for marking flipped edges. */
export const flippedPathKeys = (after: Snapshot, diff: SnapshotDiff) => {
  const flipped = new Set(diff.flips.map((f) => f.path));
  return after.probes.filter((r) => flipped.has(pathLabel(r))).map((r) => probePathKey(r.initiator));
};
