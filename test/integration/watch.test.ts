import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, LAB_CANARY, labContainer, restoreGateway } from '../../e2e/lab/labInfo';

/**
 * `reachmap watch` on the real engine: one sweep over the paths it infers on the lab, and a
 * stream that turns a path red within one interval after its target stops and green after
 * it starts, with no one asking.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');

interface PathLine {
  from: string;
  to: string;
  ok: boolean;
  verdict: string;
  decisive: string | null;
  why: string;
}

// Whatever happened, the lab is as it was for the files after this one.
afterAll(() => restoreGateway(), 120_000);

describe('reachmap watch', () => {
  it('--once --json: every published port from the host and each proxy upstream, with verdicts', () => {
    const r = spawnSync(process.execPath, [CLI, 'watch', '--once', '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const { schemaVersion, paths } = JSON.parse(r.stdout) as { schemaVersion: number; paths: PathLine[] };
    expect(schemaVersion).toBe(1);
    const at = (to: string) => paths.find((p) => p.from === 'host' && p.to === to);
    // Published on 127.0.0.1 but bound to loopback inside: docker-proxy accepts and closes.
    expect(at('127.0.0.1:28789')).toMatchObject({
      ok: false,
      verdict: 'fail',
      decisive: 'CLOSED_AFTER_ACCEPT',
      why: 'published',
    });
    expect(at('127.0.0.1:28790')).toMatchObject({ ok: true, verdict: 'pass', why: 'published' });
    for (const proxy of ['proxy-plain', 'proxy-upgrade'])
      expect(paths).toContainEqual(
        expect.objectContaining({
          from: labContainer(proxy).name,
          to: 'gateway:18789',
          ok: true,
          why: 'proxy',
        }),
      );
    // What the client's environment names, by the names it uses: a reachable gateway, and a
    // DSN whose host binds loopback only (refused from the client's namespace).
    const client = labContainer('client').name;
    expect(paths).toContainEqual(
      expect.objectContaining({ from: client, to: 'ws://gateway:18789/', ok: true, why: 'config' }),
    );
    expect(paths).toContainEqual(
      expect.objectContaining({
        from: client,
        to: 'gateway-loopback:18789',
        ok: false,
        decisive: 'ECONNREFUSED',
        why: 'config',
      }),
    );
    // The gateway from a browser at an Origin its config allows (the pairing request = reachable).
    expect(paths).toContainEqual(
      expect.objectContaining({
        from: 'host',
        to: 'ws://127.0.0.1:28790/',
        ok: true,
        why: 'openclaw',
        label: `OpenClaw gateway ${labContainer('gateway').name} from a browser at https://gateway.example.test`,
      }),
    );
    expect(r.stdout).not.toContain(LAB_CANARY);
  });

  it('turns a path red within one interval after its target stops, and green after it starts', async () => {
    const gateway = labContainer('gateway');
    const child = spawn(
      process.execPath,
      [
        CLI,
        'watch',
        '--json',
        '--interval',
        '2',
        '--for',
        '90',
        '--path',
        'client>http://gateway:18789/healthz',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const lines = createInterface({ input: child.stdout });
    const seen: Array<PathLine & { at: string; previous: string | null }> = [];
    const waiters: Array<() => void> = [];
    lines.on('line', (l) => {
      const p = JSON.parse(l) as PathLine & { at: string; previous: string | null };
      if (p.from === 'client') seen.push(p);
      for (const w of waiters.splice(0)) w();
    });
    const next = async (verdict: string, ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const hit = seen.find((p) => p.verdict === verdict);
        if (hit) {
          seen.splice(0, seen.indexOf(hit) + 1);
          return hit;
        }
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 500);
        });
      }
      throw new Error(`no "${verdict}" within ${ms} ms; stderr: ${stderr}`);
    };
    try {
      await next('pass', 30_000);
      const stoppedAt = Date.now();
      docker('stop', '-t', '1', gateway.id);
      const red = await next('fail', 20_000);
      expect(red).toMatchObject({ ok: false, previous: 'pass' });
      expect(red.decisive).toMatch(/NXDOMAIN|ECONNREFUSED|EHOSTUNREACH|ETIMEDOUT|SERVFAIL/);
      // One interval (2 s, with jitter) plus a sweep's scan and probes.
      console.log(`watch: red ${Date.now() - stoppedAt} ms after docker stop returned`);
      docker('start', gateway.id);
      const green = await next('pass', 30_000);
      expect(green).toMatchObject({ ok: true, previous: 'fail' });
    } finally {
      child.kill();
    }
  }, 150_000);
});
