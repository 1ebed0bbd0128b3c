'use client';
import { useEffect } from 'react';
import { dashboardStore } from '@/lib/client/store';
import { queryToView, viewToQuery } from '@/lib/client/viewUrl';
import { reveal } from './graph/reveal';

/**
 * Keeps the URL's query in step with the view (filter, tab, selection) so the address bar is
 * always a deep link, and restores the view from it once the first topology is there.
 */
export function useViewUrl(): void {
  useEffect(() => {
    const wanted = queryToView(window.location.search);
    let restored = false;
    const restore = () => {
      const s = dashboardStore.getState();
      if (restored || !s.topology) return;
      restored = true;
      if (wanted.project && s.topology.containers.some((c) => c.compose?.project === wanted.project))
        s.setProject(wanted.project);
      if (wanted.tab) s.setTab(wanted.tab);
      const sel = wanted.selection;
      if (sel?.kind === 'container' || sel?.kind === 'namespace' || sel?.kind === 'network') reveal(sel);
      else if (sel) s.select(sel);
    };
    restore();
    let last = window.location.search;
    const unsubscribe = dashboardStore.subscribe((s) => {
      restore();
      if (!restored) return;
      const query = viewToQuery({ project: s.project, tab: s.tab, selection: s.selection });
      if (query === last) return;
      last = query;
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${query}`);
    });
    return unsubscribe;
  }, []);
}
