import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SNAPSHOT_ID_RE, Snapshot } from '@/lib/model/snapshot';
import { REDACTED, SECRET_NAME } from '@/lib/redact';
import { exportSnapshot } from '@/lib/snapshot/exports';
import { isSnapshotId, newSnapshotId } from '@/lib/snapshot/id';
import { snapshotMarkdown } from '@/lib/snapshot/markdown';
import { redactDeep } from '@/lib/snapshot/redact';
import { SnapshotStore } from '@/lib/snapshot/store';
import { labSnapshot, labSnapshotParts } from '../snapshotFixture';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'reachmap-snap-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('snapshot ids', () => {
  it('are 128 random bits in 22 base64url characters, and the format is strict', () => {
    const ids = new Set(Array.from({ length: 1000 }, newSnapshotId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(SNAPSHOT_ID_RE);
    const one = [...ids][0] as string;
    for (const bad of [
      ':id',
      '..',
      `${one}x`,
      one.slice(1),
      `${one.slice(1)}/`,
      `${one.slice(1)}.`,
      '',
      `${one.slice(1)}%`,
    ])
      expect(isSnapshotId(bad), bad).toBe(false);
  });
});

describe('composing a snapshot', () => {
  it('keeps the lab as recorded: topology, probes with evidence and logs, findings, the runbook', () => {
    const s = labSnapshot();
    expect(Snapshot.safeParse(s).success).toBe(true);
    expect(s.topology.containers.length).toBeGreaterThan(5);
    expect(s.probes).toHaveLength(13);
    expect(s.probes.some((p) => p.initiator.verdict === 'fail')).toBe(true);
    expect(s.probeFindings.map((f) => f.rule)).toContain('probe-loopback-bind');
    expect(s.runbooks[0]?.stoppedAt).toBe(3);
    expect(s.host).toBe(s.topology.host.name);
    expect(s.takenAt).toBe('2026-12-02T10:00:00.000Z');
  });

  it('identifiers survive redaction: ids, namespace keys, mount paths, image digests', () => {
    const parts = labSnapshotParts();
    const s = labSnapshot(parts);
    expect(s.topology.containers.map((c) => c.id)).toEqual(parts.topology.containers.map((c) => c.id));
    expect(s.topology.namespaces.map((n) => n.key)).toEqual(parts.topology.namespaces.map((n) => n.key));
    expect(s.topology.findings.map((f) => f.id)).toEqual(parts.topology.findings.map((f) => f.id));
    expect(s.topology.containers.flatMap((c) => c.mounts)).toEqual(
      parts.topology.containers.flatMap((c) => c.mounts),
    );
    expect(s.probes.map((p) => p.initiator.target.input)).toEqual(
      parts.probes.map((p) => p.initiator.target.input),
    );
  });

  it('masks secrets wherever they are: JSON-shaped, YAML, key=value, URLs, headers, secret-named fields', () => {
    const parts = labSnapshotParts();
    const c = parts.topology.containers[0];
    if (!c) throw new Error('no container');
    c.command = 'server --db postgres://app:canary-pw-1@db:5432/app';
    c.healthcheck = 'curl -H "apiKey: canary-key-2" http://x';
    const r = parts.probes.find((p) => p.initiator.steps.some((st) => st.kind === 'http'))?.initiator;
    if (!r) throw new Error('no recorded probe with an HTTP step');
    r.steps = r.steps.map((st) =>
      st.kind === 'http'
        ? {
            ...st,
            headers: { ...st.headers, 'set-cookie': 'sid=canary-cookie-3' },
            bodyPrefix: '{"user":"a","password":"canary pw 4"}',
          }
        : st,
    );
    const s = labSnapshot({ ...parts, note: 'token=canary-note-5 see logs' });
    const text = JSON.stringify(s);
    for (const canary of ['canary-pw-1', 'canary-key-2', 'canary-cookie-3', 'canary pw 4', 'canary-note-5'])
      expect(text, canary).not.toContain(canary);
    expect(text).toContain(REDACTED);
    expect(Snapshot.safeParse(s).success).toBe(true);
  });

  it('no property name of the data model looks secret, so key-based masking never hits the model itself', () => {
    const keys = new Set<string>();
    const walk = (v: unknown, parent: string) => {
      if (Array.isArray(v)) for (const x of v) walk(x, parent);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if (parent !== 'headers') keys.add(k);
          walk(x, k);
        }
    };
    walk(labSnapshot(), '');
    expect(keys.size).toBeGreaterThan(100);
    expect([...keys].filter((k) => SECRET_NAME.test(k))).toEqual([]);
  });

  it('redaction is idempotent (importing an export does not mangle it further)', () => {
    const s = labSnapshot();
    expect(redactDeep(s)).toEqual(s);
  });
});

