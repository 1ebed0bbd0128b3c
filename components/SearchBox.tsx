'use client';
import { useMemo, useState } from 'react';
import { type SearchHit, searchTopology } from '@/lib/topology/search';
import { reveal } from './graph/reveal';
import { useDashboard } from './useDashboard';

/**
 * Jump to a container or network by name, IP, port or image: its group opens, it is selected
 * (details open) and the view moves to it at a readable zoom. Enter takes the first hit.
 */
export function SearchBox() {
  const topology = useDashboard((s) => s.topology);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const hits = useMemo(() => (topology ? searchTopology(topology, query, 12) : []), [topology, query]);
  const pick = (h: SearchHit | undefined) => {
    if (!h) return;
    reveal({ kind: h.kind, id: h.id });
    setOpen(false);
  };
  return (
    <div className="relative">
      <input
        data-testid="search"
        type="search"
        value={query}
        placeholder="Search name, IP, port, image…"
        aria-label="Search containers and networks"
        maxLength={200}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, hits.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter') pick(hits[active]);
          else if (e.key === 'Escape') {
            setOpen(false);
            (e.target as HTMLInputElement).blur();
          } else return;
          e.preventDefault();
          e.stopPropagation();
        }}
        className="w-72 rounded border border-slate-700 bg-slate-900 px-2 py-1 text-xs text-slate-100 placeholder:text-slate-500"
      />
      {open && query.trim() && (
        <ul
          data-testid="search-results"
          className="absolute left-0 top-full z-50 mt-1 max-h-96 w-96 overflow-y-auto rounded border border-slate-700 bg-slate-900 py-1 text-xs shadow-xl"
        >
          {hits.length === 0 && (
            <li className="px-3 py-1.5 text-slate-400">No container or network matches.</li>
          )}
          {hits.map((h, i) => (
            <li key={`${h.kind}:${h.id}`}>
              <button
                type="button"
                data-testid="search-hit"
                data-name={h.label}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => pick(h)}
                className={`flex w-full flex-col px-3 py-1 text-left ${i === active ? 'bg-slate-800' : 'hover:bg-slate-800'}`}
              >
                <span className="font-semibold text-slate-100">
                  {h.kind === 'network' ? '⬡ ' : ''}
                  {h.label}
                </span>
                <span className="truncate text-[11px] text-slate-400">{h.detail}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
