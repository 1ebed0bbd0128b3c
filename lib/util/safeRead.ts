import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import path from 'node:path';
import { findBuilt } from './built';

/**
 * Reading a file inside a container's root (/proc/<pid>/root/...) as root, safely.
 *
 * Symlinks found there would resolve against Reachmap's own root (the host's /): a
 * container could point /etc/hosts at any host file. So each component is resolved by hand
 * inside the container root (absolute links restart at that root, ".." cannot climb out),
 * the last one is taken with O_PATH|O_NOFOLLOW and its type checked before anything is
 * opened for reading, and only a regular file is read, at most maxBytes of it — a device
 * node is never opened, a FIFO cannot block, /dev/zero cannot flood the server.
 *
 * Where the small native helper is built (native/read-in-root.c), the kernel does the walk
 * instead: openat2 with RESOLVE_IN_ROOT resolves every link and ".." inside the root in one
 * step, so a directory swapped for a symlink mid-walk cannot escape either. Without it (no C
 * compiler) the walk below runs in JavaScript and that one race remains.
 */

const MAX_LINKS = 40;

export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
}

/** The host path of `inner` resolved inside `root`, never leaving it. */
export async function resolveInRoot(root: string, inner: string): Promise<string> {
  const pending = inner.split('/').filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (pending.length) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const candidate = path.join(root, ...done, part);
    const st = await lstat(candidate);
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new UnsafePathError(`too many symlinks under ${root}`);
      const target = await readlink(candidate);
      if (target.startsWith('/')) done.length = 0;
      pending.unshift(...target.split('/').filter(Boolean));
      continue;
    }
    done.push(part);
  }
  return path.join(root, ...done);
}

/**
 * Linux's O_PATH (not in Node's fs.constants): a handle on the inode that does not open it for
 * I/O, so a device driver's open or a FIFO's reader side is never triggered.
 */
const O_PATH = 0o10000000;

const HELPER_NAME = 'reachmap-read-in-root';

/** The built helper, when there is one (npm run build compiles it next to the server bundle). */
export const findReadHelper = (): string | null => findBuilt(HELPER_NAME, 'REACHMAP_READ_HELPER');

function readWithHelper(helper: string, root: string, inner: string, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      helper,
      [root, inner, String(maxBytes)],
      { timeout: 5_000, maxBuffer: maxBytes + 1024, encoding: 'buffer' },
      (err, out, errOut) => {
        if (!err) return resolve(out.toString('utf8'));
        const why = errOut.toString('utf8').trim().slice(0, 200) || err.message;
        const code = (err as { code?: unknown }).code;
        reject(
          code === 2 ? new UnsafePathError(`${inner} is not a regular file`) : new Error(`${inner}: ${why}`),
        );
      },
    );
  });
}

export async function readFileInRoot(
  root: string,
  inner: string,
  maxBytes = 256 * 1024,
  helper: string | null = findReadHelper(),
): Promise<string> {
  if (helper && root !== '/' && root !== '') return readWithHelper(helper, root, inner, maxBytes);
  const resolved = root === '/' || root === '' ? inner : await resolveInRoot(root, inner);
  // First a path-only handle, and its type; only a regular file is then opened for reading,
  // through that same handle (/proc/self/fd/N names the inode, not the path, so a file
  // swapped in after the check is not the one read).
  const handle = await open(resolved, O_PATH | constants.O_NOFOLLOW);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new UnsafePathError(`${inner} is not a regular file`);
    const fh = await open(`/proc/self/fd/${handle.fd}`, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const size = Math.min(st.size, maxBytes);
      const buf = Buffer.alloc(size);
      const { bytesRead } = await fh.read(buf, 0, size, 0);
      return buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } finally {
    await handle.close();
  }
}

/** A host path Docker manages (HostsPath, ResolvConfPath): regular file, bounded, no symlink. */
export async function readHostFile(file: string, maxBytes = 256 * 1024): Promise<string> {
  return readFileInRoot('/', file, maxBytes);
}