describe('snapshot store', () => {
  it('round trip: put, get, list (newest first), delete', async () => {
    const store = await SnapshotStore.open(tmp());
    const a = labSnapshot({ now: new Date('2026-12-01T10:00:00Z'), note: 'first' });
    const b = labSnapshot({ now: new Date('2026-12-02T10:00:00Z'), note: 'second' });
    const sa = store.put(a);
    store.put(b);
    expect(store.get(a.id)).toEqual(a);
    expect(store.list().map((x) => x.note)).toEqual(['second', 'first']);
    expect(sa.containers).toBe(a.topology.containers.length);
    expect(sa.failing).toBe(a.probes.filter((p) => p.initiator.verdict !== 'pass').length);
    // gzip: the stored body is a fraction of the JSON.
    expect(sa.bytes).toBeLessThan(JSON.stringify(a).length / 4);
    expect(store.delete(a.id)).toBe(true);
    expect(store.delete(a.id)).toBe(false);
    expect(store.get(a.id)).toBeNull();
    expect(store.list().map((x) => x.id)).toEqual([b.id]);
    store.close();
  });

  it('a snapshot is immutable: the same id cannot be stored twice', async () => {
    const store = await SnapshotStore.open(tmp());
    const a = labSnapshot();
    store.put(a);
    expect(() => store.put({ ...a, note: 'changed' })).toThrow(/UNIQUE/);
    expect(store.get(a.id)?.note).toBe(a.note);
    store.close();
  });

  it('expired snapshots disappear from get, has and list', async () => {
    const store = await SnapshotStore.open(tmp());
    const now = new Date('2026-12-02T10:00:00Z');
    const s = labSnapshot({ now, ttlSeconds: 3600 });
    store.put(s);
    expect(store.has(s.id, new Date('2026-12-02T10:59:59Z'))).toBe(true);
    expect(store.list(new Date('2026-12-02T11:00:00Z'))).toEqual([]);
    expect(store.get(s.id, new Date('2026-12-02T11:00:01Z'))).toBeNull();
    store.close();
  });

  it('rejects what is not a valid snapshot', async () => {
    const store = await SnapshotStore.open(tmp());
    expect(() => store.put({ ...labSnapshot(), id: 'short' })).toThrow();
    expect(store.list()).toEqual([]);
    store.close();
  });
});

describe('exports', () => {
  it('Markdown for a chat message: the link, the red paths with their decisive error, findings with fixes', () => {
    const s = labSnapshot();
    const md = snapshotMarkdown(s, `http://127.0.0.1:7391/s/${s.id}`);
    expect(md).toContain(`<http://127.0.0.1:7391/s/${s.id}>`);
    expect(md).toContain('CLI gets 502 after the deploy');
    expect(md).toContain('## Red paths');
    expect(md).toMatch(/✖ .* → `http:\/\/gateway-loopback:18789\/healthz`: \*\*fail\*\* — `ECONNREFUSED`/);
    expect(md).toContain('**Fix**');
    expect(md).toContain('## Runbooks');
  });

  it('JSON is the snapshot itself, schema-valid', () => {
    const s = labSnapshot();
    expect(Snapshot.parse(JSON.parse(exportSnapshot(s, 'json', null)))).toEqual(s);
  });
});

describe('standalone exports (SVG, offline HTML)', () => {
  const hostile = () =>
    labSnapshot({ note: '<script>alert(1)</script> & "quotes" <img src=http://evil.example/x>' });

  it('the SVG draws every probed path with its verdict and decisive error, text escaped', () => {
    const s = hostile();
    const svg = exportSnapshot(s, 'svg', null);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const drawn = [...svg.matchAll(/data-verdict="(\w+)"/g)].map((m) => m[1]);
    expect(drawn.length).toBeGreaterThan(5);
    expect(drawn).toContain('fail');
    expect(svg).toContain('✖ ECONNREFUSED');
    expect(svg).not.toMatch(/<script|<img|href=/);
  });

  it('the HTML needs nothing from the network: no script, no external reference, a CSP that forbids fetching', () => {
    const s = hostile();
    const html = exportSnapshot(s, 'html', `http://127.0.0.1:7391/s/${s.id}`);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:`);
    expect(html).not.toMatch(/<script|<img|<link|<iframe|<[a-z]+[^>]*\ssrc=/i);
    // The only reference is the snapshot link itself, as a plain anchor.
    expect([...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual([
      `http://127.0.0.1:7391/s/${s.id}`,
    ]);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    for (const section of [
      '1. Graph',
      '2. Networking models',
      '3. Decision table',
      '4. Connections',
      '5. Findings',
      '6. Probed paths',
      '7. Runbooks',
    ])
      expect(html).toContain(section);
    expect(html).toContain('data-rule="probe-loopback-bind"');
  });
});

describe('offline HTML of a large host', () => {
  it('keeps every group: the overview draws them closed, and each opens in a <details> of its own', async () => {
    const { syntheticTopology } = await import('../synthetic');
    const s = labSnapshot({ topology: syntheticTopology({ containers: 200 }) });
    const html = exportSnapshot(s, 'html', null);
    const groups = [...html.matchAll(/<details data-group="([^"]+)">/g)].map((m) => m[1]);
    expect(groups.length).toBeGreaterThan(10);
    // Every container of the host is drawn in one of the pictures.
    const pictures = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]).join('');
    for (const c of s.topology.containers) expect(pictures, c.name).toContain(`>${c.name}<`);
    expect(Buffer.byteLength(html)).toBeLessThan(4 * 1024 * 1024);
  });
});
