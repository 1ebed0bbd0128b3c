import { afterAll, describe, expect, it } from 'vitest';
import type { Topology } from '@/lib/model/topology';
import { scanOnce } from '@/lib/scanner';
import { docker, labCompose, labContainer, waitHealthy } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/** The stale shared-namespace patterns of openclaw.md, produced for real on the lab. */

const client = realClient();
const stale = (t: Topology, id: string) =>
  t.findings.filter((f) => f.rule === 'stale-shared-netns' && f.subject.id === id);

async function scanUntil(pred: (t: Topology) => boolean, tries = 20): Promise<Topology> {
  let t = await scanOnce(client);
  for (let i = 0; i < tries && !pred(t); i++) {
    await new Promise((r) => setTimeout(r, 250));
    t = await scanOnce(client);
  }
  return t;
}

describe('stale sidecar namespaces on the real engine', () => {
  afterAll(async () => {
    // Leave the lab as lab:up made it, whatever happened above (other files assert on health).
    labCompose('up', '-d', '--force-recreate', '--no-deps', 'gateway-loopback');
    labCompose('up', '-d', '--force-recreate', '--no-deps', 'cli-sidecar');
    await waitHealthy('gateway-loopback');
  });

  it('restart of the owner: same id, new namespace; only the live namespaces tell', async () => {
    const gw = labContainer('gateway-loopback');
    const sidecar = labContainer('cli-sidecar');
    expect(stale(await scanOnce(client), sidecar.id)).toEqual([]);

    docker('restart', '-t', '1', gw.id);
    const t = await scanUntil((x) => x.containers.find((c) => c.id === gw.id)?.state === 'running');
    const f = stale(t, sidecar.id);
    expect(f).toHaveLength(1);
    expect(f[0]?.id).toMatch(/:diverged$/);
    expect(t.containers.find((c) => c.id === sidecar.id)?.networkMode).toBe(`container:${gw.id}`);

    docker('restart', '-t', '1', sidecar.id);
    expect(stale(await scanUntil((x) => stale(x, sidecar.id).length === 0), sidecar.id)).toEqual([]);
  });

  it('recreate of the owner: the named container is gone', async () => {
    const oldGw = labContainer('gateway-loopback');
    const sidecar = labContainer('cli-sidecar');
    labCompose('up', '-d', '--force-recreate', '--no-deps', 'gateway-loopback');
    const newGw = labContainer('gateway-loopback');
    expect(newGw.id).not.toBe(oldGw.id);
    const t = await scanOnce(client);
    const f = stale(t, sidecar.id);
    expect(f).toHaveLength(1);
    expect(f[0]?.id).toMatch(/:gone$/);
    expect(f[0]?.message).toContain(oldGw.id.slice(0, 12));
    // The sidecar is alone in its namespace; the new gateway has its own.
    const sc = t.containers.find((c) => c.id === sidecar.id);
    expect(sc?.netns).not.toBe(t.containers.find((c) => c.id === newGw.id)?.netns);
  });
});
