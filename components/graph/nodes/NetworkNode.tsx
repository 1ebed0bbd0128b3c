'use client';
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import type { NetworkData } from '@/lib/topology/graph';
import { useCompact } from '../useCompact';

export type NetworkFlowNode = Node<NetworkData & Record<string, unknown>, 'network'>;

function NetworkNodeView({ data, selected }: NodeProps<NetworkFlowNode>) {
  const compact = useCompact();
  return (
    <div
      data-testid="network-node"
      data-name={data.name}
      className={`h-full w-full rounded-lg border bg-indigo-950/60 px-3 py-2 text-xs ${selected ? 'border-sky-400 ring-1 ring-sky-400' : 'border-indigo-500/70'}`}
    >
      <Handle type="target" id="left" position={Position.Left} className="!bg-indigo-400" />
      <Handle type="source" id="bottom" position={Position.Bottom} className="!bg-indigo-400" />
      {compact ? (
        <>
          <div className="truncate text-[22px] font-semibold text-slate-100">{data.shortName}</div>
          <div className="truncate text-[20px] text-indigo-300">
            {data.driver} · {data.attached} attached
          </div>
        </>
      ) : (
        <Details data={data} />
      )}
    </div>
  );
}

function Details({ data }: { data: NetworkData }) {
  return (
    <>
      <div className="flex items-center gap-2">
        <span className="text-[10px] font-semibold uppercase tracking-wide text-indigo-300">
          network · {data.driver}
        </span>
        {data.internal && <span className="rounded bg-slate-700 px-1 text-[10px]">internal</span>}
      </div>
      <div className="truncate font-semibold text-slate-100">{data.name}</div>
      <div className="truncate font-mono text-[11px] text-slate-300">
        {data.subnet} · gw {data.gateway}
        {data.mtu ? ` · mtu ${data.mtu}` : ''}
      </div>
      <div className="mt-0.5 text-[11px] text-slate-400">
        {data.embeddedDns ? 'names resolve via 127.0.0.11' : 'no container DNS (default bridge)'} ·{' '}
        {data.attached} attached
      </div>
    </>
  );
}

export const NetworkNode = memo(NetworkNodeView);
