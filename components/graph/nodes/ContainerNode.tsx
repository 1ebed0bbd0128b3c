'use client';
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import type { DiffMark } from '@/lib/client/store';
import type { ContainerData } from '@/lib/topology/graph';
import { useDashboard } from '../../useDashboard';
import { SeverityBadge } from '../SeverityBadge';
import { useCompact } from '../useCompact';

export type ContainerFlowNode = Node<ContainerData & Record<string, unknown>, 'container'>;

const STATE_STYLE: Record<string, string> = {
  running: 'bg-emerald-400',
  paused: 'bg-amber-400',
  restarting: 'bg-amber-400 animate-pulse',
  created: 'bg-slate-400',
  exited: 'bg-slate-500',
  dead: 'bg-red-500',
  removing: 'bg-slate-500',
};

function Details({ data, down }: { data: ContainerData; down: boolean }) {
  return (
    <>
      <div className="flex items-center gap-1.5">
        <span
          className={`inline-block h-2 w-2 shrink-0 rounded-full ${STATE_STYLE[data.state] ?? 'bg-slate-500'}`}
          aria-hidden
        />
        <span className="truncate font-semibold">{data.name}</span>
        <SeverityBadge severity={data.worst} count={data.findingCount} />
      </div>
      <div className="mt-0.5 flex gap-2 truncate text-[11px] text-slate-400">
        <span data-testid="container-state">
          {down ? data.state : data.health === 'none' ? 'running' : data.health}
        </span>
        <span>· {data.mode}</span>
        {data.service && <span className="truncate">· {data.service}</span>}
      </div>
      {data.addresses.length > 0 && (
        <div
          className="mt-0.5 truncate font-mono text-[10px] text-indigo-300"
          title={data.addresses.join(', ')}
        >
          {data.addresses.join(' · ')}
        </div>
      )}
      {data.ports.length > 0 && (
        <div className="mt-0.5 truncate font-mono text-[10px] text-sky-300" title={data.ports.join(', ')}>
          ⇢ {data.ports.join(', ')}
        </div>
      )}
    </>
  );
}

const DIFF_STYLE: Record<DiffMark, string> = {
  added: 'outline outline-2 outline-emerald-400',
  changed: 'outline outline-2 outline-amber-400',
  recreated: 'outline outline-2 outline-violet-400',
};

function ContainerNodeView({ data, selected }: NodeProps<ContainerFlowNode>) {
  const down = data.state !== 'running';
  const compact = useCompact();
  const mark = useDashboard((s) => s.diff?.marks[data.name]);
  return (
    <div
      data-testid="container-node"
      data-name={data.name}
      data-state={data.state}
      data-diff={mark}
      className={`relative h-full w-full rounded-md border px-2 py-1.5 text-xs ${mark ? DIFF_STYLE[mark] : ''} ${
        selected ? 'border-sky-400 ring-1 ring-sky-400' : 'border-slate-600'
      } ${down ? 'bg-slate-900/70 text-slate-400' : 'bg-slate-800 text-slate-100'}`}
      title={`${data.name} — ${data.image}`}
    >
      <Handle
        type="target"
        id="probe-in"
        position={Position.Left}
        className="!h-1.5 !w-1.5 !min-w-0 !border-0 !bg-slate-500"
      />
      <Handle
        type="source"
        id="probe-out"
        position={Position.Right}
        className="!h-1.5 !w-1.5 !min-w-0 !border-0 !bg-slate-500"
      />
      <Handle
        type="target"
        id="probe-in-right"
        position={Position.Right}
        className="!h-1.5 !w-1.5 !min-w-0 !border-0 !bg-slate-500"
      />
      {mark && (
        <span className="absolute -top-2 right-1 rounded bg-slate-950 px-1 text-[10px] font-semibold text-amber-200">
          {mark}
        </span>
      )}
      {compact ? (
        // Semantic zoom: the name only, in type that stays readable when zoomed out.
        <div className="flex h-full items-center gap-2">
          <span
            className={`inline-block h-4 w-4 shrink-0 rounded-full ${STATE_STYLE[data.state] ?? 'bg-slate-500'}`}
            aria-hidden
          />
          <span className="truncate text-[22px] font-semibold leading-tight">{data.shortName}</span>
          <SeverityBadge severity={data.worst} count={data.findingCount} large />
        </div>
      ) : (
        <Details data={data} down={down} />
      )}
    </div>
  );
}

export const ContainerNode = memo(ContainerNodeView);
