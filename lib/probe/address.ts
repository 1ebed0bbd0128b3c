/** Address helpers free of Node modules, so the browser can use them too. */

/** ::ffff:a.b.c.d is a.b.c.d for every decision. */
export function normalizeAddress(a: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return m?.[1] ?? a.toLowerCase();
}
