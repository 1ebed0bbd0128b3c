import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PayloadStep, ProbeStep } from '@/lib/model/probe';
import { MTU_LAB, startMtuLab, stopMtuLab } from '../../e2e/lab/mtuLab';

/**
 * A path-MTU black hole on the real engine (e2e/lab/mtuLab.ts): a router between a 1500 and
 * a 1280 network drops its ICMP "fragmentation needed". Small requests through it pass;
 * the large-payload probe finds the size where they stall, the MTU that implies, the
 * networks on the path, and the finding says which one and how to fix it.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
let serverIp = '';

beforeAll(async () => {
  ({ serverIp } = await startMtuLab());
}, 90_000);

afterAll(() => stopMtuLab());

function probe(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'probe', ...args, '--json'], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as {
    ok: boolean;
    verdict: string;
    decisive: string | null;
    steps: ProbeStep[];
    findings: Array<{ rule: string; title: string; message: string; fix: string; pattern: string }>;
  };
}

describe('large payloads across a smaller-MTU hop whose ICMP is dropped', () => {
  it('passes small requests, stalls past the path MTU, and names the network', () => {
    const r = probe('--from', MTU_LAB.client, '--to', `http://${serverIp}:8080/`, '--ws', '--large');
    const http = r.steps.find((s) => s.kind === 'http');
    expect(http?.ok).toBe(true);
    const sweeps = r.steps.filter((s): s is PayloadStep => s.kind === 'payload');
    expect(sweeps.map((s) => s.carrier)).toEqual(['http', 'ws']);
    for (const s of sweeps) {
      expect(s.ok, JSON.stringify(s.attempts)).toBe(false);
      expect(s.attempts.some((a) => a.ok && a.bytes >= 1000)).toBe(true);
      // 1280 - 20 (IP) - 32 (TCP with timestamps) = 1228 bytes in one segment.
      expect(s.largestOk as number).toBeLessThanOrEqual(1228);
      expect(s.smallestStalled as number).toBeGreaterThan(1228);
      expect(s.mtuEstimate).not.toBeNull();
      expect(Math.abs((s.mtuEstimate as number) - 1280)).toBeLessThanOrEqual(4);
      expect(s.route).toMatchObject({ interface: 'eth0', mtu: 1500 });
      expect(s.path).toEqual([
        { where: `${MTU_LAB.client} eth0`, mtu: 1500, source: 'agent' },
        {
          where: `network ${MTU_LAB.edge} (${MTU_LAB.client} → ${MTU_LAB.router})`,
          mtu: 1500,
          source: 'engine',
        },
        {
          where: `network ${MTU_LAB.core} (${MTU_LAB.router} → ${MTU_LAB.server})`,
          mtu: 1280,
          source: 'engine',
        },
      ]);
    }
    expect(r.verdict).toBe('partial');
    expect(r.decisive).toMatch(/^STALLED at \d+ B$/);
    const f = r.findings.find((x) => x.rule === 'payload-stall');
    expect(f?.pattern).toBe('mtu-mismatch');
    expect(f?.title).toBe(
      `Large requests from ${MTU_LAB.client} stall: network ${MTU_LAB.core} has MTU 1280, the sender 1500`,
    );
    expect(f?.fix).toContain('--clamp-mss-to-pmtu');
    expect(f?.fix).toContain('(1280)');
  });

  it('without --large, the same path looks healthy', () => {
    const r = probe('--from', MTU_LAB.client, '--to', `http://${serverIp}:8080/`, '--ws');
    expect(r.ok).toBe(true);
    expect(r.steps.some((s) => s.kind === 'payload')).toBe(false);
  });
});
