import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { findBuilt } from '../../util/built';

/** Where the built agent and the host tools are. */

export const findAgent = (): string | null => findBuilt('probe-agent.mjs', 'REACHMAP_PROBE_AGENT');

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
