import { describe, expect, it } from 'vitest';
import { findHelper, readNetnsFacts } from '@/lib/netns/reader';
import { netnsTargets } from '@/lib/scanner';
import { realClient } from './client';

describe('listener reading on the real host', () => {
  it('the netlink helper is built and agrees with /proc on every namespace', async () => {
    expect(findHelper()).not.toBeNull();
    const engine = await realClient().scan();
    const targets = netnsTargets(engine.containers);
    const viaHelper = await readNetnsFacts(targets);
    const viaProc = await readNetnsFacts(targets, { helper: null });
    const keys = Object.keys(viaProc.tables).sort();
    expect(Object.keys(viaHelper.tables).sort()).toEqual(keys);
    const norm = (xs: Array<{ protocol: string; address: string; port: number; inode: number }>) =>
      xs.map((s) => `${s.protocol} ${s.address}:${s.port} #${s.inode}`).sort();
    for (const k of keys) {
      expect(viaHelper.tables[k]?.source, k).toBe('netlink');
      expect(viaProc.tables[k]?.source, k).toBe('proc');
      expect(norm(viaHelper.tables[k]?.sockets ?? []), k).toEqual(norm(viaProc.tables[k]?.sockets ?? []));
    }
    // Both paths name the same owner for the same socket.
    for (const [sock, o] of Object.entries(viaProc.owners))
      expect(viaHelper.owners[sock]?.name, sock).toBe(o.name);
  });
});
