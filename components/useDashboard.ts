'use client';
import { useStore } from 'zustand';
import { type DashboardState, dashboardStore } from '@/lib/client/store';

/** Narrow selector hook over the dashboard store: a component re-renders only for its slice. */
export function useDashboard<T>(selector: (s: DashboardState) => T): T {
  return useStore(dashboardStore, selector);
}
