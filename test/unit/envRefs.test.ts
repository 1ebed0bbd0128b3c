import { describe, expect, it } from 'vitest';
import type { Container, Topology } from '@/lib/model/topology';
import { envCandidates, resolveEnvReferences } from '@/lib/topology/envRefs';
import { inferWatchPaths } from '@/lib/watch/paths';
import { byService, fixtureTopology } from '../helpers';

const CANARY = 'reachmap-canary-4f1c9b7e2d';

describe('hosts an environment names', () => {
  it('takes scheme, host and port from URLs, host:port values and HOST/PORT pairs, nothing else', () => {
    const c = envCandidates([
      `DATABASE_URL=postgres://app:${CANARY}@db/app?sslmode=disable`,
      'REDIS_ADDR=redis:6379',
      'API_HOST=api',
      'API_PORT=8080',
      'GATEWAY_URL=wss://gateway.example.com',
      `API_TOKEN=${CANARY}`,
      'PATH=/usr/local/bin:/usr/bin',
      'NOT_A_PORT=x:99999',
    ]);
    expect(c).toEqual([
      { env: 'DATABASE_URL', scheme: 'postgres', host: 'db', port: 5432 },
      { env: 'REDIS_ADDR', scheme: null, host: 'redis', port: 6379 },
      { env: 'API_HOST', scheme: null, host: 'api', port: 8080 },
      { env: 'GATEWAY_URL', scheme: 'wss', host: 'gateway.example.com', port: 443 },
    ]);
    expect(JSON.stringify(c)).not.toContain(CANARY);
  });

  it('keeps only hosts of this topology, with the container they name', () => {
    const t = fixtureTopology('lab');
    const client = byService(t, 'client');
    const gateway = byService(t, 'gateway');
    const refs = resolveEnvReferences(
      client,
      envCandidates(['GATEWAY_URL=ws://gateway:18789', 'ELSEWHERE=http://example.com:80/', 'SELF=client:1']),
      t.containers,
    );
    expect(refs).toEqual([
      { env: 'GATEWAY_URL', scheme: 'ws', host: 'gateway', port: 18789, container: gateway.name },
    ]);
  });

  it('does not take a service of that name on networks the container is not on', () => {
    const t = fixtureTopology('lab');
    const client = byService(t, 'client');
    const alone = { ...client, attachments: [] };
    expect(
      resolveEnvReferences(alone, envCandidates(['GATEWAY_URL=ws://gateway:18789']), t.containers),
    ).toEqual([]);
  });
});

describe('watch paths from configuration', () => {
  const base = fixtureTopology('lab');
  const client = byService(base, 'client');
  const gateway = byService(base, 'gateway');
  const with_ = (patch: (c: Container) => Partial<Container>): Topology => ({
    ...base,
    containers: base.containers.map((c) => ({ ...c, ...patch(c) })),
  });

  it('follows what a container names, by the name it uses', () => {
    const t = with_((c) =>
      c.id === client.id
        ? {
            references: [
              { env: 'GATEWAY_URL', scheme: 'ws', host: 'gateway', port: 18789, container: gateway.name },
              { env: 'DB', scheme: 'postgres', host: 'gateway', port: 5432, container: gateway.name },
            ],
          }
        : {},
    );
    const paths = inferWatchPaths(t).filter((p) => p.why === 'config');
    expect(paths.map((p) => [p.from, p.to, p.label, p.toContainer])).toEqual([
      [client.name, 'ws://gateway:18789/', `${client.name} GATEWAY_URL → ${gateway.name}`, gateway.name],
      [client.name, 'gateway:5432', `${client.name} DB → ${gateway.name}`, gateway.name],
    ]);
  });

  it('probes an OpenClaw gateway from the host with an Origin its config allows', () => {
    const t = with_((c) =>
      c.id === gateway.id
        ? {
            openclaw: {
              configSource: 'test',
              bind: 'lan',
              port: 18789,
              allowedOrigins: ['*', 'https://gateway.example.test'],
              trustedProxies: null,
            },
          }
        : {},
    );
    const published = gateway.ports.find((p) => p.containerPort === 18789)?.hostPort;
    const [p] = inferWatchPaths(t).filter((x) => x.why === 'openclaw');
    expect(p).toMatchObject({
      from: 'host',
      to: `ws://127.0.0.1:${published}/`,
      origin: 'https://gateway.example.test',
      key: `host → ws://127.0.0.1:${published}/ @https://gateway.example.test`,
    });
  });
});
