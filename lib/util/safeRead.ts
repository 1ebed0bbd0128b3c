import { constants } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reading a file inside a container's root (/proc/<pid>/root/...) as root, safely.
 *
 * Symlinks found there would resolve against Reachmap's own root (the host's /): a
 * container could point /etc/hosts at any host file. So each component is resolved by hand
 * inside the container root (absolute links restart at that root, ".." cannot climb out),
 * the last one is opened with O_NOFOLLOW|O_NONBLOCK, and only a regular file is read, at
 * most maxBytes of it — a FIFO or /dev/zero cannot block or flood the server.
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

export async function readFileInRoot(root: string, inner: string, maxBytes = 256 * 1024): Promise<string> {
  const resolved = root === '/' || root === '' ? inner : await resolveInRoot(root, inner);
  const fh = await open(resolved, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new UnsafePathError(`${inner} is not a regular file`);
    const size = Math.min(st.size, maxBytes);
    const buf = Buffer.alloc(size);
    const { bytesRead } = await fh.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** A host path Docker manages (HostsPath, ResolvConfPath): regular file, bounded, no symlink. */
export async function readHostFile(file: string, maxBytes = 256 * 1024): Promise<string> {
  return readFileInRoot('/', file, maxBytes);
}
