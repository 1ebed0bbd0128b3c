import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '@/lib/model/topology';
import { scanOnce } from '@/lib/scanner';
import { docker } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/** "unhealthy" in compose ps, with the reason: a missing tool, a port nothing listens on. */

const MISSING = 'reachmap-test-health-missing-tool';
const WRONG_PORT = 'reachmap-test-health-wrong-port';
const client = realClient();
let topology: Topology;
const rm = () => {
  try {
    docker('rm', '-f', MISSING, WRONG_PORT);
  } catch {
    // not there
  }
};
const run = (name: string, check: string) =>
  docker(
    'run',
    '-d',
    '--name',
    name,
    '--health-cmd',
    check,
    '--health-interval',
    '1s',
    '--health-retries',
    '1',
    'reachmap-lab/busybox:local',
    'httpd',
    '-f',
    '-p',
    '8080',
  );

beforeAll(async () => {
  rm();
  // busybox has no curl: exit 127. And a check of a port the server does not use.
  run(MISSING, 'curl -f http://localhost:8080/');
  run(WRONG_PORT, 'wget -q -O- http://localhost:9090/');
  const deadline = Date.now() + 20_000;
  const health = (n: string) => docker('inspect', '-f', '{{.State.Health.Status}}', n);
  while (Date.now() < deadline && (health(MISSING) !== 'unhealthy' || health(WRONG_PORT) !== 'unhealthy'))
    await new Promise((r) => setTimeout(r, 250));
  topology = await scanOnce(client);
}, 30_000);
afterAll(rm);

const findingOf = (name: string) =>
  topology.findings.find((f) => f.rule === 'unhealthy' && f.subject.name === name);

describe('unhealthy containers, with the reason', () => {
  it('the healthcheck tool is not in the image (exit 127)', () => {
    const f = findingOf(MISSING);
    expect(f?.title).toContain('healthcheck command is missing from the image');
    expect(f?.evidence.find((e) => e.label === 'last check')?.value).toMatch(/^exit 127: .*curl: not found/);
  });

  it('the healthcheck asks a port nothing listens on, and the finding names the port that is served', () => {
    const f = findingOf(WRONG_PORT);
    expect(f?.title).toContain('asks port 9090, where nothing listens');
    expect(f?.fix).toContain('(8080)');
  });

  it('healthy lab containers get no such finding', () => {
    expect(
      topology.findings.filter((f) => f.rule === 'unhealthy' && f.subject.name.startsWith('reachmap-lab')),
    ).toEqual([]);
  });
});
