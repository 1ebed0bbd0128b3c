import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Container } from '@/lib/model/topology';
import { forwardsUpgrade } from '@/lib/proxy/nginxConfig';
import {
  emptyStatic,
  parseRule,
  routesFromDynamic,
  routesFromLabels,
  staticFromArgs,
  staticFromYaml,
} from '@/lib/proxy/traefikConfig';
import { proxyLabels } from '@/lib/topology/containers';

const ctr = (name: string, labels: Record<string, string>, ports: number[] = [], state = 'running') =>
  ({
    name,
    state,
    proxyLabels: proxyLabels(labels),
    exposedPorts: ports.map((port) => ({ port, protocol: 'tcp' })),
  }) as unknown as Container;

describe('Traefik rules', () => {
  it('reads hosts and paths the way routers match them', () => {
    expect(parseRule('Host(`app.example.com`) && PathPrefix(`/api`)')).toEqual({
      hosts: ['app.example.com'],
      paths: ['/api'],
    });
    expect(parseRule('Host(`a`, `b`) && (Path(`/ws`) || PathPrefix(`/v1/`))')).toEqual({
      hosts: ['a', 'b'],
      paths: ['= /ws', '/v1/'],
    });
    expect(parseRule('HostRegexp(`{sub:[a-z]+}.example.com`)')).toEqual({
      hosts: ['~{sub:[a-z]+}.example.com'],
      paths: ['/'],
    });
    // Parentheses inside a quoted regexp do not end the matcher.
    expect(parseRule('Host(`a`) && PathRegexp(`^/(api|ws)/`)').paths).toEqual(['~ ^/(api|ws)/']);
  });
});

describe('Traefik static configuration', () => {
  it('comes from flags, case-insensitively', () => {
    const s = staticFromArgs([
      'traefik',
      '--providers.docker=true',
      '--providers.docker.exposedByDefault=false',
      '--providers.file.directory=/etc/traefik/dynamic',
      '--entryPoints.web.address=:80',
      '--entrypoints.web.transport.respondingTimeouts.readTimeout=30s',
    ]);
    expect(s).toEqual({
      docker: true,
      exposedByDefault: false,
      file: { directory: '/etc/traefik/dynamic' },
      timeouts: { web: { readTimeout: '30s' } },
    });
  });

  it('or from traefik.yml', () => {
    const s = staticFromYaml(
      parse(`
entryPoints:
  websecure:
    address: ":443"
    transport:
      respondingTimeouts:
        readTimeout: 600s
        idleTimeout: 600s
providers:
  docker:
    exposedByDefault: false
  file:
    filename: /etc/traefik/dynamic.yml
`),
    );
    expect(s).toEqual({
      docker: true,
      exposedByDefault: false,
      file: { filename: '/etc/traefik/dynamic.yml', directory: undefined },
      timeouts: { websecure: { readTimeout: '600s', idleTimeout: '600s' } },
    });
  });
});

describe('Traefik routes from container labels', () => {
  const s = { ...emptyStatic(), docker: true, timeouts: { web: { readTimeout: '30s' } } };

  it('follows each router to its service port on the container, upgrades forwarded, HTTP/1.1', () => {
    const routes = routesFromLabels(s, [
      ctr('api-1', {
        'traefik.enable': 'true',
        'traefik.http.routers.api.rule': 'Host(`app.local`) && PathPrefix(`/api`)',
        'traefik.http.routers.api.entrypoints': 'web',
        'traefik.http.services.api.loadBalancer.server.port': '8080',
        'traefik.http.middlewares.auth.basicauth.users': 'admin:$apr1$secret',
      }),
    ]);
    expect(routes).toEqual([
      {
        server: 'app.local',
        listen: ['web'],
        path: '/api',
        upstream: 'http://api-1:8080',
        upstreamServers: ['api-1:8080'],
        httpVersion: '1.1',
        upgradeHeader: '(forwarded by Traefik)',
        connectionHeader: '(forwarded by Traefik)',
        readTimeout: 'web.respondingTimeouts.readTimeout 30s',
      },
    ]);
    expect(forwardsUpgrade(routes[0] as (typeof routes)[number])).toEqual({
      upgrade: true,
      connection: true,
      http11: true,
    });
  });

  it('uses the lowest exposed port, skips disabled and stopped containers, honours exposedByDefault', () => {
    const containers = [
      ctr('web-1', { 'traefik.http.routers.web.rule': 'Host(`web.local`)' }, [9090, 3000]),
      ctr('off-1', { 'traefik.enable': 'false', 'traefik.http.routers.off.rule': 'Host(`off`)' }, [80]),
      ctr('gone-1', { 'traefik.http.routers.gone.rule': 'Host(`gone`)' }, [80], 'exited'),
      ctr('h2-1', {
        'traefik.http.routers.h2.rule': 'Host(`h2`)',
        'traefik.http.services.h2.loadbalancer.server.port': '50051',
        'traefik.http.services.h2.loadbalancer.server.scheme': 'h2c',
      }),
    ];
    const routes = routesFromLabels(s, containers);
    expect(routes.map((r) => [r.server, r.upstream, r.httpVersion])).toEqual([
      ['web.local', 'http://web-1:3000', '1.1'],
      ['h2', 'h2c://h2-1:50051', '2'],
    ]);
    expect(routes[0]?.readTimeout).toBe('web.respondingTimeouts.readTimeout 30s');
    // exposedByDefault false: only traefik.enable=true counts.
    expect(routesFromLabels({ ...s, exposedByDefault: false }, containers)).toEqual([]);
  });

  it('keeps only the routing labels it reads, and no credential in them', () => {
    const labels = proxyLabels({
      'traefik.http.middlewares.auth.basicauth.users': 'admin:$apr1$hash',
      'traefik.http.middlewares.h.headers.customrequestheaders.Authorization': 'Bearer abc',
      'traefik.http.routers.api.rule': 'Host(`a`)',
      'traefik.http.services.api.loadbalancer.server.url': 'http://user:pw@api:8080/',
      'com.example.password': 'not a traefik label',
    });
    expect(labels).toEqual({
      'traefik.http.routers.api.rule': 'Host(`a`)',
      'traefik.http.services.api.loadbalancer.server.url': 'http://api:8080/',
    });
  });
});

describe('Traefik routes from a dynamic file', () => {
  it('gives each router its service URLs', () => {
    const routes = routesFromDynamic(
      emptyStatic(),
      parse(`
http:
  routers:
    gw:
      rule: "Host(\`gw.local\`) && PathPrefix(\`/ws\`)"
      service: gw@file
      entryPoints: [websecure]
  services:
    gw:
      loadBalancer:
        servers:
          - url: "http://gateway:18789"
          - url: "http://gateway-2:18789/"
`),
    );
    expect(routes).toEqual([
      expect.objectContaining({
        server: 'gw.local',
        listen: ['websecure'],
        path: '/ws',
        upstream: 'http://gateway:18789',
        upstreamServers: ['gateway:18789', 'gateway-2:18789'],
        readTimeout: 'Traefik defaults (entry point respondingTimeouts not set)',
      }),
    ]);
  });
});
