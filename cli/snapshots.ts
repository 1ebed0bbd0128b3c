import { readFile, writeFile } from 'node:fs/promises';
import { DockerClient } from '../lib/docker/client';
import { Snapshot, type SnapshotSummary, TakenSnapshot } from '../lib/model/snapshot';
import { readProxyRoutes } from '../lib/proxy/configReader';
import { scanOnce } from '../lib/scanner';
import { baseUrl, engineOf, type Settings } from '../lib/settings';
import { composeSnapshot, importedSnapshot } from '../lib/snapshot/compose';
import { diffSnapshots } from '../lib/snapshot/diff';
import { diffMarkdown } from '../lib/snapshot/diffMarkdown';
import { type ExportFormat, exportSnapshot } from '../lib/snapshot/exports';
import { isSnapshotId, newSnapshotId } from '../lib/snapshot/id';
import { SnapshotStore } from '../lib/snapshot/store';
import { readToken } from '../server/token';
import { SnapshotCliError } from './errors';
import { writePng } from './png';

/** The snapshot commands: snapshot, snapshots, export, import, delete, diff. */

export interface SnapshotFlags {
  json: boolean;
  md: boolean;
  note?: string;
  ttl?: string;
  out?: string;
  /** Files to write the offline HTML, the SVG or the PNG of the graph to. */
  html?: string;
  svg?: string;
  png?: string;
}

/** --html / --svg / --png FILE: each written; returns whether any was asked for. */
async function writeFiles(s: Snapshot, flags: SnapshotFlags, url: string): Promise<boolean> {
  if (flags.html) await output(exportSnapshot(s, 'html', url), flags.html);
  if (flags.svg) await output(exportSnapshot(s, 'svg', url), flags.svg);
  if (flags.png) {
    try {
      const bytes = await writePng(exportSnapshot(s, 'svg', url), flags.png);
      process.stderr.write(`wrote ${flags.png} (${bytes} bytes)\n`);
    } catch (e) {
      throw new SnapshotCliError(e instanceof Error ? e.message : String(e), 1);
    }
  }
  return Boolean(flags.html || flags.svg || flags.png);
}

const link = (settings: Settings, id: string) => `${baseUrl(settings)}/s/${id}`;

function ttlSeconds(ttl: string | undefined): number | null {
  if (ttl === undefined) return null;
  const m = /^(\d+)([smhd])$/.exec(ttl.trim());
  if (!m) throw new SnapshotCliError(`--ttl expects a duration such as 30m, 12h or 7d (got "${ttl}")`);
  const n = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  if (n < 60) throw new SnapshotCliError('--ttl must be at least one minute');
  return n;
}

/**
 * A running dashboard has the probe results and runbooks on screen: ask it first (its
 * token is in the shared data directory), so the CLI's snapshot is the dashboard's.
 */
async function viaServer(settings: Settings, note: string, ttl: number | null) {
  const token = settings.token ?? (await readToken(settings.dataDir));
  if (!token) return null;
  let res: Response;
  try {
    res = await fetch(
      `${baseUrl({ host: settings.host, port: settings.port, basePath: settings.basePath })}/api/snapshots`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ note, ttlSeconds: ttl }),
        signal: AbortSignal.timeout(30_000),
      },
    );
  } catch {
    return null; // no dashboard running: take it here
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok)
    throw new SnapshotCliError(
      `the running dashboard refused the snapshot: ${(body as { error?: string } | null)?.error ?? `HTTP ${res.status}`}`,
      1,
    );
  return TakenSnapshot.parse(body);
}

/** The host now, from a fresh scan (no probe results: those live in a running dashboard). */
async function scanNow(settings: Settings, note = '', ttl: number | null = null): Promise<Snapshot> {
  const client = new DockerClient(engineOf(settings));
  const topology = await scanOnce(client);
  return composeSnapshot({
    id: newSnapshotId(),
    now: new Date(),
    note,
    ttlSeconds: ttl,
    source: 'cli',
    view: { project: null, selection: null },
    topology,
    probes: [],
    probeFindings: [],
    runbooks: [],
    proxies: await readProxyRoutes(topology),
  });
}

async function takeHere(settings: Settings, note: string, ttl: number | null): Promise<SnapshotSummary> {
  const snapshot = await scanNow(settings, note, ttl);
  return withStore(settings, (st) => st.put(snapshot));
}

async function withStore<T>(settings: Settings, f: (s: SnapshotStore) => T): Promise<T> {
  const store = await SnapshotStore.open(settings.dataDir);
  try {
    return f(store);
  } finally {
    store.close();
  }
}

function idArg(positionals: string[], command: string): string {
  const id = positionals[1];
  if (!id || positionals.length > 2) throw new SnapshotCliError(`${command} takes one snapshot id`);
  if (!isSnapshotId(id))
    throw new SnapshotCliError(`"${id}" is not a snapshot id (22 characters of A-Z a-z 0-9 _ -)`);
  return id;
}

