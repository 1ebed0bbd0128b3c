import { spawn } from 'node:child_process';
import type { StdioSession } from '../../docker/stdio';

/**
 * How a probe agent's stdin/stdout are reached: a local child process (nsenter), or a
 * stream the Docker engine hijacks for `exec` or a helper container (lib/docker/stdio).
 */
export type AgentTransport = StdioSession;

export function spawnTransport(argv: string[]): AgentTransport {
  const [cmd, ...args] = argv as [string, ...string[]];
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    onExit: (cb) => {
      child.on('error', (e) => cb(`cannot start ${cmd}: ${e.message}`));
      child.on('exit', (code, signal) => cb(`exited (${signal ?? code})`));
    },
    kill: () => child.kill('SIGKILL'),
  };
}
