import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * A second, real dockerd of our own, so a test can stop and start an engine without taking
 * the lab (and every other test) down with it. It runs in a network namespace of its own
 * (`unshare --net`): a dockerd in the host's namespace with `--bridge=none` deletes the
 * host's docker0, and one with a bridge would touch the host's packet filter. Its containers
 * use `--network none`; the lab's engine never sees them.
 */
export class ThrowawayEngine {
  readonly socket: string;
  readonly host: string;
  private child: ChildProcess | null = null;

  constructor(readonly dir: string) {
    this.socket = path.join(dir, 'docker.sock');
    this.host = `unix://${this.socket}`;
  }

  /** Starts dockerd and resolves once it answers. */
  async start(timeoutMs = 30_000): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const log = openSync(path.join(this.dir, 'dockerd.log'), 'a');
    this.child = spawn(
      'unshare',
      [
        '--net',
        'dockerd',
        '--data-root',
        path.join(this.dir, 'data'),
        '--exec-root',
        path.join(this.dir, 'exec'),
        '--pidfile',
        path.join(this.dir, 'docker.pid'),
        '--host',
        this.host,
        '--bridge=none',
        '--iptables=false',
        '--ip6tables=false',
        '--ip-masq=false',
      ],
      { stdio: ['ignore', log, log] },
    );
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`dockerd exited: ${this.logTail()}`);
      if (this.answers()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`dockerd did not answer within ${timeoutMs} ms: ${this.logTail()}`);
  }

  /** Stops dockerd as a service manager does (SIGTERM) and resolves once it has exited. */
  async stop(timeoutMs = 30_000): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** The docker CLI against this engine. */
  docker(...args: string[]): string {
    return execFileSync('docker', ['--host', this.host, ...args], { encoding: 'utf8' }).trim();
  }

  /** Copies an image from the default engine (no registry here). */
  loadImage(image: string): void {
    const tar = path.join(this.dir, 'image.tar');
    execFileSync('docker', ['save', '-o', tar, image]);
    this.docker('load', '-i', tar);
    rmSync(tar, { force: true });
  }

  /** Stops the engine and removes what it stored (its containers go with it). */
  async destroy(): Promise<void> {
    if (this.child && this.answers()) {
      const ids = this.docker('ps', '-aq').split('\n').filter(Boolean);
      if (ids.length > 0) this.docker('rm', '-f', ...ids);
    }
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private answers(): boolean {
    try {
      execFileSync('docker', ['--host', this.host, 'version', '--format', '{{.Server.Version}}'], {
        stdio: 'ignore',
        timeout: 5_000,
      });
      return true;
    } catch {
      return false;
    }
  }

  private logTail(): string {
    const file = path.join(this.dir, 'dockerd.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-5).join('\n') : '(no log)';
  }
}
