import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ProbeStep } from '../../model/probe';
import type { AgentMessage, AgentRequest } from '../agent/protocol';

/**
 * A long-lived probe agent inside one namespace: started once (~80 ms for node), then each
 * probe costs about a millisecond (shared/docs/performance-facts.md). Requests are
 * multiplexed by id over stdin/stdout. Idle agents exit on their own.
 */

const READY_TIMEOUT_MS = 10_000;
const IDLE_MS = 60_000;

interface Pending {
  steps: ProbeStep[];
  onStep: (s: ProbeStep) => void;
  resolve: (steps: ProbeStep[]) => void;
  reject: (e: Error) => void;
}

export class AgentProcess {
  private child: ChildProcessWithoutNullStreams | null = null;
  private ready: Promise<void> | null = null;
  private pending = new Map<string, Pending>();
  private idle: NodeJS.Timeout | null = null;
  private stderr = '';
  exited = false;

  constructor(
    private readonly argv: string[],
    readonly label: string,
    private readonly onExit: () => void,
  ) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    this.ready = new Promise<void>((resolve, reject) => {
      const [cmd, ...args] = this.argv as [string, ...string[]];
      const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      this.child = child;
      const timer = setTimeout(() => {
        reject(
          new Error(
            `probe agent (${this.label}) did not start within ${READY_TIMEOUT_MS} ms: ${this.stderr.trim() || 'no output'}`,
          ),
        );
        child.kill('SIGKILL');
      }, READY_TIMEOUT_MS);
      child.stderr.on('data', (d: Buffer) => {
        this.stderr = (this.stderr + d.toString()).slice(-2000);
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot start probe agent (${this.label}): ${e.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        this.exited = true;
        const why = new Error(
          `probe agent (${this.label}) exited (${signal ?? code}): ${this.stderr.trim().split('\n').slice(-2).join(' ') || 'no output'}`,
        );
        reject(why);
        for (const p of this.pending.values()) p.reject(why);
        this.pending.clear();
        this.onExit();
      });
      createInterface({ input: child.stdout }).on('line', (line) => {
        let m: AgentMessage;
        try {
          m = JSON.parse(line) as AgentMessage;
        } catch {
          return;
        }
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolve();
          return;
        }
        const p = this.pending.get(m.id);
        if (!p) return;
        if (m.type === 'step') {
          p.steps.push(m.step);
          p.onStep(m.step);
        } else if (m.type === 'done') {
          this.pending.delete(m.id);
          p.resolve(p.steps);
        } else if (m.type === 'error') {
          this.pending.delete(m.id);
          p.reject(new Error(m.error));
        }
        this.touch();
      });
    });
    return this.ready;
  }

  private touch(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.pending.size === 0) this.stop();
      else this.touch();
    }, IDLE_MS);
    this.idle.unref();
  }

  async run(req: AgentRequest, onStep: (s: ProbeStep) => void): Promise<ProbeStep[]> {
    await this.start();
    this.touch();
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, { steps: [], onStep, resolve, reject });
      this.child?.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }

  stop(): void {
    if (this.idle) clearTimeout(this.idle);
    this.child?.stdin.end();
    const c = this.child;
    setTimeout(() => c?.kill('SIGKILL'), 1000).unref();
  }
}

/** One agent per namespace entry point, reused while it lives. */
export class AgentPool {
  private agents = new Map<string, AgentProcess>();

  get(key: string, argv: string[], label: string): AgentProcess {
    const existing = this.agents.get(key);
    if (existing && !existing.exited) return existing;
    const a = new AgentProcess(argv, label, () => {
      if (this.agents.get(key) === a) this.agents.delete(key);
    });
    this.agents.set(key, a);
    return a;
  }

  get size(): number {
    return this.agents.size;
  }

  close(): void {
    for (const a of this.agents.values()) a.stop();
    this.agents.clear();
  }
}