function formatList(items: SnapshotSummary[], settings: Settings): string {
  if (!items.length) return 'No snapshots.\n';
  return `${items
    .map(
      (s) =>
        `${s.id}  ${s.takenAt}  ${s.source.padEnd(9)} ${String(s.containers).padStart(4)} containers  ${String(s.failing).padStart(3)} failing  ${(s.bytes / 1024).toFixed(0).padStart(5)} KiB  ${s.note.replace(/\s+/g, ' ').slice(0, 60)}\n    ${link(settings, s.id)}${s.expiresAt ? `  (expires ${s.expiresAt})` : ''}`,
    )
    .join('\n')}\n`;
}

async function output(text: string, out: string | undefined): Promise<void> {
  if (out) {
    await writeFile(out, text, { mode: 0o644 });
    process.stderr.write(`wrote ${out} (${Buffer.byteLength(text)} bytes)\n`);
  } else process.stdout.write(text);
}

export async function snapshotCommand(
  command: string,
  positionals: string[],
  flags: SnapshotFlags,
  settings: Settings,
): Promise<number> {
  switch (command) {
    case 'snapshot': {
      if (positionals.length > 1)
        throw new SnapshotCliError('snapshot takes no arguments; give the note with --note "…"');
      const note = flags.note ?? '';
      const ttl = ttlSeconds(flags.ttl);
      const remote = await viaServer(settings, note, ttl);
      const summary = remote?.summary ?? (await takeHere(settings, note, ttl));
      const url = remote?.link ?? link(settings, summary.id);
      if (flags.md || flags.html || flags.svg || flags.png) {
        const s = await withStore(settings, (st) => st.get(summary.id));
        if (!s) throw new SnapshotCliError(`snapshot ${summary.id} vanished right after it was taken`, 1);
        await writeFiles(s, flags, url);
        if (flags.md) process.stdout.write(exportSnapshot(s, 'md', url));
      }
      if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, link: url }, null, 2)}\n`);
      else if (!flags.md) process.stdout.write(`${url}\n`);
      return 0;
    }
    case 'snapshots': {
      const items = await withStore(settings, (s) => s.list());
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ snapshots: items.map((s) => ({ ...s, link: link(settings, s.id) })) }, null, 2)}\n`
          : formatList(items, settings),
      );
      return 0;
    }
    case 'export': {
      const id = idArg(positionals, 'export');
      const s = await withStore(settings, (st) => st.get(id));
      if (!s) throw new SnapshotCliError(`no snapshot ${id} (deleted or expired?)`, 1);
      const files = await writeFiles(s, flags, link(settings, id));
      if (flags.md || flags.json || !files) {
        const format: ExportFormat = flags.md ? 'md' : 'json';
        await output(exportSnapshot(s, format, link(settings, id)), flags.out);
      }
      return 0;
    }
    case 'import': {
      const file = positionals[1];
      if (!file || positionals.length > 2)
        throw new SnapshotCliError('import takes one file (a JSON export)');
      let parsed: Snapshot;
      try {
        parsed = Snapshot.parse(JSON.parse(await readFile(file, 'utf8')));
      } catch (e) {
        throw new SnapshotCliError(
          `${file} is not a Reachmap snapshot export: ${e instanceof Error ? e.message.split('\n')[0] : e}`,
          1,
        );
      }
      const summary = await withStore(settings, (st) => st.put(importedSnapshot(parsed)));
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ ...summary, link: link(settings, summary.id) }, null, 2)}\n`
          : `${link(settings, summary.id)}\n`,
      );
      return 0;
    }
    case 'diff': {
      const [a, b] = [positionals[1], positionals[2]];
      if (!a || !b || positionals.length > 3)
        throw new SnapshotCliError('diff takes two snapshot ids (the second may be "now")');
      for (const ref of [a, b])
        if (ref !== 'now' && !isSnapshotId(ref))
          throw new SnapshotCliError(
            `"${ref}" is not a snapshot id (22 characters of A-Z a-z 0-9 _ -) or "now"`,
          );
      const side = async (ref: string): Promise<Snapshot> => {
        if (ref === 'now') return scanNow(settings);
        const s = await withStore(settings, (st) => st.get(ref));
        if (!s) throw new SnapshotCliError(`no snapshot ${ref} (deleted or expired?)`, 1);
        return s;
      };
      const d = diffSnapshots(await side(a), await side(b), { before: a, after: b });
      process.stdout.write(flags.json ? `${JSON.stringify(d, null, 2)}\n` : diffMarkdown(d));
      return 0;
    }
    case 'delete': {
      const id = idArg(positionals, 'delete');
      if (!(await withStore(settings, (s) => s.delete(id))))
        throw new SnapshotCliError(`no snapshot ${id}`, 1);
      process.stdout.write(`deleted ${id}\n`);
      return 0;
    }
    default:
      throw new SnapshotCliError(`unknown command "${command}"`);
  }
}
