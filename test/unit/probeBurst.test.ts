import { describe, expect, it } from 'vitest';
import { ProbeHub } from '@/lib/live/probeHub';
import type { Prober } from '@/lib/probe/prober';

/** The cap on probes in flight holds for a burst sent in one tick, not only one at a time. */
describe('probe concurrency', () => {
  it('accepts at most 32 of 500 probe requests sent at once, and frees slots as probes end', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started = 0;
    const prober: Prober = {
      // Validation awaits, as the real one does (DNS-free checks, topology lookups).
      validate: (async () => {
        await Promise.resolve();
      }) as unknown as Prober['validate'],
      run: (async () => {
        started++;
        await gate;
        throw new Error('stopped by the test');
      }) as unknown as Prober['run'],
      close: () => {},
    };
    const hub = new ProbeHub(prober);
    hub.on('failed', () => {});
    const results = await Promise.allSettled(
      Array.from({ length: 500 }, () =>
        hub.run({ spec: { from: 'host', to: 'http://127.0.0.1:1/' }, paired: false }),
      ),
    );
    const accepted = results.filter((r) => r.status === 'fulfilled').length;
    expect(accepted).toBe(32);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.status === 'rejected' && String(refused.reason)).toMatch(/too many probes in flight/);
    expect(started).toBe(32);
    release();
    await new Promise((r) => setTimeout(r, 10));
    // Slots are free again.
    await expect(
      hub.run({ spec: { from: 'host', to: 'http://127.0.0.1:1/' }, paired: false }),
    ).resolves.toBeTruthy();
  });

  it('gives the slot back when validation refuses a probe', async () => {
    const prober: Prober = {
      validate: async () => {
        throw new Error('target outside the topology');
      },
      run: (async () => {
        throw new Error('not reached');
      }) as unknown as Prober['run'],
      close: () => {},
    };
    const hub = new ProbeHub(prober);
    for (let i = 0; i < 40; i++)
      await expect(hub.run({ spec: { from: 'host', to: 'http://x/' }, paired: false })).rejects.toThrow(
        /outside the topology/,
      );
  });
});
