import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileInRoot, resolveInRoot } from '@/lib/util/safeRead';

/** A fake container root with the tricks a hostile container could play. */
function fakeRoot() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'reachmap-root-'));
  mkdirSync(path.join(root, 'etc'));
  writeFileSync(path.join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n');
  const outside = mkdtempSync(path.join(os.tmpdir(), 'reachmap-outside-'));
  writeFileSync(path.join(outside, 'secret'), 'HOST SECRET');
  symlinkSync(path.join(outside, 'secret'), path.join(root, 'etc', 'abs-link'));
  symlinkSync(
    `../../../../../../../../../..${path.join(outside, 'secret')}`,
    path.join(root, 'etc', 'dotdot-link'),
  );
  symlinkSync('/etc', path.join(root, 'etc-link'));
  execFileSync('mkfifo', [path.join(root, 'etc', 'fifo')]);
  symlinkSync('/dev/zero', path.join(root, 'etc', 'zero'));
  return { root, outside };
}

describe('reading files inside a container root', () => {
  const { root } = fakeRoot();

  it('reads ordinary files', async () => {
    expect(await readFileInRoot(root, '/etc/hosts')).toBe('127.0.0.1 localhost\n');
    expect(await readFileInRoot(root, '/etc-link/hosts')).toBe('127.0.0.1 localhost\n');
  });

  it('never follows a link out of the root', async () => {
    // An absolute link restarts at the container root, where the target does not exist.
    await expect(readFileInRoot(root, '/etc/abs-link')).rejects.toThrow();
    await expect(readFileInRoot(root, '/etc/dotdot-link')).rejects.toThrow();
    expect((await resolveInRoot(root, '/etc/dotdot-link').catch(() => root)).startsWith(root)).toBe(true);
  });

  it('refuses FIFOs and devices instead of blocking or reading forever', async () => {
    await expect(readFileInRoot(root, '/etc/fifo')).rejects.toThrow(/not a regular file/);
    await expect(readFileInRoot(root, '/etc/zero')).rejects.toThrow();
  });

  it('reads at most maxBytes', async () => {
    writeFileSync(path.join(root, 'etc', 'big'), 'x'.repeat(10_000));
    expect((await readFileInRoot(root, '/etc/big', 100)).length).toBe(100);
  });
});
