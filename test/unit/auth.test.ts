import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hostAllowed, isAuthenticated, makeAuthContext, originAllowed, SESSION_COOKIE } from '@/server/auth';
import { dashboardUrl, sessionValue } from '@/server/token';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const TOKEN = 't'.repeat(40);

describe('auth checks', () => {
  const ctx = makeAuthContext(TOKEN, ['reachmap.internal'], '127.0.0.1');

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

  it('authenticates the session cookie (an HMAC, not the token) or a bearer token', () => {
    expect(isAuthenticated(ctx, req({ cookie: `${SESSION_COOKIE}=${sessionValue(TOKEN)}` }))).toBe(true);
    expect(isAuthenticated(ctx, req({ cookie: `${SESSION_COOKIE}=${TOKEN}` }))).toBe(false);
    expect(isAuthenticated(ctx, req({ authorization: `Bearer ${TOKEN}` }))).toBe(true);
    expect(isAuthenticated(ctx, req({ authorization: 'Bearer nope' }))).toBe(false);
    expect(isAuthenticated(ctx, req({}))).toBe(false);
  });

  it('puts the token in the URL fragment, never the query', () => {
    const url = new URL(dashboardUrl({ host: '127.0.0.1', port: 7391 }, TOKEN));
    expect(url.search).toBe('');
    expect(url.hash).toBe(`#token=${TOKEN}`);
  });
});
