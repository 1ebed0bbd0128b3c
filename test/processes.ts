import { readdirSync, readFileSync } from 'node:fs';

/** Processes as the kernel lists them, for tests that check nothing is left running. */

function read(pid: string, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

const pids = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p));

/** Probe agents whose parent is `ppid` (nsenter and setpriv exec into the agent). */
export function agentsOf(ppid: number): number[] {
  return pids()
    .filter((p) => {
      const argv = read(p, 'cmdline')?.split('\0') ?? [];
      const parent = /PPid:\s+(\d+)/.exec(read(p, 'status') ?? '')?.[1];
      return argv.some((a) => a.endsWith('probe-agent.mjs')) && Number(parent) === ppid;
    })
    .map(Number);
}

/** The Reachmap server listening on `port` (started as `node dist/server.js --port N`). */
export function serverPid(port: number): number | null {
  const hit = pids().find((p) => {
    const argv = read(p, 'cmdline')?.split('\0') ?? [];
    const i = argv.indexOf('--port');
    return argv.some((a) => a.endsWith('dist/server.js')) && i > 0 && argv[i + 1] === String(port);
  });
  return hit ? Number(hit) : null;
}

/** Running, and not a zombie waiting for its parent. */
export const alive = (pid: number) => {
  const status = read(String(pid), 'status');
  return status !== null && !status.includes('State:\tZ');
};

/** Resident memory in MB, or -1 when the process is gone. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(read(String(pid), 'status') ?? '');
  return m ? Math.round(Number(m[1]) / 1024) : -1;
}
