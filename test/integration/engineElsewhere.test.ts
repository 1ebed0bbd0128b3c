import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Topology } from '@/lib/model/topology';
import { labContainer } from '../../e2e/lab/labInfo';

/**
 * An engine whose containers this machine's /proc cannot see — as from another machine (a
 * tcp:// engine, a socket forwarded over ssh) or from Reachmap in a PID namespace of its own.
 * Here the CLI runs under `unshare --pid --mount-proc`: the engine's pids mean nothing in its
 * /proc. It must read no local /proc for them and still list listeners and probe, through
 * the engine.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

function cliElsewhere(...args: string[]) {
  return spawnSync(
    'unshare',
    ['--pid', '--fork', '--mount-proc', process.execPath, path.join(ROOT, 'dist/cli.js'), ...args],
    {
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, REACHMAP_HELPER_IMAGE: 'reachmap-lab/node:local' },
    },
  );
}

describe('an engine whose containers this /proc cannot see', () => {
  it('reads no local /proc for them and still lists every container’s listeners through the engine', () => {
    const r = cliElsewhere('scan', '--json', '--fresh');
    expect(r.status, r.stderr).toBe(0);
    const t = Topology.parse(JSON.parse(r.stdout));
    expect(t.host.procVisible).toBe(false);
    expect(t.warnings.join(' ')).toMatch(/Host \/proc is not visible/);
    // Missing pids are not proof of another machine (they may only be hidden): this
    // namespace — here truly the engine host's — is still shown; only foreign pids would
    // make it "elsewhere" (test/unit/helperOutput.test.ts).
    expect(t.host.engineElsewhere).toBe(false);
    for (const c of t.containers.filter((x) => x.state === 'running' && x.networkModeKind !== 'host'))
      expect(c.netnsSource, c.name).toBe('inferred');
    const gw = labContainer('gateway-loopback');
    const ns = t.namespaces.find((n) => n.containers.includes(gw.name));
    expect(ns).toMatchObject({ identitySource: 'inferred', listenerSource: 'exec' });
    expect(ns?.listeners).toContainEqual(expect.objectContaining({ address: '127.0.0.1', port: 18789 }));
  });

  it('probes from a container through a helper container', () => {
    const r = cliElsewhere('probe', '--from', 'client', '--to', 'http://gateway:18789/healthz', '--json');
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { verdict: string; runner: { kind: string } };
    expect(result).toMatchObject({ verdict: 'pass', runner: { kind: 'helper-container' } });
  });
});
