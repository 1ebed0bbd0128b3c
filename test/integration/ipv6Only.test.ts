import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { scanOnce } from '@/lib/scanner';
import { docker, LAB_PROJECT, labContainer } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/**
 * nginx with only `listen [::]:80;` — IPV6_V6ONLY by default — made for real: the listener
 * table says [::] ("all interfaces"), yet IPv4 peers are refused and the publish resets.
 */

const NAME = 'reachmap-test-v6only';
const dir = mkdtempSync(path.join(tmpdir(), 'reachmap-v6only-'));
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
  writeFileSync(path.join(dir, 'v6.conf'), 'server { listen [::]:80; location / { return 200 "v6\\n"; } }\n');
  docker(
    'run',
    '-d',
    '--name',
    NAME,
    '--network',
    `${LAB_PROJECT}_backend`,
    '-p',
    '127.0.0.1:29998:80',
    '-v',
    `${path.join(dir, 'v6.conf')}:/etc/nginx/conf.d/default.conf:ro`,
    'reachmap-lab/nginx:local',
  );
  topology = await scanOnce(client);
});
afterAll(() => {
  probes.close();
  rm();
  rmSync(dir, { recursive: true, force: true });
});

describe('IPv6-only listeners', () => {
  it('the scan tells an IPV6_V6ONLY socket from a dual-stack one', () => {
    const v6 = topology.containers.find((c) => c.name === NAME);
    const ns = topology.namespaces.find((n) => n.id === v6?.netns);
    const l = ns?.listeners.find((x) => x.port === 80 && x.role === 'workload');
    expect(l).toMatchObject({ family: 6, address: '::', v6only: true });
    // busybox httpd binds [::]:8080 dual-stack: the same address, reachable over IPv4.
    const multi = topology.namespaces.find((n) => n.containerIds.includes(labContainer('multi').id));
    expect(multi?.listeners.find((x) => x.port === 8080)).toMatchObject({ address: '::', v6only: false });
    const f = topology.findings.filter((x) => x.rule === 'ipv6-only-listener' && x.subject.name === NAME);
    expect(f.map((x) => x.severity)).toEqual(['error']);
    // No lab service is flagged: their [::] sockets are dual-stack.
    const lab = topology.findings.filter(
      (x) => x.rule === 'ipv6-only-listener' && x.subject.name.startsWith(LAB_PROJECT),
    );
    expect(lab).toEqual([]);
    expect(f[0]?.fix).toContain('listen 80;');
  });

  it('a sibling over IPv4 is refused and the publish resets: both explained by the IPv6-only bind', async () => {
    const sibling = (await probes.run({ from: 'client', to: `http://${NAME}/` })).initiator;
    expect(sibling.decisive).toBe('ECONNREFUSED');
    expect(diagnoseProbes(topology, [sibling]).map((x) => x.rule)).toEqual(['probe-ipv6-only-bind']);
    const host = (await probes.run({ from: 'host', to: 'http://127.0.0.1:29998/' })).initiator;
    expect(host.decisive).toMatch(/^(EMPTY_REPLY|ECONNRESET)$/);
    expect(diagnoseProbes(topology, [host]).map((x) => x.rule)).toEqual(['probe-ipv6-only-bind']);
  });
});
