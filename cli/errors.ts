/** Errors of the command line itself, light to import (cli/main.ts loads commands lazily). */

/** The command line is wrong: the message, then the usage; exit 2. */
export class UsageError extends Error {}

/** exitCode 2: the command line is wrong; 1: the snapshot or the store is. */
export class SnapshotCliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}

/** JSON outputs carry this version of their shape; the schemas are in schema/ (npm run schema). */
export const CLI_SCHEMA_VERSION = 1;

/** The snapshot commands (cli/snapshots.ts): snapshot, snapshots, export, import, delete, diff. */
export const SNAPSHOT_COMMANDS = new Set(['snapshot', 'snapshots', 'export', 'import', 'delete', 'diff']);
