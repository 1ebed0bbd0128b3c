import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { safeEqual } from './token';

/**
 * Browser sessions, kept by the server so they can end: sign-in creates one, sign-out and
 * expiry (idle and absolute) end it, and a restart ends them all. A session has two halves:
 *
 * - the **secret**, in an HttpOnly cookie: it opens pages, which hold no data;
 * - the **binding**, kept by the page in localStorage and sent with every data request
 *   (API header, socket.io handshake). Cookies are not scoped by port, so any other service
 *   on the same host name receives (and can set) the cookie; localStorage is scoped by
 *   origin, port included, so no other service can read the binding. A leaked cookie alone
 *   reaches no data.
 *
 * Only hashes are kept: the server's memory holds nothing a browser could present.
 */

export interface SessionLimits {
  /** Ends after this long without a request. */
  idleMs: number;
  /** Ends this long after sign-in, whatever the activity. */
  maxAgeMs: number;
  /** The oldest go first beyond this many. */
  max: number;
}

export const DEFAULT_LIMITS: SessionLimits = { idleMs: 12 * 3600_000, maxAgeMs: 7 * 24 * 3600_000, max: 200 };

interface Entry {
  id: string;
  binding: string;
  createdAt: number;
  lastSeen: number;
}

const hash = (s: string) => createHash('sha256').update(s).digest('base64url');

export class Sessions extends EventEmitter<{ ended: [string] }> {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly limits: SessionLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  create(): { secret: string; binding: string; id: string } {
    const secret = randomBytes(32).toString('base64url');
    const binding = randomBytes(32).toString('base64url');
    const id = hash(secret);
    const t = this.now();
    this.entries.set(id, { id, binding: hash(binding), createdAt: t, lastSeen: t });
    while (this.entries.size > this.limits.max) this.end(this.entries.keys().next().value as string);
    return { secret, binding, id };
  }

  /**
   * The session id of a valid secret (and, when `binding` is not undefined, a matching
   * binding), refreshing its idle time; null otherwise. An expired one is ended here.
   */
  check(secret: string | null, binding?: string | null): string | null {
    if (!secret) return null;
    const id = hash(secret);
    const e = this.entries.get(id);
    if (!e) return null;
    const t = this.now();
    if (t - e.lastSeen > this.limits.idleMs || t - e.createdAt > this.limits.maxAgeMs) {
      this.end(id);
      return null;
    }
    if (binding !== undefined && (!binding || !safeEqual(hash(binding), e.binding))) return null;
    e.lastSeen = t;
    return id;
  }

  /** Ends a session by its secret; true when there was one. */
  revoke(secret: string | null): boolean {
    if (!secret) return false;
    const id = hash(secret);
    if (!this.entries.has(id)) return false;
    this.end(id);
    return true;
  }

  /** Ends every expired session (open sockets of theirs are closed by the listener). */
  sweep(): number {
    const t = this.now();
    let n = 0;
    for (const e of [...this.entries.values()])
      if (t - e.lastSeen > this.limits.idleMs || t - e.createdAt > this.limits.maxAgeMs) {
        this.end(e.id);
        n++;
      }
    return n;
  }

  /** Ends them all (the token was rotated): every socket of theirs closes. */
  endAll(): number {
    const ids = [...this.entries.keys()];
    for (const id of ids) this.end(id);
    return ids.length;
  }

  get size(): number {
    return this.entries.size;
  }

  private end(id: string): void {
    this.entries.delete(id);
    this.emit('ended', id);
  }
}
