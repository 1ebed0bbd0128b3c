import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * A file `npm run build` puts in dist/ (the probe agent, the native helpers): named by an
 * environment variable, beside the running bundle (dist/server.js, dist/cli.js), or in dist/
 * of the checkout when the sources run directly (tsx, vitest).
 */
export function findBuilt(file: string, envVar: string): string | null {
  const candidates = [
    process.env[envVar],
    path.resolve(import.meta.dirname, file),
    path.resolve(import.meta.dirname, '..', '..', 'dist', file),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null;
}
