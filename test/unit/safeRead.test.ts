import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileInRoot as readInRoot, resolveInRoot } from '@/lib/util/safeRead';

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

/** The native helper, compiled here (unit tests run before the build; provisioning installs cc). */
function compiledHelper(): string {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'reachmap-helper-')), 'read-in-root');
  execFileSync('cc', ['-O2', '-o', out, path.resolve(import.meta.dirname, '../../native/read-in-root.c')]);
  return out;
}

// The same hostile root through both paths: the kernel's openat2(RESOLVE_IN_ROOT) helper, and
// the JavaScript walk used where no C compiler built it.
describe.each([
  ['the openat2 helper', compiledHelper()],
  ['the JavaScript walk', null],
])('reading files inside a container root, through %s', (_name, helper) => {
  const { root } = fakeRoot();
  const readFileInRoot = (r: string, inner: string, max?: number) => readInRoot(r, inner, max, helper);

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

  it('checks the type before opening: a FIFO with a writer waiting never sees a reader', async () => {
    const fifo = path.join(root, 'etc', 'fifo-w');
    const marker = path.join(root, 'opened');
    execFileSync('mkfifo', [fifo]);
    // The writer blocks in open() until someone opens the FIFO for reading.
    const writer = spawn('sh', ['-c', `echo x > ${fifo}; echo opened > ${marker}`], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      await expect(readFileInRoot(root, '/etc/fifo-w')).rejects.toThrow(/not a regular file/);
      await new Promise((r) => setTimeout(r, 300));
      expect(existsSync(marker)).toBe(false);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it('never opens a device node for reading', async () => {
    // /dev/null's numbers; mknod needs root (tests run as root, as Reachmap does).
    const dev = path.join(root, 'etc', 'null-dev');
    execFileSync('mknod', [dev, 'c', '1', '3']);
    await expect(readFileInRoot(root, '/etc/null-dev')).rejects.toThrow(/not a regular file/);
  });

  it('reads at most maxBytes', async () => {
    writeFileSync(path.join(root, 'etc', 'big'), 'x'.repeat(10_000));
    expect((await readFileInRoot(root, '/etc/big', 100)).length).toBe(100);
  });
});

describe('the openat2 helper resolves in one kernel step', () => {
  // The race itself (a swap between a walk and an open) has no window here to hit: the kernel
  // resolves and opens at once. What it leaves behind must still resolve inside the root.
  it('a directory replaced by a symlink to the host is resolved inside the root', async () => {
    const helper = compiledHelper();
    const { root, outside } = fakeRoot();
    // What a racing container would leave at the moment of the open: /etc → the host's dir.
    const etc = path.join(root, 'etc');
    execFileSync('mv', [etc, path.join(root, 'etc.old')]);
    symlinkSync(outside, etc);
    // Resolved in the root, the link's absolute target does not exist there.
    await expect(readInRoot(root, '/etc/secret', 1000, helper)).rejects.toThrow(/No such file/);
  });
});
