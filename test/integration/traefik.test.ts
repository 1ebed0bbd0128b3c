import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProxyRoutes } from '@/lib/proxy/configReader';
import { scanOnce } from '@/lib/scanner';
import { docker, LAB_PROJECT, waitRunning } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/**
 * A Traefik-like proxy (no Traefik binary here: a lab image tagged as one, started with
 * Traefik's own flags) configured the three ways Traefik is: flags for the static part,
 * labels on the container it routes to (Docker provider), and a YAML file of the file
 * provider. Its routes must come out as the proxy quadruple, and the watch must follow them.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const PROXY = 'reachmap-test-traefik';
const APP = 'reachmap-test-traefik-app';
const IMAGE = 'reachmap-lab/traefik-like:local';
let dir = '';

beforeAll(async () => {
  docker('rm', '-f', PROXY, APP);
  docker('tag', 'reachmap-lab/busybox:local', IMAGE);
  dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-traefik-'));
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'dynamic'));
  writeFileSync(
    path.join(dir, 'dynamic', 'gateway.yml'),
    'http:\n  routers:\n    gw:\n      rule: "Host(`gw.local`) && PathPrefix(`/ws`)"\n      service: gw\n      entryPoints: [web]\n  services:\n    gw:\n      loadBalancer:\n        servers:\n          - url: "http://gateway:18789"\n',
  );
  writeFileSync(path.join(dir, 'dynamic', 'legacy.toml'), '[http.routers]\n');
  const net = `${LAB_PROJECT}_backend`;
  docker(
    'run',
    '-d',
    '--name',
    APP,
    '--network',
    net,
    '--label',
    'traefik.enable=true',
    '--label',
    'traefik.http.routers.app.rule=Host(`app.local`) && PathPrefix(`/api`)',
    '--label',
    'traefik.http.routers.app.entrypoints=web',
    '--label',
    'traefik.http.services.app.loadbalancer.server.port=8080',
    '--label',
    'traefik.http.middlewares.auth.basicauth.users=admin:$apr1$lab$hash',
    'reachmap-lab/busybox:local',
    'httpd',
    '-f',
    '-p',
    '8080',
    '-h',
    '/tmp',
  );
  // The process keeps Traefik's flags in its command line, where Reachmap reads them (the
  // trailing ':' stops the shell from exec'ing sleep in its place).
  docker(
    'run',
    '-d',
    '--name',
    PROXY,
    '--network',
    net,
    '-v',
    `${path.join(dir, 'dynamic')}:/etc/traefik/dynamic:ro`,
    IMAGE,
    'sh',
    '-c',
    'sleep 3600; :',
    'traefik',
    '--providers.docker=true',
    '--providers.file.directory=/etc/traefik/dynamic',
    '--entryPoints.web.address=:80',
    '--entryPoints.web.transport.respondingTimeouts.readTimeout=45s',
  );
  await waitRunning([PROXY, APP]);
}, 60_000);

afterAll(() => {
  docker('rm', '-f', PROXY, APP);
  rmSync(dir, { recursive: true, force: true });
});

describe('Traefik as a reverse proxy', () => {
  it('gives its routes from labels and dynamic files, with its entry point timeouts', async () => {
    const t = await scanOnce(realClient());
    const app = t.containers.find((c) => c.name === APP);
    expect(app?.proxyLabels).not.toHaveProperty('traefik.http.middlewares.auth.basicauth.users');
    expect(JSON.stringify(t)).not.toContain('$apr1$lab$hash');
    const routes = (await readProxyRoutes(t)).find((r) => r.container === PROXY);
    expect(routes?.source).toBe(
      `inside ${PROXY}: its command-line flags, labels of the running containers, /etc/traefik/dynamic/gateway.yml; not read: /etc/traefik/dynamic/legacy.toml (only YAML dynamic files are read)`,
    );
    const timeout = 'web.respondingTimeouts.readTimeout 45s';
    expect(routes?.locations).toEqual([
      {
        server: 'app.local',
        path: '/api',
        upstream: `http://${APP}:8080`,
        upstreamServers: [`${APP}:8080`],
        httpVersion: '1.1',
        upgradeHeader: '(forwarded by Traefik)',
        connectionHeader: '(forwarded by Traefik)',
        readTimeout: timeout,
      },
      {
        server: 'gw.local',
        path: '/ws',
        upstream: 'http://gateway:18789',
        upstreamServers: ['gateway:18789'],
        httpVersion: '1.1',
        upgradeHeader: '(forwarded by Traefik)',
        connectionHeader: '(forwarded by Traefik)',
        readTimeout: timeout,
      },
    ]);
  });

  it('is watched to both upstreams', () => {
    const w = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'watch', '--once', '--json'], {
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(w.status, w.stderr).toBe(0);
    const paths = (
      JSON.parse(w.stdout) as { paths: Array<{ from: string; to: string; ok: boolean; why: string }> }
    ).paths;
    expect(paths).toContainEqual(
      expect.objectContaining({ from: PROXY, to: `${APP}:8080`, ok: true, why: 'proxy' }),
    );
    expect(paths).toContainEqual(
      expect.objectContaining({ from: PROXY, to: 'gateway:18789', ok: true, why: 'proxy' }),
    );
  });
});
