import type { Container, Topology } from '../model/topology';

/**
 * Groups are what a large host is first shown as: one card per compose project, and for
 * containers outside compose one per network they sit on (the way operators think of
 * "the stack" or "that network"). Pure and cheap: computed from the model on every build.
 */

export type GroupKind = 'project' | 'network' | 'other';

export interface GroupRef {
  key: string;
  kind: GroupKind;
  label: string;
}

/** More containers than this on screen (and more than one group): groups start collapsed. */
export const COLLAPSE_ABOVE = 30;

const OTHER: GroupRef = { key: 'other', kind: 'other', label: 'standalone containers' };

export const groupNodeId = (key: string) => `grp:${key}`;

/** The group a container belongs to. Host-network containers live in the host box instead. */
export function groupOf(c: Pick<Container, 'compose' | 'attachments' | 'networks'>): GroupRef {
  const project = c.compose?.project;
  if (project) return { key: `p:${project}`, kind: 'project', label: project };
  const net = c.attachments[0]?.networkName ?? c.networks[0];
  if (net && net !== 'host' && net !== 'none') return { key: `n:${net}`, kind: 'network', label: net };
  return OTHER;
}

/** Order groups are laid out in: projects, then networks, then the rest; by name within. */
export function compareGroups(a: GroupRef, b: GroupRef): number {
  const rank = { project: 0, network: 1, other: 2 } as const;
  return rank[a.kind] - rank[b.kind] || a.label.localeCompare(b.label);
}

export interface ExpansionInput {
  /** Explicit choices (a click on a group, a search hit): group key → expanded. */
  expanded?: Record<string, boolean>;
  /** The project filter: its group is the whole picture, so it is open. */
  project?: string | null;
}

/** Whether a group is drawn open: an explicit choice wins; a small host starts open. */
export function isExpanded(
  key: string,
  visibleContainers: number,
  groupCount: number,
  input: ExpansionInput,
): boolean {
  const chosen = input.expanded?.[key];
  if (chosen !== undefined) return chosen;
  if (input.project && key === `p:${input.project}`) return true;
  return groupCount <= 1 || visibleContainers <= COLLAPSE_ABOVE;
}

/** The group keys a topology has, for "expand all" / "collapse all". */
export function groupKeys(t: Topology): string[] {
  return [...new Set(t.containers.filter((c) => c.networkModeKind !== 'host').map((c) => groupOf(c).key))];
}
