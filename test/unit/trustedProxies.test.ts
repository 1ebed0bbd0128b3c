import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { TopologySource } from '@/lib/live/source';
import { loadSettings, SettingsError } from '@/lib/settings';
import { makeAuthContext } from '@/server/auth';
import { clientAddress } from '@/server/clientAddress';
import { createRequestHandler } from '@/server/http';

/** Behind a reverse proxy: the client the proxy names, and only when the proxy is trusted. */

describe('the client address', () => {
  const trusted = ['10.0.0.1', '172.18.0.0/16'];

  it('is the peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddress('10.0.0.1', '1.2.3.4', [])).toBe('10.0.0.1');
    expect(clientAddress('192.0.2.7', '1.2.3.4', trusted)).toBe('192.0.2.7');
  });

  it('is the rightmost address a trusted proxy did not add', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.9', trusted)).toBe('203.0.113.9');
    // The client's own claim (left) is not believed; the proxies' chain is walked from the right.
    expect(clientAddress('::ffff:10.0.0.1', '6.6.6.6, 203.0.113.9, 172.18.0.5', trusted)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.1', ['203.0.113.9', '172.18.0.5'], trusted)).toBe('203.0.113.9');
    // Ports are the proxy's habit, not part of the address.
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.9:51234', trusted)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.1', '[2001:db8::7]:443', trusted)).toBe('2001:db8::7');
    // A rightmost hop that is no address is still the client's slot, not a reason to look left.
    expect(clientAddress('10.0.0.1', '6.6.6.6, unknown', trusted)).toBe('unknown');
    // Every hop a trusted proxy: the peer.
    expect(clientAddress('10.0.0.1', '172.18.0.9', trusted)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', undefined, trusted)).toBe('10.0.0.1');
  });

  it('REACHMAP_TRUSTED_PROXIES takes addresses and CIDRs only', () => {
    expect(
      loadSettings({ REACHMAP_TRUSTED_PROXIES: '127.0.0.1, 172.18.0.0/16, ::1' }).trustedProxies,
    ).toEqual(['127.0.0.1', '172.18.0.0/16', '::1']);
    for (const bad of ['*', 'proxy.example.com', '10.0.0.0/33'])
      expect(() => loadSettings({ REACHMAP_TRUSTED_PROXIES: bad })).toThrow(SettingsError);
  });
});

describe('sign-in limits behind a trusted proxy', () => {
  const TOKEN = 'k'.repeat(43);
  const servers: Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  async function start(trustedProxies: string[]): Promise<string> {
    const live = { current: null, engine: { status: 'connected', since: '' } } as unknown as TopologySource;
    const handler = createRequestHandler({
      auth: makeAuthContext(TOKEN, [], '127.0.0.1', 7391),
      live,
      next: (_req, res) => {
        res.end();
      },
      snapshots: null,
      trustedProxies,
    });
    const server = createServer((req, res) => void handler(req, res));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const wrong = (base: string, client: string) =>
    fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: JSON.stringify({ token: 'w'.repeat(43) }),
    }).then((r) => r.status);

  it('one client’s wrong tokens do not lock out the others behind the same proxy', async () => {
    const base = await start(['127.0.0.1']);
    for (let i = 0; i < 10; i++) expect(await wrong(base, '203.0.113.9')).toBe(401);
    expect(await wrong(base, '203.0.113.9')).toBe(429);
    expect(await wrong(base, '198.51.100.4')).toBe(401);
  });

  it('without a trusted proxy, X-Forwarded-For cannot buy fresh tries', async () => {
    const base = await start([]);
    for (let i = 0; i < 10; i++) expect(await wrong(base, `203.0.113.${i}`)).toBe(401);
    expect(await wrong(base, '198.51.100.4')).toBe(429);
  });
});
