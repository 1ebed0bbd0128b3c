import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  BINDING_HEADER,
  canOpenPages,
  clearedCookie,
  dataAccess,
  hostAllowed,
  makeAuthContext,
  originAllowed,
  sessionCookie,
} from '@/server/auth';
import { RateLimiter } from '@/server/rateLimit';
import { Sessions } from '@/server/sessions';
import { dashboardUrl } from '@/server/token';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const TOKEN = 't'.repeat(40);

describe('auth checks', () => {
  const ctx = makeAuthContext(TOKEN, ['reachmap.internal'], '127.0.0.1', 7391);

  it('accepts IP-literal and allowed Host headers, refuses other names (DNS rebinding)', () => {
    expect(hostAllowed(ctx, '127.0.0.1:7391')).toBe(true);
    expect(hostAllowed(ctx, '[::1]:7391')).toBe(true);
    expect(hostAllowed(ctx, 'localhost:7391')).toBe(true);
    expect(hostAllowed(ctx, 'reachmap.internal')).toBe(true);
    expect(hostAllowed(ctx, 'evil.example:7391')).toBe(false);
    expect(hostAllowed(ctx, undefined)).toBe(false);
  });

  it('refuses a cross-site Origin and allows same-origin or none', () => {
    expect(originAllowed(req({ host: '127.0.0.1:7391', origin: 'http://127.0.0.1:7391' }))).toBe(true);
    expect(originAllowed(req({ host: '127.0.0.1:7391' }))).toBe(true);
    expect(originAllowed(req({ host: '127.0.0.1:7391', origin: 'http://evil.example' }))).toBe(false);
    expect(originAllowed(req({ host: '127.0.0.1:7391', origin: 'null' }))).toBe(false);
  });

  it('a session cookie opens pages; data needs its binding too; the token opens both', () => {
    const { secret, binding } = ctx.sessions.create();
    const cookie = `reachmap_session_7391=${secret}`;
    expect(canOpenPages(ctx, req({ cookie }))).toBe(true);
    expect(dataAccess(ctx, req({ cookie }))).toBeNull();
    expect(dataAccess(ctx, req({ cookie, [BINDING_HEADER]: 'x'.repeat(43) }))).toBeNull();
    expect(dataAccess(ctx, req({ cookie, [BINDING_HEADER]: binding }))).toMatch(/^[\w-]{43}$/);
    // The binding of one session does not unlock another; the cookie of another port is not ours.
    const other = ctx.sessions.create();
    expect(dataAccess(ctx, req({ cookie, [BINDING_HEADER]: other.binding }))).toBeNull();
    expect(canOpenPages(ctx, req({ cookie: `reachmap_session_7396=${secret}` }))).toBe(false);
    expect(canOpenPages(ctx, req({ cookie: `reachmap_session_7391=${TOKEN}` }))).toBe(false);
    expect(dataAccess(ctx, req({ authorization: `Bearer ${TOKEN}` }))).toBe('token');
    expect(canOpenPages(ctx, req({ authorization: 'Bearer nope' }))).toBe(false);
    expect(canOpenPages(ctx, req({}))).toBe(false);
  });

  it('sign-out ends the session: the same cookie and binding open nothing afterwards', () => {
    const { secret, binding } = ctx.sessions.create();
    const r = req({ cookie: `reachmap_session_7391=${secret}`, [BINDING_HEADER]: binding });
    expect(dataAccess(ctx, r)).not.toBeNull();
    const ended: string[] = [];
    ctx.sessions.once('ended', (id) => ended.push(id));
    expect(ctx.sessions.revoke(secret)).toBe(true);
    expect(ended).toHaveLength(1);
    expect(canOpenPages(ctx, r)).toBe(false);
    expect(dataAccess(ctx, r)).toBeNull();
    expect(ctx.sessions.revoke(secret)).toBe(false);
  });

  it('sessions expire when idle and at their maximum age, and sweeping ends them', () => {
    let now = 0;
    const sessions = new Sessions({ idleMs: 1000, maxAgeMs: 5000, max: 3 }, () => now);
    const a = sessions.create();
    now = 900;
    expect(sessions.check(a.secret)).not.toBeNull(); // activity keeps it alive…
    now = 1800;
    expect(sessions.check(a.secret)).not.toBeNull();
    now = 2900;
    expect(sessions.check(a.secret)).toBeNull(); // …until it idles past 1 s
    const b = sessions.create();
    for (now = 3000; now <= 8000; now += 900) expect(sessions.check(b.secret)).not.toBeNull();
    now = 8100; // 5.1 s after sign-in, active all along
    expect(sessions.check(b.secret)).toBeNull();
    const c = sessions.create();
    now = 9200;
    expect(sessions.sweep()).toBe(1);
    expect(sessions.check(c.secret)).toBeNull();
    expect(sessions.size).toBe(0);
    // Beyond the maximum count the oldest go first.
    const many = [1, 2, 3, 4].map(() => sessions.create());
    expect(sessions.size).toBe(3);
    expect(sessions.check(many[0]?.secret ?? null)).toBeNull();
    expect(sessions.check(many[3]?.secret ?? null)).not.toBeNull();
  });

  it('the cookie is HttpOnly, SameSite=Strict, named after the port, and expires', () => {
    const c = sessionCookie(ctx, 'secret');
    expect(c).toMatch(/^reachmap_session_7391=secret; Path=\/; Max-Age=604800; HttpOnly; SameSite=Strict$/);
  });

  it('over HTTPS the cookie is Secure and __Host- prefixed: no plain-HTTP service on the host can set it', () => {
    const secure = makeAuthContext(TOKEN, [], '127.0.0.1', 7391, undefined, true);
    expect(sessionCookie(secure, 'secret')).toMatch(
      /^__Host-reachmap_session_7391=secret; Path=\/; Max-Age=604800; HttpOnly; SameSite=Strict; Secure$/,
    );
    expect(clearedCookie(secure)).toMatch(/^__Host-reachmap_session_7391=; .*; Secure$/);
  });

  it('puts the token in the URL fragment, never the query', () => {
    const url = new URL(dashboardUrl({ host: '127.0.0.1', port: 7391 }, TOKEN));
    expect(url.search).toBe('');
    expect(url.hash).toBe(`#token=${TOKEN}`);
  });
});

