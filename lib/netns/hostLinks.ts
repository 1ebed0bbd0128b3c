import { readFile } from 'node:fs/promises';

/** The host's uplink: the interface of its default route and that interface's MTU. */
export interface Uplink {
  interface: string;
  mtu: number;
}

/** Default-route interface from /proc/net/route text. Pure. */
export function defaultRouteInterface(routeTable: string): string | null {
  for (const line of routeTable.split('\n').slice(1)) {
    const [iface, dest, , , , , , mask] = line.trim().split(/\s+/);
    if (iface && dest === '00000000' && mask === '00000000') return iface;
  }
  return null;
}

export async function readUplink(procRoot = '/proc/self'): Promise<Uplink | null> {
  try {
    const iface = defaultRouteInterface(await readFile(`${procRoot}/net/route`, 'utf8'));
    if (!iface || !/^[\w.@-]+$/.test(iface)) return null;
    const mtu = Number((await readFile(`/sys/class/net/${iface}/mtu`, 'utf8')).trim());
    return Number.isInteger(mtu) && mtu > 0 ? { interface: iface, mtu } : null;
  } catch {
    return null;
  }
}
