import type { RunnerKind } from '../../model/probe';

/**
 * Which runner executes a probe inside the initiator's namespace. Pure, so every branch is
 * testable: the same namespace as Reachmap → a separate agent process beside it (or, with no
 * agent built or when asked, Reachmap's own process); host PID visibility and root → nsenter; else the container's own node via `docker exec`; else a helper container joined
 * to the namespace. When none fits, the error says what each one lacked.
 */

export type RunnerSetting = 'auto' | 'process' | 'in-process' | 'nsenter' | 'exec' | 'helper-container';

export interface RunnerFacts {
  setting: RunnerSetting;
  initiator: 'host' | 'container';
  /** The initiator's netns is Reachmap's own. */
  sameNamespace: boolean;
  /** /proc/<pid> of a process in that namespace is visible to Reachmap. */
  pid: number | null;
  root: boolean;
  nsenter: boolean;
  agentBuilt: boolean;
  docker: boolean;
  helperImage: string | null;
  /** Asked lazily (costs an exec): whether `node` runs inside the container. */
  containerHasNode: () => Promise<boolean>;
}

export type RunnerChoice = { kind: RunnerKind } | { kind: null; why: string };

export async function chooseRunner(f: RunnerFacts): Promise<RunnerChoice> {
  const reasons: string[] = [];
  const want = (k: RunnerSetting) => f.setting === 'auto' || f.setting === k;

  if (want('process')) {
    if (!f.sameNamespace) reasons.push('process: Reachmap does not live in that namespace');
    else if (f.agentBuilt) return { kind: 'process' };
    else reasons.push('process: probe agent not built');
  }
  // Only when asked for, or when no agent is built: a hostile peer then meets the server itself.
  if (f.setting === 'in-process' || (f.setting === 'auto' && !f.agentBuilt)) {
    if (f.sameNamespace) return { kind: 'in-process' };
    reasons.push('in-process: Reachmap does not live in that namespace');
  }
  if (want('nsenter')) {
    const lack = [
      !f.pid && 'no visible process (host PID namespace needed)',
      !f.root && 'not root (setns needs CAP_SYS_ADMIN)',
      !f.nsenter && 'nsenter not installed',
      !f.agentBuilt && 'probe agent not built',
    ].filter(Boolean);
    if (lack.length === 0) return { kind: 'nsenter' };
    reasons.push(`nsenter: ${lack.join(', ')}`);
  }
  if (want('exec')) {
    if (f.initiator === 'host') reasons.push('exec: the host is not a container');
    else if (!f.docker) reasons.push('exec: no Docker client');
    else if (!f.agentBuilt) reasons.push('exec: probe agent not built');
    else if (await f.containerHasNode()) return { kind: 'exec' };
    else reasons.push('exec: the container has no `node`');
  }
  if (want('helper-container')) {
    if (!f.docker) reasons.push('helper-container: no Docker client');
    else if (!f.helperImage) reasons.push('helper-container: REACHMAP_HELPER_IMAGE is not set');
    else if (!f.agentBuilt) reasons.push('helper-container: probe agent not built');
    else return { kind: 'helper-container' };
  }
  return { kind: null, why: reasons.join('; ') };
}
