import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

/** Where the built agent and the host tools are. */

export function findAgent(): string | null {
  const candidates = [
    process.env.REACHMAP_PROBE_AGENT,
    path.resolve(import.meta.dirname, 'probe-agent.mjs'),
    path.resolve(import.meta.dirname, '..', '..', '..', 'dist', 'probe-agent.mjs'),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null;
}

export function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const p = path.join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return null;
}
