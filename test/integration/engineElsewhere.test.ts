import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Topology } from '@/lib/model/topology';
import { labContainer } from '../../e2e/lab/labInfo';

/**
 * An engine whose containers this machine's /proc cannot see — as from another machine (a
 * tcp:// engine, a socket forwarded over ssh) or from Reachmap in a PID namespace of its own.
 * Here the CLI runs under `unshare --pid --mount-proc`: the engine's pids mean nothing in its
 * /proc. It must read no local /proc for them, not present this machine's namespace, packet
 * filter or uplink as the engine host's, and still list listeners and probe, through the engine.
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

describe('an engine on another kernel', () => {
  it('lists every container’s listeners through the engine and claims nothing of this machine', () => {
    const r = cliElsewhere('scan', '--json', '--fresh');
    expect(r.status, r.stderr).toBe(0);
    const t = Topology.parse(JSON.parse(r.stdout));
    expect(t.host.engineElsewhere).toBe(true);
    expect(t.warnings.join(' ')).toMatch(/not visible in this machine's \/proc/);
    // This machine's own namespace, packet filter and uplink are not the engine host's.
    expect(t.host.netns === null || t.namespaces.find((n) => n.id === t.host.netns)?.listeners).toSatisfy(
      (x: unknown) => x === true || (Array.isArray(x) && x.length === 0),
    );
    expect(t.firewall).toMatchObject({ available: false, reason: expect.stringMatching(/runs elsewhere/) });
    expect(t.host.uplink).toBeNull();
    // Listeners still come, read inside each container through the engine.
    const gw = labContainer('gateway-loopback');
    const ns = t.namespaces.find((n) => n.containers.includes(gw.name));
    expect(ns).toMatchObject({ identitySource: 'inferred', listenerSource: 'exec' });
    expect(ns?.listeners).toContainEqual(expect.objectContaining({ address: '127.0.0.1', port: 18789 }));
  });

  it('refuses a probe "from the host", and probes from a container through a helper container', () => {
    const fromHost = cliElsewhere('probe', '--from', 'host', '--to', 'http://127.0.0.1:28790/healthz');
    expect(fromHost.status).toBe(1);
    expect(fromHost.stderr).toMatch(/the engine runs on another machine/);
    const r = cliElsewhere('probe', '--from', 'client', '--to', 'http://gateway:18789/healthz', '--json');
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { verdict: string; runner: { kind: string } };
    expect(result).toMatchObject({ verdict: 'pass', runner: { kind: 'helper-container' } });
  });
});
