import type { RawSocket } from './procNet';

/** Pure parser for the output of native/netns-listeners.c (see its header for the format). */

export interface HelperPid {
  inode: number;
  /** Container id from the process's cgroup path, or null. */
  containerId: string | null;
}

export interface HelperOwner {
  pid: number;
  name: string;
  containerId: string | null;
}

export interface HelperOutput {
  pids: Map<number, HelperPid>;
  /** Sockets per namespace inode (each namespace is dumped once). */
  sockets: Map<number, RawSocket[]>;
  errors: Map<number, string>;
  /** socket inode → holder (the first one reported: a forked worker shares its parent's socket) */
  owners: Map<number, HelperOwner>;
}

const cg = (s: string | undefined) => (s && /^[0-9a-f]{64}$/.test(s) ? s : null);

export function parseHelperOutput(text: string): HelperOutput {
  const pids = new Map<number, HelperPid>();
  const sockets = new Map<number, RawSocket[]>();
  const errors = new Map<number, string>();
  const owners = new Map<number, HelperOwner>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    switch (f[0]) {
      case 'ns': {
        const pid = Number(f[1]);
        const inode = Number(f[2]);
        // The first record for a pid wins: nothing later in the stream may rewrite it.
        if (!Number.isInteger(pid) || !Number.isInteger(inode) || pids.has(pid) || f.length !== 4) break;
        pids.set(pid, { inode, containerId: cg(f[3]) });
        break;
      }
      case 's': {
        const inode = pids.get(Number(f[1]))?.inode;
        const protocol = f[2];
        const family = Number(f[3]);
        const port = Number(f[5]);
        const sock = Number(f[6]);
        if (
          inode === undefined ||
          (protocol !== 'tcp' && protocol !== 'udp') ||
          (family !== 4 && family !== 6) ||
          !f[4]
        )
          break;
        if (!Number.isInteger(port) || !Number.isInteger(sock)) break;
        const list = sockets.get(inode) ?? [];
        list.push({
          protocol,
          family,
          address: f[4],
          port,
          state: protocol === 'tcp' ? 0x0a : 0x07,
          inode: sock,
          // Older helpers print no V6ONLY field: unknown, not false.
          ...(f[7] === '1' || f[7] === '0' ? { v6only: f[7] === '1' } : {}),
        });
        sockets.set(inode, list);
        break;
      }
      case 'err': {
        const pid = Number(f[1]);
        if (Number.isInteger(pid)) errors.set(pid, `${f[2] ?? 'error'} (${f[3] ?? '?'})`);
        break;
      }
      case 'o': {
        const sock = Number(f[1]);
        const pid = Number(f[2]);
        if (Number.isInteger(sock) && Number.isInteger(pid) && !owners.has(sock)) {
          owners.set(sock, { pid, containerId: cg(f[3]), name: f.slice(4).join(' ') || '?' });
        }
        break;
      }
    }
  }
  return { pids, sockets, errors, owners };
}
