import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdleProxy } from '../../e2e/lab/idleProxy';

/**
 * A long-lived WebSocket through an nginx whose proxy_read_timeout is 3 s: a probe that holds
 * the session open sees it cut after about 3 s without a close frame, and the finding names
 * the directive, read from that nginx's own configuration.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
let idle: Awaited<ReturnType<typeof startIdleProxy>>;
let NAME = '';

beforeAll(async () => {
  idle = await startIdleProxy('3s');
  NAME = idle.proxy;
}, 60_000);

afterAll(() => idle?.stop());

/** `reachmap probe --from client --to TO --hold S --json`: the exit status must be 0; its JSON. */
function holdProbe<T>(to: string, seconds: number): T {
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'dist/cli.js'),
      'probe',
      '--from',
      'client',
      '--to',
      to,
      '--hold',
      String(seconds),
      '--json',
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

describe('a WebSocket held through a proxy with a short idle timeout', () => {
  it('is cut after the proxy_read_timeout, and the finding names it', () => {
    const result = holdProbe<{
      ok: boolean;
      steps: Array<{
        kind: string;
        hold?: {
          askedMs: number;
          heldMs: number;
          endedBy: string;
          proxy?: { container: string; value: string };
        };
      }>;
      findings: Array<{ rule: string; title: string; fix: string }>;
    }>(`ws://${NAME}/`, 10);
    const hold = result.steps.find((s) => s.kind === 'ws')?.hold;
    expect(hold).toMatchObject({ askedMs: 10_000, endedBy: 'cut', proxy: { container: NAME, value: '3s' } });
    expect(hold?.heldMs).toBeGreaterThan(2500);
    expect(hold?.heldMs).toBeLessThan(6000);
    expect(result.ok).toBe(false);
    const finding = result.findings.find((f) => f.rule === 'ws-idle-timeout');
    expect(finding?.title).toBe(`${NAME} cuts WebSocket sessions after 3s (proxy_read_timeout)`);
    expect(finding?.fix).toMatch(/proxy_read_timeout 3600s/);
  });

  it('stays open for the whole hold when nothing cuts it, past the probe timeout', () => {
    // Straight to the silent server: 7 s of hold outlast the 5 s request timeout.
    const result = holdProbe<{
      ok: boolean;
      steps: Array<{ kind: string; outcome?: string; hold?: { heldMs: number; endedBy: string } }>;
      findings: Array<{ rule: string }>;
    }>(`ws://${idle.app}:8080/`, 7);
    const ws = result.steps.find((s) => s.kind === 'ws');
    expect(ws).toMatchObject({ outcome: 'open', hold: { endedBy: 'held' } });
    expect(ws?.hold?.heldMs).toBeGreaterThanOrEqual(6900);
    expect(result.ok).toBe(true);
    expect(result.findings.map((f) => f.rule)).not.toContain('ws-idle-timeout');
  }, 60_000);
});
