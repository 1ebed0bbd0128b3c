'use client';
import { Panel } from '@xyflow/react';
import { toPng, toSvg } from 'html-to-image';
import { useState } from 'react';
import { useDashboard } from '../useDashboard';

/** Not part of the picture: the buttons, the zoom controls and the minimap. */
const keep = (el: HTMLElement) =>
  !(
    el.classList?.contains('react-flow__panel') ||
    el.classList?.contains('react-flow__minimap') ||
    el.classList?.contains('react-flow__controls')
  );

/**
 * The graph as drawn on screen, as PNG or SVG (html-to-image, the approach React Flow
 * documents). The whole graph of a stored snapshot, laid out in full, is its SVG export.
 */
export function ImageExport() {
  const [busy, setBusy] = useState(false);
  const host = useDashboard((s) => s.topology?.host.name ?? 'host');
  const save = async (kind: 'png' | 'svg') => {
    const el = document.querySelector<HTMLElement>('.react-flow');
    if (!el) return;
    setBusy(true);
    try {
      const opts = { backgroundColor: '#0b1020', filter: keep, pixelRatio: 2 };
      const url = kind === 'png' ? await toPng(el, opts) : await toSvg(el, opts);
      const a = document.createElement('a');
      a.href = url;
      a.download = `reachmap-${host}-${new Date().toISOString().replace(/[:.]/g, '-')}.${kind}`;
      a.click();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel position="top-right" className="flex gap-1">
      {(['png', 'svg'] as const).map((k) => (
        <button
          key={k}
          type="button"
          data-testid={`image-${k}`}
          disabled={busy}
          title={`Save this view of the graph as ${k.toUpperCase()}`}
          onClick={() => void save(k)}
          className="rounded border border-slate-700 bg-slate-900/90 px-2 py-0.5 text-[11px] text-slate-300 hover:bg-slate-800 disabled:opacity-50"
        >
          {k.toUpperCase()}
        </button>
      ))}
    </Panel>
  );
}
