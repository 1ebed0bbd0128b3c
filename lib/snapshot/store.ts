import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseSync as Database } from 'node:sqlite';
import { gunzipSync, gzipSync } from 'node:zlib';
import { OperatorError } from '../errors';
import { Snapshot, type SnapshotSummary, summarize } from '../model/snapshot';

/**
 * Snapshots in SQLite (node:sqlite, built into Node ≥ 22.5: nothing native to compile).
 * WAL with synchronous=FULL: a put returns only after its transaction is on disk, so a
 * link that was handed out survives a crash or SIGKILL, and a reader never sees half a
 * snapshot. The dashboard and the CLI share one file; busy_timeout serialises writers.
 * Bodies are gzipped JSON, already redacted (lib/snapshot/take.ts).
 */

const FILE = 'snapshots.db';

interface Row {
  id: string;
  summary: string;
  body: Uint8Array;
}

export class SnapshotStoreError extends OperatorError {}

export class SnapshotStore {
  private constructor(private readonly db: Database) {}

  static async open(dataDir: string): Promise<SnapshotStore> {
    let sqlite: typeof import('node:sqlite');
    try {
      sqlite = await import('node:sqlite');
    } catch {
      throw new SnapshotStoreError(
        `snapshots need Node ≥ 22.5 (node:sqlite); this is Node ${process.versions.node}`,
      );
    }
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // The wait is set before the first statement: switching to WAL takes an exclusive lock,
    // and two processes opening the store at once must queue, not fail with SQLITE_BUSY.
    const db = new sqlite.DatabaseSync(path.join(dataDir, FILE), { timeout: 10_000 });
    db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      CREATE TABLE IF NOT EXISTS snapshots (
        id TEXT PRIMARY KEY,
        taken_at TEXT NOT NULL,
        expires_at TEXT,
        summary TEXT NOT NULL,
        body BLOB NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS snapshots_taken ON snapshots (taken_at);
    `);
    return new SnapshotStore(db);
  }

  /** Stores a validated snapshot; returns its summary once it is durable. */
  put(s: Snapshot): SnapshotSummary {
    const valid = Snapshot.parse(s);
    const body = gzipSync(JSON.stringify(valid));
    const summary = summarize(valid, body.length);
    this.db
      .prepare('INSERT INTO snapshots (id, taken_at, expires_at, summary, body) VALUES (?, ?, ?, ?, ?)')
      .run(valid.id, valid.takenAt, valid.expiresAt, JSON.stringify(summary), body);
    return summary;
  }

  get(id: string, now = new Date()): Snapshot | null {
    this.expire(now);
    const row = this.db.prepare('SELECT id, summary, body FROM snapshots WHERE id = ?').get(id) as
      | Row
      | undefined;
    if (!row) return null;
    return Snapshot.parse(JSON.parse(gunzipSync(row.body).toString('utf8')));
  }

  has(id: string, now = new Date()): boolean {
    this.expire(now);
    return this.db.prepare('SELECT 1 FROM snapshots WHERE id = ?').get(id) !== undefined;
  }

  /** Newest first. */
  list(now = new Date()): SnapshotSummary[] {
    this.expire(now);
    const rows = this.db.prepare('SELECT summary FROM snapshots ORDER BY taken_at DESC, id').all() as {
      summary: string;
    }[];
    return rows.map((r) => JSON.parse(r.summary) as SnapshotSummary);
  }

  delete(id: string): boolean {
    return Number(this.db.prepare('DELETE FROM snapshots WHERE id = ?').run(id).changes) > 0;
  }

  /** Removes the expired ones; returns how many. */
  expire(now = new Date()): number {
    return Number(
      this.db
        .prepare('DELETE FROM snapshots WHERE expires_at IS NOT NULL AND expires_at <= ?')
        .run(now.toISOString()).changes,
    );
  }

  close(): void {
    this.db.close();
  }
}