describe('rate limits', () => {
  it('a bucket per key: the burst passes, then one per refill interval; keys are independent', () => {
    let now = 0;
    const limit = new RateLimiter(3, 6, () => now); // 3 at once, then one every 10 s
    expect([1, 2, 3].map(() => limit.take('a'))).toEqual([0, 0, 0]);
    expect(limit.take('a')).toBe(10_000);
    expect(limit.take('b')).toBe(0);
    now = 5_000;
    expect(limit.take('a')).toBe(5_000);
    now = 10_000;
    expect(limit.take('a')).toBe(0);
    expect(limit.take('a')).toBe(10_000);
  });

  it('keeps at most maxKeys buckets (the least recently used go)', () => {
    const limit = new RateLimiter(1, 1, () => 0, 2);
    expect(limit.take('a')).toBe(0);
    expect(limit.take('b')).toBe(0);
    expect(limit.take('c')).toBe(0); // evicts a
    expect(limit.take('a')).toBe(0); // a fresh bucket again
    expect(limit.take('c')).toBeGreaterThan(0);
  });
});

describe('rate limit peek', () => {
  it('peek says whether a token is there without taking it', () => {
    const limit = new RateLimiter(1, 60, () => 0);
    expect(limit.peek('a')).toBe(0);
    expect(limit.peek('a')).toBe(0);
    expect(limit.take('a')).toBe(0);
    expect(limit.peek('a')).toBe(1000);
  });
});
