import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topology } from '@/lib/model/topology';
import { labContainer } from '../../e2e/lab/labInfo';

/**
 * The image and deploy/compose.yaml as an operator runs them: built from bases made on this
 * machine (deploy/build-image.sh), started beside the lab with the socket's directory
 * mounted, pid: host and the named capabilities only; then the least-privilege way — the
 * image's own non-root user, no pid: host — which must still map the host and probe through
 * helper containers.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const IMAGE = 'reachmap:local';
const PROJECT = 'reachmap-image-test';
const PORT = 7481;
const BASE = `http://127.0.0.1:${PORT}`;
const CONTAINER = `${PROJECT}_reachmap_1`;

function run(cmd: string, args: string[], env: Record<string, string> = {}, timeout = 120_000) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

function compose(...args: string[]) {
  const env = { REACHMAP_PORT: String(PORT), REACHMAP_IMAGE: IMAGE };
  const file = ['-f', 'deploy/compose.yaml', '-p', PROJECT];
  const plugin = run('docker', ['compose', 'version']).status === 0;
  return plugin
    ? run('docker', ['compose', ...file, ...args], env)
    : run('docker-compose', [...file, ...args], env);
}

/** The container compose started, by its project label (v1 and v2 name it differently). */
function composeContainer(): string {
  const r = run('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`]);
  return r.stdout.trim().split('\n')[0] ?? CONTAINER;
}

async function until<T>(what: string, fn: () => Promise<T | null>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== null) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

let container = '';
let token = '';
let startToTopologyMs = 0;

beforeAll(async () => {
  const built = run('bash', ['deploy/build-image.sh', IMAGE], {}, 1_200_000);
  expect(built.status, built.stderr).toBe(0);
  compose('down', '-v', '--remove-orphans');
  const started = Date.now();
  const up = compose('up', '-d', '--no-build');
  expect(up.status, up.stderr).toBe(0);
  container = composeContainer();
  token = await until('the token file', async () => {
    const r = run('docker', ['exec', container, 'cat', '/data/token']);
    return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
  });
  await until('a first topology with the lab', async () => {
    const res = await fetch(`${BASE}/api/topology`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { topology: Topology | null };
    return body.topology?.containers.some((c) => c.name === labContainer('gateway-loopback').name)
      ? true
      : null;
  });
  startToTopologyMs = Date.now() - started;
  const size = run('docker', ['image', 'inspect', '-f', '{{.Size}}', IMAGE]).stdout.trim();
  console.log(
    `image ${IMAGE}: ${(Number(size) / 1e6).toFixed(0)} MB; compose up to first topology ${startToTopologyMs} ms`,
  );
}, 1_500_000);

afterAll(() => {
  compose('down', '-v', '--remove-orphans');
});

describe('the image, run with deploy/compose.yaml', () => {
  it('holds no compiler and no dev dependency, and knows its version', () => {
    const r = run('docker', [
      'run',
      '--rm',
      '--entrypoint',
      'sh',
      IMAGE,
      '-c',
      'for x in gcc cc; do command -v $x; done; ls /app/node_modules/vitest/package.json /app/node_modules/@biomejs/biome/package.json /app/node_modules/typescript/package.json 2>/dev/null; id -u',
    ]);
    expect(r.stdout.trim()).toBe('10001'); // nothing found, and not root by default
    const v = run('docker', ['run', '--rm', '--entrypoint', 'reachmap', IMAGE, '--version']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^reachmap \d+\.\d+\.\d+/);
  });

  it('answers /healthz without a session, and its HEALTHCHECK passes', async () => {
    const res = await fetch(`${BASE}/healthz`);
    expect(await res.json()).toMatchObject({ status: 'ok', engine: 'connected' });
    // next.config.mjs is read at start-up, not from the build: without it in the image the
    // base path and these settings would be lost.
    expect(res.headers.get('x-powered-by')).toBeNull();
    const page = await fetch(`${BASE}/login`);
    expect(page.headers.get('x-powered-by')).toBeNull();
    const hc = run('docker', ['exec', container, 'node', '/app/deploy/healthcheck.mjs']);
    expect(hc.status, hc.stdout).toBe(0);
    expect((await fetch(`${BASE}/api/topology`)).status).toBe(401);
  });

  it('maps the host from the host’s /proc: kernel namespaces, netlink listeners, the packet filter', async () => {
    const res = await fetch(`${BASE}/api/topology`, { headers: { authorization: `Bearer ${token}` } });
    const t = Topology.parse(((await res.json()) as { topology: unknown }).topology);
    expect(t.host).toMatchObject({ procVisible: true, engineElsewhere: false });
    expect(t.firewall.available, t.firewall.reason ?? '').toBe(true);
    const gw = labContainer('gateway-loopback');
    const ns = t.namespaces.find((n) => n.containers.includes(gw.name));
    expect(ns).toMatchObject({ identitySource: 'proc', listenerSource: 'netlink' });
    expect(ns?.listeners).toContainEqual(expect.objectContaining({ address: '127.0.0.1', port: 18789 }));
    expect(t.findings.map((f) => f.rule)).toContain('loopback-only-listener');
  });

  it('probes through a helper container of its own image, and through nsenter, with the right verdicts', () => {
    const helper = run('docker', [
      'exec',
      '-e',
      'REACHMAP_PROBE_RUNNER=helper-container',
      container,
      'reachmap',
      'probe',
      '--from',
      'client',
      '--to',
      'http://gateway:18789/healthz',
      '--json',
    ]);
    expect(helper.status, helper.stderr).toBe(0);
    expect(JSON.parse(helper.stdout)).toMatchObject({
      verdict: 'pass',
      runner: { kind: 'helper-container' },
    });

    const refused = run('docker', [
      'exec',
      container,
      'reachmap',
      'probe',
      '--from',
      'client',
      '--to',
      'http://gateway-loopback:18789/healthz',
      '--json',
      '--fail',
    ]);
    expect(refused.status, refused.stderr).toBe(1);
    const r = JSON.parse(refused.stdout) as {
      ok: boolean;
      runner: { kind: string };
      findings: { rule: string }[];
    };
    expect(r).toMatchObject({ ok: false, runner: { kind: 'nsenter' } });
    expect(r.findings.map((d) => d.rule)).toContain('probe-loopback-bind');
  });
});

describe('the image without pid: host, as its own non-root user', () => {
  const socketGid = () => run('stat', ['-c', '%g', '/var/run/docker.sock']).stdout.trim();
  const leastPrivilege = (...args: string[]) =>
    run(
      'docker',
      [
        'run',
        '--rm',
        '--user',
        '10001',
        '--group-add',
        socketGid(),
        '-v',
        '/var/run:/host-run:ro',
        '-e',
        'DOCKER_HOST=unix:///host-run/docker.sock',
        '-e',
        `REACHMAP_HELPER_IMAGE=${IMAGE}`,
        '--entrypoint',
        'reachmap',
        IMAGE,
        ...args,
      ],
      {},
      180_000,
    );

  it('reads no /proc of the host and still lists listeners through the engine', () => {
    const r = leastPrivilege('scan', '--json', '--fresh');
    expect(r.status, r.stderr).toBe(0);
    const t = Topology.parse(JSON.parse(r.stdout));
    expect(t.host.procVisible).toBe(false);
    expect(t.warnings.join(' ')).toMatch(/Host \/proc is not visible/);
    const ns = t.namespaces.find((n) => n.containers.includes(labContainer('gateway-loopback').name));
    expect(ns).toMatchObject({ identitySource: 'inferred', listenerSource: 'exec' });
    expect(ns?.listeners).toContainEqual(expect.objectContaining({ address: '127.0.0.1', port: 18789 }));
  });

  it('probes from a container through a helper container', () => {
    const r = leastPrivilege('probe', '--from', 'client', '--to', 'http://gateway:18789/healthz', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'pass', runner: { kind: 'helper-container' } });
  });
});
