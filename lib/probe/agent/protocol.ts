import type { ProbeKind, ProbeStep, ProbeTarget } from '../../model/probe';

/**
 * The agent runs inside the initiator's network namespace (lib/probe/runners). It gets
 * everything it needs in the request — the initiator's /etc/hosts and resolv.conf, the
 * addresses it may connect to — because `nsenter -n` changes only the network namespace.
 * One JSON request per line on stdin; JSON messages per line on stdout.
 */

/** How long the payload sweep (ProbeSpec.large) may take at most, on top of the probe's timeout. */
export const LARGE_BUDGET_MS = 24_000;

export interface ResolverConfig {
  /** Content of the initiator's /etc/hosts. */
  hosts: string;
  nameservers: string[];
  search: string[];
  ndots: number;
  /**
   * Read /etc/hosts and /etc/resolv.conf where the agent runs instead: Reachmap could not
   * read them, and the agent runs in the initiator's container (exec) or in a helper that
   * Docker gives the same files (`--network container:<id>` shares them).
   */
  fromAgentFiles?: boolean;
}

export interface AllowPolicy {
  /** Allow any address (an explicit operator setting). */
  all: boolean;
  addresses: string[];
  cidrs: string[];
}

export interface AgentRequest {
  id: string;
  target: ProbeTarget;
  kinds: ProbeKind[];
  origin: string | null;
  headers: Record<string, string>;
  timeoutMs: number;
  /** For tcp targets: ProbeSpec.holdMs (absent from older requests: 0). */
  tcpHoldMs?: number;
  /** For WebSocket probes: ProbeSpec.wsHoldMs and wsPingMs (absent: 0). */
  wsHoldMs?: number;
  wsPingMs?: number;
  /** ProbeSpec.large: a payload sweep after the HTTP / WebSocket steps (absent: false). */
  large?: boolean;
  /** How long to watch a WebSocket after the upgrade for an application verdict. */
  wsWindowMs: number;
  resolver: ResolverConfig;
  allow: AllowPolicy;
  userAgent: string;
}

export type AgentMessage =
  | { id: string; type: 'step'; step: ProbeStep }
  | { id: string; type: 'done' }
  | { id: string; type: 'error'; error: string }
  | { id: string; type: 'ready' }
  | { id: string; type: 'started'; at: number };
