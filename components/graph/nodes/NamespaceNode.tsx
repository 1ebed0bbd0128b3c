'use client';
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import type { ListenerRow, NamespaceData } from '@/lib/topology/graph';
import { SeverityBadge } from '../SeverityBadge';
import { useCompact } from '../useCompact';

export type NamespaceFlowNode = Node<NamespaceData & Record<string, unknown>, 'namespace'>;

const FRAME: Record<NamespaceData['variant'], string> = {
  host: 'border-sky-500/80 bg-sky-950/40',
  container: 'border-slate-500 bg-slate-900/80',
  stopped: 'border-dashed border-slate-600 bg-slate-950/60',
};

/** Loopback-only listeners are marked by colour, glyph and words. */
function ListenerLine({ l }: { l: ListenerRow }) {
  const loop = l.scope === 'loopback' && l.role === 'workload';
  const glyph = l.scope === 'loopback' ? '◌' : l.scope === 'any' ? '●' : '◆';
  return (
    <li
      data-testid="listener"
      data-scope={l.scope}
      className={`flex h-[18px] items-center gap-1 truncate font-mono text-[10.5px] ${
        loop ? 'text-amber-300' : l.role === 'workload' ? 'text-emerald-300' : 'text-slate-500'
      }`}
      title={loop ? 'bound to loopback only: unreachable from other namespaces' : undefined}
    >
      <span aria-hidden>{glyph}</span>
      <span className="truncate">{l.text}</span>
      {loop && (
        <span className="ml-auto shrink-0 rounded bg-amber-500/20 px-1 text-[10px] uppercase">
          loopback only
        </span>
      )}
    </li>
  );
}

const KIND_LABEL: Record<NamespaceData['variant'], string> = {
  host: 'host netns',
  stopped: 'not running',
  container: 'network namespace',
};

/** Zoomed out: what kind of box this is and whether something listens on loopback only. */
function CompactBody({ data }: { data: NamespaceData }) {
  const workload = data.listeners.filter((l) => l.role === 'workload').length;
  return (
    <>
      <div className="flex items-center gap-2 px-2.5 pt-1">
        <span className="truncate text-[20px] font-semibold text-slate-300">{KIND_LABEL[data.variant]}</span>
        <SeverityBadge severity={data.worst} large />
      </div>
      {(data.loopbackOnly > 0 || workload > 0) && (
        <div
          className={`absolute inset-x-2.5 bottom-1.5 truncate text-[20px] ${data.loopbackOnly ? 'text-amber-300' : 'text-emerald-300'}`}
        >
          {data.loopbackOnly ? `◌ ${data.loopbackOnly} loopback only` : `● ${workload} listening`}
        </div>
      )}
    </>
  );
}

function NamespaceNodeView({ data, selected }: NodeProps<NamespaceFlowNode>) {
  const compact = useCompact();
  return (
    <div
      data-testid="namespace-node"
      data-variant={data.variant}
      data-key={data.nsKey}
      className={`relative h-full w-full rounded-lg border-2 ${FRAME[data.variant]} ${selected ? 'ring-2 ring-sky-400' : ''}`}
    >
      <Handle type="target" id="top" position={Position.Top} className="!bg-slate-500" />
      <Handle type="target" id="left" position={Position.Left} className="!bg-slate-500" />
      <Handle type="source" id="right" position={Position.Right} className="!bg-sky-500" />
      {compact ? <CompactBody data={data} /> : <DetailBody data={data} />}
    </div>
  );
}

function DetailBody({ data }: { data: NamespaceData }) {
  return (
    <>
      <div className="flex items-start gap-2 px-2.5 pt-1.5">
        <div className="min-w-0">
          <div className="truncate text-[10px] font-semibold uppercase tracking-wide text-slate-400">
            {KIND_LABEL[data.variant]}
          </div>
          <div className="truncate font-mono text-[11px] text-slate-300">{data.subtitle}</div>
        </div>
        <SeverityBadge severity={data.worst} />
      </div>
      {(data.listeners.length > 0 || data.listenerNote) && (
        <div className="absolute inset-x-2.5 bottom-2">
          <div className="h-[22px] text-[10px] font-semibold uppercase tracking-wide text-slate-500">
            Listening
          </div>
          <ul>
            {data.listeners.map((l) => (
              <ListenerLine key={`${l.text}/${l.scope}`} l={l} />
            ))}
            {data.hiddenListeners > 0 && (
              <li className="h-[18px] text-[10.5px] text-slate-500">
                … {data.hiddenListeners} more (details)
              </li>
            )}
            {data.listenerNote && (
              <li className="h-[18px] truncate text-[10.5px] italic text-slate-400">{data.listenerNote}</li>
            )}
          </ul>
        </div>
      )}
    </>
  );
}

export const NamespaceNode = memo(NamespaceNodeView);
