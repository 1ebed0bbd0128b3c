/** An address as it appears before `:port` or inside a URL: IPv6 literals in brackets. */
export function bracketHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** `host:port`, unambiguous for IPv6 (`[::]:8080`, not `:::8080`). */
export function hostPort(host: string, port: number | string): string {
  return `${bracketHost(host)}:${port}`;
}
