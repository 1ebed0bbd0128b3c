import type { RawSocket } from './procNet';

/** Pure parser for the output of native/netns-listeners.c (see its header for the format). */

export interface HelperNamespace {
  pid: number;
  inode: number;
  sockets: RawSocket[];
}

export interface HelperOutput {
  namespaces: Map<number, HelperNamespace>;
  errors: Map<number, string>;
  /** socket inode → pid */
  owners: Map<number, number>;
}

export function parseHelperOutput(text: string): HelperOutput {
  const namespaces = new Map<number, HelperNamespace>();
  const errors = new Map<number, string>();
  const owners = new Map<number, number>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    switch (f[0]) {
      case 'ns': {
        const pid = Number(f[1]);
        const inode = Number(f[2]);
        if (Number.isInteger(pid) && Number.isInteger(inode))
          namespaces.set(pid, { pid, inode, sockets: [] });
        break;
      }
      case 's': {
        const ns = namespaces.get(Number(f[1]));
        const protocol = f[2];
        const family = Number(f[3]);
        const port = Number(f[5]);
        const inode = Number(f[6]);
        if (!ns || (protocol !== 'tcp' && protocol !== 'udp') || (family !== 4 && family !== 6) || !f[4])
          break;
        if (!Number.isInteger(port) || !Number.isInteger(inode)) break;
        ns.sockets.push({
          protocol,
          family,
          address: f[4],
          port,
          state: protocol === 'tcp' ? 0x0a : 0x07,
          inode,
        });
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
        if (Number.isInteger(sock) && Number.isInteger(pid) && !owners.has(sock)) owners.set(sock, pid);
        break;
      }
    }
  }
  return { namespaces, errors, owners };
}
