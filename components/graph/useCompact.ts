'use client';
import { useStore } from '@xyflow/react';
import { ZOOM } from '@/lib/topology/viewport';

/**
 * Semantic zoom: below the detail zoom a node draws as a compact card with its name in large
 * type. The selector returns a boolean, so a node re-renders only when the threshold is crossed,
 * not on every frame of a pan or zoom.
 */
export function useCompact(): boolean {
  return useStore((s) => s.transform[2] < ZOOM.detail);
}
