import { describe, expect, it } from 'vitest';
import { readProxyRoutes } from '@/lib/proxy/configReader';
import { scanOnce } from '@/lib/scanner';
import { labContainer } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/** A snapshot keeps the lab proxies' routes, read from inside their containers. */
describe('proxy routes for snapshots, on the real engine', () => {
  it('the upgrade proxy forwards Upgrade and Connection; the plain one does not', async () => {
    const t = await scanOnce(realClient());
    const routes = await readProxyRoutes(t);
    const byName = (service: string) => routes.find((r) => r.container === labContainer(service).name);
    const upgrade = byName('proxy-upgrade');
    const plain = byName('proxy-plain');
    expect(upgrade?.subject).toBe('reachmap-lab/proxy-upgrade');
    expect(upgrade?.source).toMatch(/^inside .*\/etc\/nginx/);
    const u = upgrade?.locations.find((l) => l.upstream?.includes('gateway'));
    expect(u).toMatchObject({ upgradeHeader: '$http_upgrade', httpVersion: '1.1' });
    const p = plain?.locations.find((l) => l.upstream?.includes('gateway'));
    expect(p).toBeDefined();
    expect(p?.upgradeHeader).toBeNull();
    // Only proxies: the gateway itself is not one.
    expect(routes.some((r) => r.container === labContainer('gateway').name)).toBe(false);
  });
});
