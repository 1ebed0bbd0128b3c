import { ProbeStep } from '../../model/probe';
import { type AgentRequest, LARGE_BUDGET_MS } from '../agent/protocol';
import type { AgentTransport } from './transport';

/**
 * A long-lived probe agent inside one namespace: started once (~80 ms for node), then each
 * probe costs about a millisecond (shared/docs/performance-facts.md). Requests are
 * multiplexed by id over stdin/stdout. Idle agents exit on their own.
 *
 * The agent's output is untrusted (with the exec runner it is the container's own node):
 * lines are bounded, every message is validated, and every request has a deadline after
 * which the agent is killed rather than waited on.
 */

const READY_TIMEOUT_MS = 10_000;
const IDLE_MS = 60_000;
/**
 * Each agent is a Node process (≈ 40 MB) that also keeps its namespace alive: under churn,
 * agents of removed containers must not pile up until their idle timeout.
 */
const MAX_AGENTS = 12;
/** Beyond the probe's own timeout and WebSocket window. */
const DEADLINE_MARGIN_MS = 5_000;
const MAX_LINE = 4 * 1024 * 1024;

interface Pending {
  steps: ProbeStep[];
  onStep: (s: ProbeStep) => void;
  onStart: (epochMs: number) => void;
  resolve: (steps: ProbeStep[]) => void;
  reject: (e: Error) => void;
  deadline: NodeJS.Timeout;
}

type Message =
  | { id: string; type: 'ready' | 'done' }
  | { id: string; type: 'started'; at: number }
  | { id: string; type: 'step'; step: ProbeStep }
  | { id: string; type: 'error'; error: string };

/** One line of agent output → a message, or null when it is not one we accept. */
export function parseAgentLine(line: string): Message | null {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return null;
  }
  if (!m || typeof m !== 'object') return null;
  const o = m as Record<string, unknown>;
  if (typeof o.id !== 'string') return null;
  switch (o.type) {
    case 'ready':
    case 'done':
      return { id: o.id, type: o.type };
    case 'started':
      return typeof o.at === 'number' && Number.isFinite(o.at)
        ? { id: o.id, type: 'started', at: o.at }
        : null;
    case 'error':
      // Only a string is taken: String() on a hostile object can throw or recurse without end.
      return {
        id: o.id,
        type: 'error',
        error: ['string', 'number', 'boolean'].includes(typeof o.error)
          ? String(o.error).slice(0, 500)
          : 'the agent reported an error without text',
      };
    case 'step': {
      const step = ProbeStep.safeParse(o.step);
      return step.success ? { id: o.id, type: 'step', step: step.data } : null;
    }
    default:
      return null;
  }
}

export class AgentProcess {
  private transport: AgentTransport | null = null;
  private ready: Promise<void> | null = null;
  private pending = new Map<string, Pending>();
  private idle: NodeJS.Timeout | null = null;
  private stderr = '';
  private retired = false;
  /** Probes handed to run() and not yet registered (the agent may still be starting). */
  private claims = 0;
  exited = false;
  /** When a probe last went in or came out (for the pool's least-recently-used choice). */
  usedAt = Date.now();

  constructor(
    private readonly open: () => Promise<AgentTransport>,
    readonly label: string,
    private readonly onExit: () => void,
  ) {}

