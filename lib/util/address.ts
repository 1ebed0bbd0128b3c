/** An address as it appears before `:port` or inside a URL: IPv6 literals in brackets. */
export function bracketHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** `host:port`, unambiguous for IPv6 (`[::]:8080`, not `:::8080`). */
export function hostPort(host: string, port: number | string): string {
  return `${bracketHost(host)}:${port}`;
}

/** Whether a host is an IP literal rather than a name (no node:net, so the browser can use it). */
export function isIpLiteral(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h)) return h.split('.').every((o) => Number(o) <= 255);
  return h.includes(':') && /^[0-9a-f:.]+(%\S+)?$/i.test(h);
}

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x: an address that never leaves its namespace. */
export function isLoopbackAddress(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}
