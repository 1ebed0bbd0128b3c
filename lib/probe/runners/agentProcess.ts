import { createInterface } from 'node:readline';
import type { ProbeStep } from '../../model/probe';
import type { AgentMessage, AgentRequest } from '../agent/protocol';
import type { AgentTransport } from './transport';

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
  onStart: (epochMs: number) => void;
  resolve: (steps: ProbeStep[]) => void;
  reject: (e: Error) => void;
}

export class AgentProcess {
  private transport: AgentTransport | null = null;
  private ready: Promise<void> | null = null;
  private pending = new Map<string, Pending>();
  private idle: NodeJS.Timeout | null = null;
  private stderr = '';
  exited = false;

  constructor(
    private readonly open: () => Promise<AgentTransport>,
    readonly label: string,
    private readonly onExit: () => void,
  ) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    this.ready = new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      const exited = (why: string) => {
        if (timer) clearTimeout(timer);
        if (this.exited) return;
        this.exited = true;
        const err = new Error(
          `probe agent (${this.label}) ${why}: ${this.stderr.trim().split('\n').slice(-2).join(' ') || 'no output'}`,
        );
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        this.onExit();
      };
      this.open().then(
        (t) => {
          this.transport = t;
          timer = setTimeout(() => {
            reject(
              new Error(
                `probe agent (${this.label}) did not start within ${READY_TIMEOUT_MS} ms: ${this.stderr.trim() || 'no output'}`,
              ),
            );
            t.kill();
          }, READY_TIMEOUT_MS);
          t.stderr?.on('data', (d: Buffer) => {
            this.stderr = (this.stderr + d.toString()).slice(-2000);
          });
          t.onExit(exited);
          t.stdin.on('error', () => {}); // a dead agent surfaces through onExit
          createInterface({ input: t.stdout }).on('line', (line) => {
            let m: AgentMessage;
            try {
              m = JSON.parse(line) as AgentMessage;
            } catch {
              return;
            }
            if (m.type === 'ready') {
              if (timer) clearTimeout(timer);
              resolve();
              return;
            }
            this.dispatch(m);
          });
        },
        (e: unknown) => exited(`could not start (${e instanceof Error ? e.message : String(e)})`),
      );
    });
    return this.ready;
  }

  private dispatch(m: AgentMessage): void {
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'started') p.onStart(m.at);
    else if (m.type === 'step') {
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
  }

  private touch(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.pending.size === 0) this.stop();
      else this.touch();
    }, IDLE_MS);
    this.idle.unref();
  }

  async run(
    req: AgentRequest,
    onStep: (s: ProbeStep) => void,
    onStart: (epochMs: number) => void = () => {},
  ): Promise<ProbeStep[]> {
    await this.start();
    this.touch();
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, { steps: [], onStep, onStart, resolve, reject });
      this.transport?.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }

  stop(): void {
    if (this.idle) clearTimeout(this.idle);
    const t = this.transport;
    t?.stdin.end();
    setTimeout(() => t?.kill(), 1000).unref();
  }
}

/** One agent per namespace entry point, reused while it lives. */
export class AgentPool {
  private agents = new Map<string, AgentProcess>();

  get(key: string, open: () => Promise<AgentTransport>, label: string): AgentProcess {
    const existing = this.agents.get(key);
    if (existing && !existing.exited) return existing;
    const a = new AgentProcess(open, label, () => {
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
