'use client';
import { useEffect } from 'react';
import { dashboardStore } from '@/lib/client/store';

/**
 * Keyboard: Tab moves through the graph's nodes (React Flow makes them focusable), Enter on a
 * focused node opens it as a click would, Escape closes the details. Keys typed into a form
 * field are left alone.
 */
export function useKeyboard(onEnterNode: (nodeId: string) => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target instanceof HTMLElement ? e.target : null;
      if (el?.closest('input, textarea, select, [contenteditable="true"]')) return;
      if (e.key === 'Escape') {
        if (dashboardStore.getState().selection) dashboardStore.getState().select(null);
        return;
      }
      if (e.key !== 'Enter') return;
      const id = el?.closest('.react-flow__node')?.getAttribute('data-id');
      if (!id) return;
      e.preventDefault();
      onEnterNode(id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onEnterNode]);
}