  /** Mark dead, fail what is pending, leave the pool — once. */
  private die(why: string): Error {
    const err = new Error(
      `probe agent (${this.label}) ${why}: ${this.stderr.trim().split('\n').slice(-2).join(' ') || 'no output'}`,
    );
    if (this.exited) return err;
    this.exited = true;
    if (this.idle) clearTimeout(this.idle);
    for (const p of this.pending.values()) {
      clearTimeout(p.deadline);
      p.reject(err);
    }
    this.pending.clear();
    this.onExit();
    const t = this.transport;
    t?.stdin.end();
    setTimeout(() => t?.kill(), 1000).unref();
    return err;
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    this.ready = new Promise<void>((resolve, reject) => {
      this.open().then(
        (t) => {
          // Stopped while it was starting (evicted, retired): end what just came up.
          if (this.exited) {
            t.stdin.end();
            setTimeout(() => t.kill(), 1000).unref();
            reject(new Error(`probe agent (${this.label}) was stopped while it started`));
            return;
          }
          this.transport = t;
          const timer = setTimeout(
            () => reject(this.die(`did not start within ${READY_TIMEOUT_MS} ms`)),
            READY_TIMEOUT_MS,
          );
          t.stderr?.on('data', (d: Buffer) => {
            this.stderr = (this.stderr + d.toString()).slice(-2000);
          });
          t.onExit((why) => {
            clearTimeout(timer);
            reject(this.die(why));
          });
          t.stdin.on('error', () => {}); // a dead agent surfaces through onExit
          let buf = '';
          t.stdout.on('data', (chunk: Buffer | string) => {
            buf += chunk.toString();
            if (buf.length > MAX_LINE) {
              reject(this.die('sent a line larger than 4 MiB'));
              return;
            }
            let nl = buf.indexOf('\n');
            while (nl >= 0) {
              const m = parseAgentLine(buf.slice(0, nl));
              buf = buf.slice(nl + 1);
              nl = buf.indexOf('\n');
              if (!m) continue;
              if (m.type === 'ready') {
                clearTimeout(timer);
                resolve();
              } else this.dispatch(m);
            }
          });
        },
        (e: unknown) => reject(this.die(`could not start (${e instanceof Error ? e.message : String(e)})`)),
      );
    });
    return this.ready;
  }

  private dispatch(m: Message): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'started') p.onStart(m.at);
    else if (m.type === 'step') {
      p.steps.push(m.step);
      p.onStep(m.step);
    } else if (m.type === 'done' || m.type === 'error') {
      clearTimeout(p.deadline);
      this.pending.delete(m.id);
      if (m.type === 'error') p.reject(new Error(m.error));
      else p.resolve(p.steps);
    }
    this.touch();
    if (this.retired && this.pending.size === 0) this.stop();
  }

  get busy(): boolean {
    return this.pending.size > 0 || this.claims > 0;
  }

  /** Stop now when idle, else as soon as the probes in flight end (its namespace is gone). */
  retire(): void {
    this.retired = true;
    if (!this.busy) this.stop();
  }

  private touch(): void {
    this.usedAt = Date.now();
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
    this.claims++;
    try {
      await this.start();
    } finally {
      this.claims--;
    }
    if (this.exited) throw new Error(`probe agent (${this.label}) is gone`);
    this.touch();
    return new Promise((resolve, reject) => {
      const limit =
        req.timeoutMs +
        req.wsWindowMs +
        (req.wsHoldMs ?? 0) +
        (req.large ? LARGE_BUDGET_MS : 0) +
        DEADLINE_MARGIN_MS;
      // A frozen agent (a paused container, a wedged exec) must not hold the probe forever.
      const deadline = setTimeout(() => this.die(`did not finish a probe within ${limit} ms`), limit);
      this.pending.set(req.id, { steps: [], onStep, onStart, resolve, reject, deadline });
      this.transport?.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }

  stop(): void {
    this.die('stopped');
  }
}

/** One agent per namespace entry point, reused while it lives; at most `max`, the least recently used idle one goes first. */
export class AgentPool {
  private agents = new Map<string, AgentProcess>();

  constructor(private readonly max = MAX_AGENTS) {}

  get(key: string, open: () => Promise<AgentTransport>, label: string): AgentProcess {
    const existing = this.agents.get(key);
    if (existing && !existing.exited) return existing;
    if (this.agents.size >= this.max) {
      // Busy agents stay: the server-wide cap on probes in flight bounds how many those are.
      const idle = [...this.agents.values()].filter((a) => !a.busy).sort((a, b) => a.usedAt - b.usedAt);
      idle[0]?.stop();
    }
    const a = new AgentProcess(open, label, () => {
      if (this.agents.get(key) === a) this.agents.delete(key);
    });
    this.agents.set(key, a);
    return a;
  }

  /** Retires every agent whose key `keep` rejects (its container stopped, went or restarted). */
  retain(keep: (key: string) => boolean): void {
    for (const [key, a] of this.agents) if (!keep(key)) a.retire();
  }

  get size(): number {
    return this.agents.size;
  }

  close(): void {
    for (const a of [...this.agents.values()]) a.stop();
    this.agents.clear();
  }
}
