/**
 * Serving under a path prefix behind a reverse proxy (REACHMAP_BASE_PATH, e.g. /reachmap).
 * Next bakes the prefix into its build (next.config.mjs); the server strips it before its
 * own routing and puts it back for Next, so every route below is written without it.
 */

/** "" (no prefix) or "/a" or "/a/b": segments of URL-safe characters, no trailing slash. */
export const BASE_PATH_PATTERN = /^(\/[A-Za-z0-9._~-]+)*$/;

/** The request path without the prefix, or null when the request is outside it. */
export function stripBasePath(url: string, base: string): string | null {
  if (!base) return url;
  if (url === base) return '/';
  if (url.startsWith(`${base}/`)) return url.slice(base.length);
  if (url.startsWith(`${base}?`)) return `/${url.slice(base.length)}`;
  return null;
}

/** A path as the browser (and Next, built with the prefix) sees it: "/" is the bare prefix. */
export function withBasePath(url: string, base: string): string {
  if (!base) return url;
  if (url === '/') return base;
  if (url.startsWith('/?')) return `${base}${url.slice(1)}`;
  return `${base}${url}`;
}
