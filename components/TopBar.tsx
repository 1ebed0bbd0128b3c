'use client';
import { signOut } from '@/lib/client/session';
import { dashboardStore } from '@/lib/client/store';
import { projectsOf } from '@/lib/topology/graph';
import { VERSION } from '@/lib/version';
import { SearchBox } from './SearchBox';
import { TakeSnapshot } from './snapshot/TakeSnapshot';
import { useDashboard } from './useDashboard';

function LiveDot() {
  const link = useDashboard((s) => s.link);
  const engine = useDashboard((s) => s.engine?.status);
  const live = link === 'live' && engine === 'connected';
  // A replay is as current as it will ever be: a steady dot, not one waiting for an engine.
  const replay = link === 'live' && engine === 'replay';
  return (
    <span
      data-testid="live-status"
      data-live={live}
      className="flex items-center gap-1.5 text-xs text-slate-300"
    >
      <span
        className={`h-2 w-2 rounded-full ${live ? 'bg-emerald-400' : replay ? 'bg-slate-400' : 'bg-amber-400 animate-pulse'}`}
        aria-hidden
      />
      {live
        ? 'live'
        : replay
          ? 'replay'
          : link !== 'live'
            ? `server ${link}`
            : `engine ${engine ?? 'connecting'}`}
    </span>
  );
}

export function TopBar() {
  const t = useDashboard((s) => s.topology);
  const project = useDashboard((s) => s.project);
  const readOnly = useDashboard((s) => s.snapshot !== null);
  const projects = t ? projectsOf(t) : [];
  const running = t?.containers.filter((c) => c.state === 'running').length ?? 0;
  return (
    <header className="flex flex-wrap items-center gap-x-5 gap-y-1 border-b border-slate-800 bg-slate-950 px-4 py-2">
      <h1 className="text-base font-bold tracking-tight text-slate-100">
        Reach<span className="text-sky-400">map</span>
        <span className="ml-1.5 align-middle text-[10px] font-normal text-slate-500" data-testid="version">
          {VERSION}
        </span>
      </h1>
      {t && (
        <span className="text-xs text-slate-400" data-testid="host-summary">
          {t.host.name} · Docker {t.host.engineVersion} · {t.containers.length} containers ({running} running)
          · {t.namespaces.length} namespaces · {t.networks.length} networks · scan {t.scanMs} ms
        </span>
      )}
      <div className="ml-auto">
        <SearchBox />
      </div>
      <label className="flex items-center gap-2 text-xs text-slate-300">
        Compose project
        <select
          data-testid="project-filter"
          className="rounded border border-slate-700 bg-slate-900 px-2 py-1 text-xs"
          value={project ?? ''}
          onChange={(e) => dashboardStore.getState().setProject(e.target.value || null)}
        >
          <option value="">all</option>
          {projects.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      {readOnly ? (
        <span
          data-testid="snapshot-badge"
          className="rounded bg-violet-800 px-2 py-0.5 text-xs font-semibold text-violet-50"
        >
          snapshot
        </span>
      ) : (
        <>
          <TakeSnapshot />
          <LiveDot />
          <button
            type="button"
            data-testid="sign-out"
            className="text-xs text-slate-400 hover:text-slate-200 hover:underline"
            onClick={() => void signOut()}
          >
            Sign out
          </button>
        </>
      )}
    </header>
  );
}
