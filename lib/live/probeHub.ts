import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { diagnoseProbes } from '../diagnose/probe';
import { log } from '../log';
import type {
  ProbeAllRequest,
  ProbeFailedMessage,
  ProbeProgress,
  ProbeRecord,
  ProbeStepMessage,
} from '../model/live';
import type { ProbeSpecInput } from '../model/probe';
import type { RunbookReport } from '../model/runbook';
import type { Finding, Topology } from '../model/topology';
import { initiatorGone, probePathKey } from '../probe/edges';
import { resolveInitiator } from '../probe/initiator';
import { probeAllTargets } from '../probe/probeAll';
import type { Prober } from '../probe/prober';
import { mapLimit } from '../util/concurrency';

/**
 * The dashboard's probe coordinator: runs single and probe-all actions with bounded
 * concurrency, streams steps as they finish, and keeps the latest result of each path
 * (initiator → target → origin) so a reload or a second viewer sees the same edges.
 */

const MAX_IN_FLIGHT = 32;
/** Held WebSocket probes (up to 600 s each) at once: they must not take every slot. */
const MAX_HOLDS = 4;
const BATCH_CONCURRENCY = 6;
const MAX_BATCHES = 2;
const HISTORY = 400;
const RUNBOOKS_KEPT = 20;

interface HubEvents {
  step: [ProbeStepMessage];
  done: [ProbeRecord];
  failed: [ProbeFailedMessage];
  progress: [ProbeProgress];
}

const newId = () => randomBytes(6).toString('hex');
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class ProbeHub extends EventEmitter<HubEvents> {
  private inFlight = 0;
  private holds = 0;
  private batches = 0;
  private latest = new Map<string, ProbeRecord>();
  private reports: RunbookReport[] = [];

  constructor(private readonly probes: Prober) {
    super();
  }

  history(): ProbeRecord[] {
    return [...this.latest.values()];
  }

  /**
   * Forgets the results of initiators that no longer exist (removed, not merely stopped):
   * their edges cannot be drawn, and their findings would speak of a container nobody can
   * see. On a host that churns, the results would otherwise outlive their containers until
   * the cap pushed them out. Returns how many were forgotten.
   */
  retain(t: Topology): number {
    let gone = 0;
    for (const [key, r] of this.latest)
      if (initiatorGone(t, r.initiator)) {
        this.latest.delete(key);
        gone++;
      }
    return gone;
  }

  /** Why the kept results look as they do: probe-informed findings over the current topology. */
  findings(t: Topology | null): Finding[] {
    if (!t) return [];
    try {
      return diagnoseProbes(
        t,
        this.history().flatMap((r) => (r.host ? [r.initiator, r.host] : [r.initiator])),
      );
    } catch (e) {
      // A rule bug must not take the server down; the probes themselves are still shown.
      log.error({ error: e instanceof Error ? e.message : String(e) }, 'diagnosing probes failed');
      return [];
    }
  }

  private remember(r: ProbeRecord): void {
    const key = probePathKey(r.initiator);
    this.latest.delete(key);
    this.latest.set(key, r);
    while (this.latest.size > HISTORY) this.latest.delete(this.latest.keys().next().value as string);
  }

  /** The last runbook reports, oldest first: what the dashboards show, so what a snapshot keeps. */
  runbooks(): RunbookReport[] {
    return [...this.reports];
  }

  keepRunbook(r: RunbookReport): void {
    this.reports = [...this.reports.filter((x) => x.id !== r.id), r].slice(-RUNBOOKS_KEPT);
  }

  /** Results produced elsewhere (a runbook) become edges and findings like any probe. */
  adopt(r: ProbeRecord): void {
    this.remember(r);
    this.emit('done', r);
  }

  /** Validates, then runs in the background; the id comes back at once. */
  async run(req: { spec: ProbeSpecInput; paired: boolean }, batchId: string | null = null): Promise<string> {
    if (this.inFlight >= MAX_IN_FLIGHT)
      throw new Error(`too many probes in flight (${MAX_IN_FLIGHT}); wait for some to finish`);
    const held = (req.spec.wsHoldMs ?? 0) > 0;
    if (held && this.holds >= MAX_HOLDS)
      throw new Error(`${MAX_HOLDS} held WebSocket probes are running already; wait for one to end`);
    // Take the slot before the first await: requests sent in one tick all pass the check
    // above before any of them would otherwise count.
    this.inFlight++;
    if (held) this.holds++;
    try {
      await this.probes.validate(req.spec);
    } catch (e) {
      this.inFlight--;
      if (held) this.holds--;
      throw e;
    }
    const pairId = newId();
    void this.execute(pairId, req, batchId, true).finally(() => {
      if (held) this.holds--;
    });
    return pairId;
  }

  private async execute(
    pairId: string,
    req: { spec: ProbeSpecInput; paired: boolean },
    batchId: string | null,
    /** The caller already holds a slot (run() takes it before validating). */
    reserved = false,
  ): Promise<boolean> {
    const { from, to } = req.spec;
    if (!reserved) this.inFlight++;
    try {
      const r = await this.probes.run(req.spec, {
        paired: req.paired,
        onStep: (side, _id, step) => this.emit('step', { pairId, side, from, to, step }),
      });
      const record: ProbeRecord = { ...r, pairId, batchId, at: new Date().toISOString() };
      this.remember(record);
      this.emit('done', record);
      return r.initiator.ok;
    } catch (e) {
      this.emit('failed', { pairId, batchId, from, to, error: message(e) });
      return false;
    } finally {
      this.inFlight--;
    }
  }

  /** Probe every discovered listener from one initiator, with progress. */
  async runAll(
    req: ProbeAllRequest & { mode: 'tcp' | 'http'; timeoutMs: number },
    topology: Parameters<typeof resolveInitiator>[0],
  ): Promise<string> {
    const init = resolveInitiator(topology, req.from);
    const targets = probeAllTargets(topology, init, req.mode);
    const first = targets[0];
    if (!first)
      throw new Error(
        `no listeners reachable in principle from ${init.container?.name ?? 'the host'} (no shared network with any listening namespace)`,
      );
    // A batch whose probes the prober refuses anyway (a replayed topology has no engine) is
    // refused whole, with the prober's reason, instead of failing target by target.
    await this.probes.validate({ from: req.from, to: first.to, timeoutMs: req.timeoutMs });
    // Counted after the await, so the check and the increment cannot interleave with another batch.
    if (this.batches >= MAX_BATCHES)
      throw new Error('a probe-all is already running twice; wait for one to finish');
    const batchId = newId();
    const from = req.from;
    this.batches++;
    let done = 0;
    let failed = 0;
    const progress = (finished: boolean) =>
      this.emit('progress', { batchId, from, done, total: targets.length, failed, finished });
    progress(false);
    void mapLimit(targets, BATCH_CONCURRENCY, async (tg) => {
      const ok = await this.execute(
        newId(),
        { spec: { from, to: tg.to, timeoutMs: req.timeoutMs }, paired: false },
        batchId,
      );
      done++;
      if (!ok) failed++;
      progress(false);
    }).finally(() => {
      this.batches--;
      progress(true);
    });
    return batchId;
  }
}
