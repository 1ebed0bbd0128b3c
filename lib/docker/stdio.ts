import { PassThrough, type Readable, type Writable } from 'node:stream';
import type Docker from 'dockerode';

/**
 * A program's stdin/stdout/stderr reached through the engine: `docker exec -i`, or a
 * short-lived helper container attached with `docker run -i`. Used to run the probe agent
 * where Reachmap cannot enter a namespace itself (no host PID visibility).
 */
export interface StdioSession {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable | null;
  onExit(cb: (why: string) => void): void;
  kill(): void;
}

/**
 * What a read-only socket proxy answers a write with: 401/403/405, or 414 when it does not
 * even take the request line (dockerode repeats a create's body in the query string).
 */
export function isWriteRefusal(e: unknown): boolean {
  const status = e && typeof e === 'object' ? (e as { statusCode?: number }).statusCode : undefined;
  return status === 401 || status === 403 || status === 405 || status === 414;
}

type Hijacked = NodeJS.ReadWriteStream & { end: (chunk?: unknown) => void; destroy?: () => void };

function demux(api: Docker, stream: Hijacked): { stdout: PassThrough; stderr: PassThrough } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  api.modem.demuxStream(stream, stdout, stderr);
  stream.on('end', () => {
    stdout.end();
    stderr.end();
  });
  return { stdout, stderr };
}

export async function execSession(api: Docker, containerId: string, cmd: string[]): Promise<StdioSession> {
  const exec = await api
    .getContainer(containerId)
    .exec({ Cmd: cmd, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as Hijacked;
  const { stdout, stderr } = demux(api, stream);
  return {
    stdin: stream as unknown as Writable,
    stdout,
    stderr,
    onExit: (cb) => {
      const done = async () => {
        const info = await exec.inspect().catch(() => null);
        cb(`exited (${info?.ExitCode ?? '?'})`);
      };
      stream.on('end', done);
      stream.on('error', (e: Error) => cb(`stream error: ${e.message}`));
    },
    kill: () => stream.destroy?.(),
  };
}

export interface HelperOptions {
  image: string;
  /** "container:<id>" or "host". */
  networkMode: string;
  cmd: string[];
  binds: string[];
}

export async function helperSession(api: Docker, opts: HelperOptions): Promise<StdioSession> {
  const container = await api.createContainer({
    Image: opts.image,
    Cmd: opts.cmd,
    Entrypoint: [],
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Labels: { 'io.reachmap.helper': 'probe-agent' },
    HostConfig: {
      NetworkMode: opts.networkMode,
      AutoRemove: true,
      Binds: opts.binds,
      // The agent needs no privilege: it opens ordinary sockets in the joined namespace.
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Memory: 128 * 1024 * 1024,
      PidsLimit: 64,
    },
  });
  let stream: Hijacked | null = null;
  let pipes: ReturnType<typeof demux>;
  try {
    stream = (await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    })) as unknown as Hijacked;
    pipes = demux(api, stream);
    await container.start();
  } catch (e) {
    // AutoRemove applies only to a container that ran: one that never started stays behind.
    stream?.destroy?.();
    await container.remove({ force: true }).catch(() => {});
    throw e;
  }
  const { stdout, stderr } = pipes;
  return {
    stdin: stream as unknown as Writable,
    stdout,
    stderr,
    onExit: (cb) => {
      container.wait().then(
        (r: { StatusCode?: number }) => cb(`helper container exited (${r.StatusCode ?? '?'})`),
        (e: Error) => cb(`helper container: ${e.message}`),
      );
    },
    kill: () => {
      container.remove({ force: true }).catch(() => {});
    },
  };
}

/** Whether a command runs in the container (e.g. ["node", "-e", "0"]). */
export async function commandWorks(api: Docker, containerId: string, cmd: string[]): Promise<boolean> {
  try {
    const exec = await api
      .getContainer(containerId)
      .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('error', () => resolve());
      stream.resume();
      setTimeout(() => {
        (stream as unknown as { destroy?: () => void }).destroy?.();
        resolve();
      }, 5000).unref();
    });
    return (await exec.inspect()).ExitCode === 0;
  } catch (e) {
    // A refused exec says nothing about the container: let the caller say what was refused.
    if (isWriteRefusal(e)) throw e;
    return false;
  }
}
