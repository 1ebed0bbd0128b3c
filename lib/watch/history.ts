import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WatchPoint } from './point';

/**
 * Each watched path's verdicts over time: a strip that shows flapping ("passes, then fails")
 * and when a failure started. Kept in memory and, when given a data directory, in
 * watch-history.jsonl there (appended as results come, rewritten without what is past the
 * retention when it grows), so a restart keeps the hours before it.
 */

const FILE = 'watch-history.jsonl';
/** Points kept per path in memory at most, whatever the interval (24 h at 30 s is 2,880). */
const PER_PATH_MAX = 5000;

export class WatchHistory {
  private byKey = new Map<string, WatchPoint[]>();
  private appended = 0;
  /** The file's last line was torn (a crash mid-write): the next append starts a new line. */
  private torn = false;
  private readonly perPath: number;

  constructor(
    private readonly dataDir: string | null,
    private readonly retentionMs = 24 * 3600_000,
    private readonly now = () => Date.now(),
    /** The watch's interval: enough points per path for the whole retention. */
    intervalMs = 30_000,
  ) {
    this.perPath = Math.min(PER_PATH_MAX, Math.ceil(retentionMs / Math.max(1000, intervalMs)) + 1);
    if (dataDir) this.load();
  }

  private get file(): string | null {
    return this.dataDir ? path.join(this.dataDir, FILE) : null;
  }

  private load(): void {
    let text = '';
    try {
      text = readFileSync(this.file as string, 'utf8');
    } catch {
      return; // no history yet
    }
    this.torn = text.length > 0 && !text.endsWith('\n');
    const since = this.now() - this.retentionMs;
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const p = WatchPoint.parse(JSON.parse(line));
        if (Date.parse(p.at) >= since) this.keep(p);
      } catch {
        // a torn last line after a crash: the rest still counts
      }
    }
  }

  private keep(p: WatchPoint): void {
    const list = this.byKey.get(p.key) ?? [];
    list.push(p);
    if (list.length > this.perPath) list.splice(0, list.length - this.perPath);
    this.byKey.set(p.key, list);
  }

  /** Records a result; returns the previous point of that path (null for its first). */
  add(p: WatchPoint): WatchPoint | null {
    const previous = this.byKey.get(p.key)?.at(-1) ?? null;
    this.keep(p);
    if (this.file) {
      try {
        mkdirSync(this.dataDir as string, { recursive: true, mode: 0o700 });
        appendFileSync(this.file, `${this.torn ? '\n' : ''}${JSON.stringify(p)}\n`, { mode: 0o600 });
        this.torn = false;
        if (++this.appended >= 5000) this.compact();
      } catch {
        // a full or read-only disk loses the file, never the watch
      }
    }
    return previous;
  }

  /** Rewrites the file with what is inside the retention (what memory holds). */
  compact(): void {
    if (!this.file) return;
    const since = this.now() - this.retentionMs;
    const lines: string[] = [];
    for (const [key, list] of this.byKey) {
      const kept = list.filter((p) => Date.parse(p.at) >= since);
      if (kept.length === 0) this.byKey.delete(key);
      else this.byKey.set(key, kept);
      for (const p of kept) lines.push(JSON.stringify(p));
    }
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
    renameSync(tmp, this.file);
    this.appended = 0;
    this.torn = false;
  }

  of(key: string): WatchPoint[] {
    return [...(this.byKey.get(key) ?? [])];
  }

  /** The points drawn on one edge (the page asks by the edge it shows). */
  ofEdge(edge: string): WatchPoint[] {
    for (const list of this.byKey.values()) if (list.at(-1)?.edge === edge) return [...list];
    return [];
  }

  all(): WatchPoint[] {
    return [...this.byKey.values()].flat().sort((a, b) => a.at.localeCompare(b.at));
  }
}
