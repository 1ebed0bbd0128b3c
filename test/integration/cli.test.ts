import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Topology } from '@/lib/model/topology';
import { LAB_CANARY, labContainer } from '../../e2e/lab/labInfo';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/reachmap.mjs');

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 32 << 20,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('reachmap CLI (built)', () => {
  it('scan --json prints one object valid against the schema, with the lab’s facts', async () => {
    const r = await cli(['scan', '--json']);
    expect(r.code).toBe(0);
    const t = Topology.parse(JSON.parse(r.stdout));
    const gw = labContainer('gateway-loopback');
    const sidecar = labContainer('cli-sidecar');
    const ns = t.namespaces.find((n) => n.containers.includes(gw.name));
    expect(ns?.kind).toBe('container');
    expect(ns?.containers).toContain(sidecar.name);
    expect(ns?.listeners).toContainEqual(
      expect.objectContaining({ protocol: 'tcp', address: '127.0.0.1', port: 18789 }),
    );
    const c = t.containers.find((x) => x.name === gw.name);
    expect(c).toMatchObject({ id: gw.id, netns: ns?.id, networkMode: expect.any(String) });
    expect(c?.networks.length).toBe(1);
    expect(t.networks[0]).toMatchObject({
      id: expect.any(String),
      name: expect.any(String),
      driver: expect.any(String),
      subnets: expect.any(Array),
    });
    expect(t.findings).toContainEqual(
      expect.objectContaining({
        rule: 'loopback-only-listener',
        severity: 'error',
        message: expect.any(String),
      }),
    );
    expect(r.stdout).not.toContain(LAB_CANARY);
  });

  it('scan prints a readable summary', async () => {
    const r = await cli(['scan']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('NETWORK NAMESPACES');
    expect(r.stdout).toMatch(/loopback only/);
  });

  it('exits non-zero with a clear message when Docker is unreachable', async () => {
    const r = await cli(['scan', '--json'], { DOCKER_HOST: 'unix:///tmp/reachmap-no-such.sock' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Docker engine unreachable at unix:\/\/\/tmp\/reachmap-no-such\.sock: ENOENT/);
  });

  it('rejects unknown commands and bad settings with exit 2 / 1', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2);
    const bad = await cli(['scan'], { REACHMAP_PORT: 'abc' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/REACHMAP_PORT/);
  });
});

describe('reachmap CLI as a CI gate (built)', () => {
  it('--version, help <command>, and an unknown command', async () => {
    const v = await cli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^reachmap \d+\.\d+\.\d+\n$/);
    const h = await cli(['help', 'probe']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^Usage: reachmap probe --from/);
    expect(h.stdout).toContain('--fail');
    expect((await cli(['help', 'nope'])).code).toBe(2);
  });

  it('scan --json validates against the published JSON Schema; --fail-on gates on the lab’s findings', async () => {
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const { readFileSync } = await import('node:fs');
    const schema = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../../schema/topology.schema.json'), 'utf8'),
    );
    const r = await cli(['scan', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.schemaVersion).toBe(1);
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(out), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    // The lab has a loopback-only gateway behind a published port: an error finding.
    const gate = await cli(['scan', '--fail-on', 'error']);
    expect(gate.code).toBe(1);
    expect(gate.stderr).toMatch(/finding\(s\) at error or worse/);
    expect((await cli(['scan', '--fail-on', 'fatal'])).code).toBe(2);
  });

  it('probe --fail: 0 when the path passes, 1 when it fails, 2 when the engine cannot be asked', async () => {
    expect(
      (await cli(['probe', '--from', 'client', '--to', 'http://gateway:18789/healthz', '--fail'])).code,
    ).toBe(0);
    expect(
      (await cli(['probe', '--from', 'client', '--to', 'http://gateway-loopback:18789/healthz', '--fail']))
        .code,
    ).toBe(1);
    const dead = await cli([
      'probe',
      '--from',
      'client',
      '--to',
      'http://gateway:18789/healthz',
      '--fail',
      '--docker-host',
      'unix:///nonexistent/docker.sock',
    ]);
    expect(dead.code).toBe(2);
    // Without --fail the same engine error stays exit 1.
    expect((await cli(['scan', '--docker-host', 'unix:///nonexistent/docker.sock'])).code).toBe(1);
  });
});

describe('reachmap scan beside a running dashboard (built)', () => {
  it('takes the dashboard’s topology for the same engine; --fresh, or another engine, scans here', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-cli-ask-'));
    const port = '7431';
    // The token the server writes into its data directory, as an operator's dashboard does.
    const { REACHMAP_TOKEN: _, ...env } = process.env;
    const server = spawn(process.execPath, ['dist/server.js', '--port', port, '--data-dir', dataDir], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...env, NODE_ENV: 'production' },
      stdio: 'ignore',
    });
    try {
      const flags = ['--port', port, '--data-dir', dataDir];
      for (let i = 0; i < 120; i++) {
        const r = await cli(['scan', '--json', ...flags]);
        if (r.stderr.includes('topology of the dashboard')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const asked = await cli(['scan', '--json', ...flags]);
      expect(asked.code).toBe(0);
      expect(asked.stderr).toContain(`topology of the dashboard at http://127.0.0.1:${port}`);
      const fresh = await cli(['scan', '--json', '--fresh', ...flags]);
      expect(fresh.stderr).not.toContain('topology of the dashboard');
      const names = (out: string) =>
        Topology.parse(JSON.parse(out))
          .containers.map((c) => c.name)
          .sort();
      expect(names(asked.stdout)).toEqual(names(fresh.stdout));
      expect(JSON.parse(asked.stdout).schemaVersion).toBe(1);
      // A dashboard of another engine is not this engine's truth.
      const other = await cli([
        'scan',
        '--json',
        ...flags,
        '--docker-host',
        'unix:///nonexistent/docker.sock',
      ]);
      expect(other.code).toBe(1);
      expect(other.stderr).toContain('Docker engine unreachable at unix:///nonexistent/docker.sock');
    } finally {
      server.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('reachmap scan and a stranger on the dashboard’s port (built)', () => {
  it('never sends the token to a listener that cannot prove it holds it', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-cli-stranger-'));
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, 'token'), `${'s'.repeat(43)}\n`, { mode: 0o600 });
    const seen: string[] = [];
    // What an unprivileged user could bind while the dashboard is down: answers everything.
    const stranger = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', engine: 'connected', proof: 'f'.repeat(64), topology: {} }));
    });
    await new Promise<void>((r) => stranger.listen(7437, '127.0.0.1', r));
    try {
      const r = await cli(['scan', '--json', '--port', '7437', '--data-dir', dataDir]);
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain('topology of the dashboard');
      expect(seen.length).toBeGreaterThan(0); // it was asked, for a proof only
      for (const line of seen) expect(line).not.toContain('s'.repeat(43));
      expect(seen.every((l) => l.startsWith('/healthz?nonce='))).toBe(true);
    } finally {
      stranger.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
