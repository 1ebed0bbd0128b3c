import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { scanOnce } from '@/lib/scanner';
import { docker, LAB_PROJECT } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/** A TLS endpoint with a self-signed certificate: reachable, but not for a verifying client. */

const NAME = 'reachmap-test-tls';
const dir = mkdtempSync(path.join(tmpdir(), 'reachmap-tls-'));
const client = realClient();
let topology: Topology;
const probes = new ProbeService({ topology: async () => topology });
const rm = () => {
  try {
    docker('rm', '-f', NAME);
  } catch {
    // not there
  }
};

beforeAll(async () => {
  rm();
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${NAME}`,
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  writeFileSync(
    path.join(dir, 'tls.conf'),
    'server { listen 443 ssl; ssl_certificate /etc/nginx/cert.pem; ssl_certificate_key /etc/nginx/key.pem; location / { return 200 "tls ok\\n"; } }\n',
  );
  docker(
    'run',
    '-d',
    '--name',
    NAME,
    '--network',
    `${LAB_PROJECT}_backend`,
    '-v',
    `${path.join(dir, 'tls.conf')}:/etc/nginx/conf.d/default.conf:ro`,
    '-v',
    `${path.join(dir, 'cert.pem')}:/etc/nginx/cert.pem:ro`,
    '-v',
    `${path.join(dir, 'key.pem')}:/etc/nginx/key.pem:ro`,
    'reachmap-lab/nginx:local',
  );
  topology = await scanOnce(client);
});
afterAll(() => {
  probes.close();
  rm();
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS the way a verifying client sees it', () => {
  it('a self-signed certificate: the path works, and the finding says a verifying client stops there', async () => {
    const r = (await probes.run({ from: 'client', to: `https://${NAME}/` })).initiator;
    const tls = r.steps.find((s) => s.kind === 'tls');
    expect(tls?.ok).toBe(true);
    expect(tls?.kind === 'tls' && tls.verified).toBe(false);
    expect(r.steps.find((s) => s.kind === 'http')?.ok).toBe(true);
    const f = diagnoseProbes(topology, [r]);
    expect(f.map((x) => [x.rule, x.severity])).toEqual([['tls-untrusted', 'warning']]);
    expect(f[0]?.title).toContain('SELF_SIGNED');
    expect(f[0]?.fix).toContain('NODE_EXTRA_CA_CERTS');
  });
});
