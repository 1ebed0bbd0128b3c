import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { baseUrl, type Settings } from '../lib/settings';

/**
 * The access token: generated at first start (no claimable setup window), kept in the
 * data directory with mode 0600, overridable by REACHMAP_TOKEN.
 */

const TOKEN_FILE = 'token';

export async function readToken(dataDir: string): Promise<string | null> {
  try {
    const t = (await readFile(path.join(dataDir, TOKEN_FILE), 'utf8')).trim();
    return /^[A-Za-z0-9_-]{32,256}$/.test(t) ? t : null;
  } catch {
    return null;
  }
}

/** The token to use, and whether it was created just now (then it is printed once). */
export async function ensureToken(
  settings: Settings,
): Promise<{ token: string; created: boolean; file: string | null }> {
  if (settings.token) return { token: settings.token, created: false, file: null };
  const file = path.join(settings.dataDir, TOKEN_FILE);
  const existing = await readToken(settings.dataDir);
  if (existing) return { token: existing, created: false, file };
  await mkdir(settings.dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'w' });
  return { token, created: true, file };
}

/** The token travels in the fragment: never sent to the server, never in access logs. */
export function dashboardUrl(settings: Parameters<typeof baseUrl>[0], token: string): string {
  return `${baseUrl(settings)}/login#token=${token}`;
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** A new token in the data directory (the running server notices and ends every session). */
export async function rotateToken(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  const file = path.join(dataDir, TOKEN_FILE);
  // Written aside and renamed: the server never reads half a token.
  await writeFile(`${file}.new`, `${token}\n`, { mode: 0o600 });
  await rename(`${file}.new`, file);
  return token;
}
