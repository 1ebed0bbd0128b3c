import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realClient } from './client';

/**
 * A container whose own binaries lie: its `cat` prints without end. Reading its listener
 * tables through `docker exec` (the fallback when host /proc is not visible) must stop at a
 * cap with a clear error, not buffer until the server runs out of memory.
 */
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

describe('hostile container: endless output from its own cat', () => {
  let id = '';
  beforeAll(() => {
    id = docker(
      'run',
      '-d',
      '--label',
      'reachmap.test=hostile-cat',
      '--entrypoint',
      'sh',
      'reachmap-lab/busybox:local',
      '-c',
      'rm -f /bin/cat && printf "#!/bin/sh\\nexec yes 0123456789abcdef0123456789abcdef\\n" > /bin/cat && chmod +x /bin/cat && exec sleep 600',
    );
  });
  afterAll(() => {
    if (id) docker('rm', '-f', id);
  });

  it('stops reading at the cap and says so', async () => {
    // Wait until the fake cat is in place.
    for (
      let i = 0;
      i < 50 && !docker('exec', id, 'sh', '-c', 'test -x /bin/cat && head -c 1 /bin/cat || true');
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    const before = process.memoryUsage().rss;
    await expect(realClient().execReadTables(id)).rejects.toThrow(/more than 8 MiB from cat \/proc\/net/);
    expect(performance.now() - t0).toBeLessThan(15_000);
    // Nothing near the unbounded output stays in memory.
    expect(process.memoryUsage().rss - before).toBeLessThan(200 << 20);
  });
});
