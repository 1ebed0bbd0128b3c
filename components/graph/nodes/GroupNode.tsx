'use client';
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import { dashboardStore } from '@/lib/client/store';
import type { GroupData } from '@/lib/topology/graph';
import { groupNodeId } from '@/lib/topology/groups';
import { SeverityBadge } from '../SeverityBadge';

export type GroupFlowNode = Node<GroupData & Record<string, unknown>, 'group'>;

const KIND: Record<GroupData['groupKind'], string> = {
  project: 'compose project',
  network: 'network',
  other: 'no network',
};

function counts(d: GroupData): string {
  const down = d.containers - d.running;
  const published = d.published ? ` · ${d.published} published` : '';
  return `${d.containers} container${d.containers === 1 ? '' : 's'}${down ? ` (${down} down)` : ''} · ${d.networks} net${d.networks === 1 ? '' : 's'}${published}`;
}

/** A closed group: one card with its counts and worst finding; click opens it. */
function Card({ data }: { data: GroupData }) {
  return (
    <div
      data-testid="group-node"
      data-group={data.groupKey}
      data-expanded="false"
      className="flex h-full w-full cursor-pointer flex-col justify-between rounded-xl border-2 border-sky-800 bg-slate-900 px-4 py-3 text-slate-100 hover:border-sky-500"
      title={`${data.label}: click to open`}
    >
      <Handle type="target" id="top" position={Position.Top} className="!bg-slate-500" />
      <Handle type="target" id="left" position={Position.Left} className="!bg-slate-500" />
      <Handle type="source" id="right" position={Position.Right} className="!bg-sky-500" />
      <Handle type="source" id="bottom" position={Position.Bottom} className="!bg-indigo-400" />
      <div className="flex items-center gap-2">
        <span className="truncate text-[26px] font-bold leading-tight">{data.label}</span>
        <span className="ml-auto flex text-[20px]">
          <SeverityBadge severity={data.worst} count={data.findingCount} large />
        </span>
      </div>
      <div className="truncate text-[20px] text-slate-300">{counts(data)}</div>
      <div
        className={`truncate text-[20px] ${data.worst === 'error' ? 'text-red-300' : data.worst === 'warning' ? 'text-amber-300' : 'text-slate-400'}`}
      >
        {data.worstTitle ?? KIND[data.groupKind]}
      </div>
    </div>
  );
}

/**
 * An open group: a frame behind its networks and namespaces, with a header to close it. It
 * has no handles: edges end at the nodes inside; only a closed card stands in for them.
 */
function Frame({ data }: { data: GroupData }) {
  const close = () => {
    dashboardStore.getState().setExpanded(data.groupKey, false);
    dashboardStore.getState().requestFit([groupNodeId(data.groupKey)]);
  };
  return (
    <div
      data-testid="group-node"
      data-group={data.groupKey}
      data-expanded="true"
      className="pointer-events-none h-full w-full rounded-2xl border-2 border-dashed border-slate-700 bg-slate-900/30"
    >
      <div className="pointer-events-auto flex h-12 items-center gap-3 whitespace-nowrap px-5 pt-3">
        <span className="truncate text-[22px] font-bold text-slate-200">{data.label}</span>
        <span className="truncate text-[20px] text-slate-400">
          {KIND[data.groupKind]} · {counts(data)}
        </span>
        <button
          type="button"
          data-testid="group-collapse"
          onClick={(e) => {
            e.stopPropagation();
            close();
          }}
          className="nodrag ml-auto shrink-0 rounded border border-slate-600 px-2 text-[20px] text-slate-300 hover:border-sky-400"
          title="close this group"
        >
          −
        </button>
      </div>
    </div>
  );
}

function GroupNodeView({ data }: NodeProps<GroupFlowNode>) {
  return data.expanded ? <Frame data={data} /> : <Card data={data} />;
}

export const GroupNode = memo(GroupNodeView);
