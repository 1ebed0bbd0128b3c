import { at } from './basePath';
/**
 * The half of the browser session the page keeps (server/sessions.ts): the binding, in
 * localStorage, which no other port or site can read. Sent with every data request.
 */

export const BINDING_KEY = 'reachmap.binding';
export const BINDING_HEADER = 'x-reachmap-binding';

export function binding(): string | null {
  try {
    return window.localStorage.getItem(BINDING_KEY);
  } catch {
    return null;
  }
}

export function authHeaders(): Record<string, string> {
  const b = binding();
  return b ? { [BINDING_HEADER]: b } : {};
}

/** Ends the session on the server and here, then shows the sign-in page. */
export async function signOut(): Promise<void> {
  await fetch(at('/api/session'), { method: 'DELETE' }).catch(() => undefined);
  try {
    window.localStorage.removeItem(BINDING_KEY);
  } catch {
    // storage unavailable: nothing kept
  }
  window.location.assign(at('/login'));
}
