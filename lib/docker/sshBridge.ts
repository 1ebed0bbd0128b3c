import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { DockerEndpoint } from './endpoint';

type SshEndpoint = Extract<DockerEndpoint, { kind: 'ssh' }>;

/**
 * An ssh:// engine reached as the Docker CLI reaches it: one `ssh [user@]host docker system
 * dial-stdio` per connection, which speaks the engine's API on its stdin and stdout. A
 * private unix socket stands in front of it, so every client (dockerode, the kept-alive
 * inspects, the events stream) talks to a socket as it would to a local engine; ssh's own
 * config, agent, keys and known_hosts apply, and it never prompts (BatchMode).
 */
export interface SshBridge {
  /** The local socket in front of the remote engine. */
  socketPath: string;
  /** What ssh said when the last connection failed (auth, host key, no docker there), or null. */
  lastError(): string | null;
  close(): void;
}

/**
 * ssh's argv for one connection: the Docker CLI's (`ssh -T host docker system dial-stdio`),
 * never prompting, with an optional -F, multiplexed over the bridge's master connection when
 * `control` names its socket (a connection then costs a channel, not a key exchange).
 */
export function sshArgs(e: SshEndpoint, control: string | null = null): string[] {
  return [
    ...common(e),
    ...(control ? ['-o', 'ControlMaster=no', '-S', control] : []),
    '-T',
    '--',
    e.host,
    'docker',
    'system',
    'dial-stdio',
  ];
}

/**
 * The master connection the others multiplex over, in the foreground; its remote `cat`
 * reads the stdin only Reachmap holds, so it ends when Reachmap does.
 */
export function sshMasterArgs(e: SshEndpoint, control: string): string[] {
  return [...common(e), '-o', 'ControlPersist=no', '-M', '-S', control, '-T', '--', e.host, 'cat'];
}

function common(e: SshEndpoint): string[] {
  return [
    ...(e.sshConfig ? ['-F', e.sshConfig] : []),
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=10',
    ...(e.user ? ['-l', e.user] : []),
    ...(e.port ? ['-p', String(e.port)] : []),
  ];
}

export function openSshBridge(e: SshEndpoint, ssh = 'ssh'): SshBridge {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-ssh-'));
  const socketPath = path.join(dir, 'docker.sock');
  let last: string | null = null;
  const control = path.join(dir, 'master');
  const children = new Set<ReturnType<typeof spawn>>();
  let master: ReturnType<typeof spawn> | null = null;
  let masterReady: Promise<void> | null = null;
  const unref = (...hs: unknown[]) => {
    for (const h of hs) (h as { unref?: () => void } | null)?.unref?.();
  };

  // One authenticated connection, started with the first client and again after it dies;
  // until its socket appears, clients wait (a scan's first burst would otherwise be a
  // dozen key exchanges at once). Without it, each connection logs in on its own.
  const ensureMaster = (): Promise<void> => {
    if (master && master.exitCode === null && master.signalCode === null && masterReady) return masterReady;
    // Its stdin is a pipe that only this process holds: when Reachmap dies (even by SIGKILL)
    // the far side's `cat` ends and the master with it — no orphaned login.
    const m = spawn(ssh, sshMasterArgs(e, control), { stdio: ['pipe', 'ignore', 'pipe'] });
    master = m;
    unref(m, m.stdin, m.stderr);
    m.stdin?.on('error', () => undefined);
    let stderr = '';
    m.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString('utf8');
    });
    m.on('error', (err) => {
      last = `cannot run ssh: ${err.message}`;
    });
    masterReady = new Promise<void>((resolve) => {
      const end = Date.now() + 12_000;
      const poll = () => {
        if (existsSync(control) || m.exitCode !== null || m.signalCode !== null || Date.now() > end)
          return resolve();
        setTimeout(poll, 20).unref();
      };
      m.once('close', (code) => {
        if (code)
          last = `ssh ${e.display.slice('ssh://'.length)} exited ${code}: ${lastLine(stderr) || 'no message'}`;
        resolve();
      });
      poll();
    });
    return masterReady;
  };

  const server = net.createServer((conn) => {
    unref(conn);
    // Until ssh takes over, an error on the client's side only ends that connection.
    conn.on('error', () => conn.destroy());
    ensureMaster()
      .then(() => {
        if (!conn.destroyed) relay(conn);
      })
      .catch((err: unknown) => {
        last = `ssh: ${err instanceof Error ? err.message : String(err)}`;
        conn.destroy();
      });
  });

  const relay = (conn: net.Socket) => {
    const child = spawn(ssh, sshArgs(e, existsSync(control) ? control : null), {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    let stderr = '';
    let answered = false;
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString('utf8');
    });
    child.stdout?.once('data', () => {
      answered = true;
      last = null;
    });
    // The bridge's side never keeps the process alive: the client's side does while it
    // waits for an answer (a CLI exits once its idle kept-alive sockets are all that is left).
    unref(child, child.stdin, child.stdout, child.stderr);
    conn.pipe(child.stdin as NodeJS.WritableStream);
    // Ended on 'close' below, once ssh's stderr is read: the client learns why first.
    child.stdout?.pipe(conn, { end: false });
    child.stdin?.on('error', () => conn.destroy());
    conn.on('error', () => child.kill());
    conn.on('close', () => child.kill());
    child.on('error', (err) => {
      last = `cannot run ssh: ${err.message}`;
      conn.destroy();
    });
    child.on('close', (code) => {
      children.delete(child);
      // A connection that never got an answer failed in ssh (or in the remote docker): say why.
      if (!answered && code !== 0 && code !== null)
        last = `ssh ${e.display.slice('ssh://'.length)} exited ${code}: ${lastLine(stderr) || 'no message'}`;
      conn.end();
    });
  };
  // Listening on a unix path binds synchronously: the socket is usable when this returns.
  server.listen(socketPath);
  server.unref();
  const cleanup = () => {
    master?.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  return {
    socketPath,
    lastError: () => last,
    close() {
      server.close();
      for (const c of children) c.kill();
      master?.kill();
      cleanup();
      process.removeListener('exit', cleanup);
    },
  };
}

/** ssh's last meaningful line ("Permission denied (publickey).", "docker: command not found"). */
function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('Warning: Permanently added'));
  return (lines.at(-1) ?? '').slice(0, 300);
}
