import { beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '@/lib/model/topology';
import { readNginxLocations } from '@/lib/proxy/configReader';
import { scanOnce } from '@/lib/scanner';
import { realClient } from './client';

/**
 * The lab's proxies keep their server blocks in conf.d/, included from nginx.conf's http{}
 * (as the official image does): read from inside the running container, as `nginx -T` would.
 */
let topology: Topology;
beforeAll(async () => {
  topology = await scanOnce(realClient());
});

describe('nginx configuration read from a running proxy', () => {
  it('follows the includes of nginx.conf and finds the upgrade location of conf.d/', async () => {
    const proxy = topology.containers.find((c) => c.compose?.service === 'proxy-upgrade');
    expect(proxy?.state).toBe('running');
    const cfg = await readNginxLocations(proxy as NonNullable<typeof proxy>);
    if ('error' in cfg) throw new Error(cfg.error);
    expect(cfg.source).toMatch(/\/etc\/nginx\/nginx\.conf, .*\/etc\/nginx\/conf\.d\/\S+\.conf/);
    expect(cfg.locations).toHaveLength(1);
    expect(cfg.locations[0]).toMatchObject({
      path: '/',
      upstream: 'http://gateway:18789',
      httpVersion: '1.1',
      upgradeHeader: '$http_upgrade',
      connectionHeader: '$connection_upgrade',
      readTimeout: '86400s',
    });
  });
});
