import type { Selection, SideTab } from './store';

/**
 * The view in the URL's query (?project=…&tab=…&sel=kind:id), so a link opens where its
 * author was looking: the compose-project filter, the open side tab, and the selected
 * container, namespace, network, probe edge or runbook. Pure.
 */

export interface UrlView {
  project: string | null;
  tab: SideTab | null;
  selection: Selection;
}

const TABS: readonly SideTab[] = ['findings', 'probe', 'review', 'snapshots', 'diff'];
const KINDS = ['container', 'namespace', 'network', 'probe', 'runbook'] as const;
const MAX = 2048;

export function viewToQuery(v: UrlView): string {
  const q = new URLSearchParams();
  if (v.project) q.set('project', v.project);
  if (v.tab && v.tab !== 'findings') q.set('tab', v.tab);
  if (v.selection) q.set('sel', `${v.selection.kind}:${v.selection.id}`);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Whatever the query holds that is well-formed; anything else is ignored, never an error. */
export function queryToView(search: string): UrlView {
  const q = new URLSearchParams(search.length > MAX * 3 ? '' : search);
  const project = q.get('project');
  const tab = q.get('tab') as SideTab | null;
  const sel = q.get('sel');
  let selection: Selection = null;
  if (sel) {
    const i = sel.indexOf(':');
    const kind = sel.slice(0, i) as (typeof KINDS)[number];
    const id = sel.slice(i + 1);
    if (i > 0 && KINDS.includes(kind) && id && id.length <= MAX) selection = { kind, id };
  }
  return {
    project: project && project.length <= 256 ? project : null,
    tab: tab && TABS.includes(tab) ? tab : null,
    selection,
  };
}
