import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ProbeResult } from '@/lib/model/probe';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/reachmap.mjs');

async function cli(args: string[]) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { maxBuffer: 16 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('reachmap probe (built CLI)', () => {
  it('--json: one object with ok, initiator, target, runner and steps; exit 0 although the probe failed', async () => {
    const r = await cli([
      'probe',
      '--from',
      'client',
      '--to',
      'ws://gateway:18789/',
      '--origin',
      'https://evil.example',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(() => ProbeResult.parse(o)).not.toThrow();
    expect(o.ok).toBe(false);
    expect(o.initiator.name).toMatch(/client/);
    expect(o.target.input).toBe('ws://gateway:18789/');
    expect(o.runner.kind).toBe('nsenter');
    const ws = o.steps.find((s: { kind: string }) => s.kind === 'ws');
    expect(ws).toMatchObject({ ok: false, status: 101, closeCode: 1008 });
    expect(ws.closeReason).toMatch(/origin not allowed/);
    for (const s of o.steps) expect(typeof s.ms).toBe('number');
    // The same diagnosis the dashboard shows, with its fix.
    expect(o.findings.map((f: { rule: string }) => f.rule)).toEqual(['origin-not-allowed']);
    expect(o.findings[0].fix).toContain('"https://evil.example"');
  });

  it('--paired adds the host side; the text form shows both', async () => {
    const j = JSON.parse(
      (
        await cli([
          'probe',
          '--from',
          'client',
          '--to',
          'http://gateway-loopback:18789/',
          '--paired',
          '--json',
        ])
      ).stdout,
    );
    expect(j.paired.initiator.kind).toBe('host');
    const t = await cli(['probe', '--from', 'client', '--to', 'http://gateway-loopback:18789/', '--paired']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/FAIL: ECONNREFUSED/);
    expect(t.stdout).toMatch(/Paired from the host/);
    // Both sides are diagnosed: the sibling is refused, the host cannot resolve a service name.
    const diagnosis = t.stdout.slice(t.stdout.indexOf('DIAGNOSIS'));
    expect(diagnosis).toMatch(/^ {2}ERROR {4}probe-loopback-bind /m);
    expect(diagnosis).toMatch(/^ {2}ERROR {4}host-uses-service-name /m);
  });

  it('takes the target as the word after the command too, but only once', async () => {
    const t = await cli(['probe', '--from', 'client', 'http://gateway:18789/healthz']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/PASS/);
    expect(t.stdout).toMatch(/DIAGNOSIS: none/);
    const twice = await cli(['probe', '--from', 'client', '--to', 'http://gateway/', 'http://gateway/']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/give the target once/);
  });

  it('exits non-zero only when the probe could not run', async () => {
    const r = await cli(['probe', '--from', 'nope-nope', '--to', 'http://gateway/']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown initiator/);
    expect((await cli(['probe', '--to', 'http://gateway/'])).code).toBe(2);
  });
});
