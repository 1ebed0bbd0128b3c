'use client';
import { useMemo, useState } from 'react';
import { runProbe, runProbeAll } from '@/lib/client/socket';
import { dashboardStore } from '@/lib/client/store';
import { probePathKey } from '@/lib/probe/edges';
import { resolveInitiator } from '@/lib/probe/initiator';
import { probeAllTargets } from '@/lib/probe/probeAll';
import { useDashboard } from '../useDashboard';
import { VerdictBadge } from './VerdictBadge';

function Suggestions({ id, from }: { id: string; from: string }) {
  const topology = useDashboard((s) => s.topology);
  const options = useMemo(() => {
    if (!topology) return [];
    try {
      return probeAllTargets(topology, resolveInitiator(topology, from), 'http').map((t) => t.to);
    } catch {
      return [];
    }
  }, [topology, from]);
  return (
    <datalist id={id}>
      {options.map((o) => (
        <option key={o} value={o} />
      ))}
    </datalist>
  );
}

function Progress() {
  const batches = useDashboard((s) => s.batches);
  const active = Object.values(batches).slice(-3);
  if (active.length === 0) return null;
  return (
    <div className="mt-2 space-y-1">
      {active.map((b) => (
        <div
          key={b.batchId}
          data-testid="probe-all-progress"
          data-finished={b.finished}
          className="text-[11px] text-slate-300"
        >
          probe all from {b.from}: {b.done}/{b.total}
          {b.failed ? `, ${b.failed} red` : ''}
          {b.finished ? ' — done' : '…'}
          <div className="mt-0.5 h-1.5 rounded bg-slate-800">
            <div
              className="h-1.5 rounded bg-sky-500"
              style={{ width: `${b.total ? (100 * b.done) / b.total : 0}%` }}
            />
          </div>
        </div>
      ))}
    </div>
  );
}

function Results() {
  const probes = useDashboard((s) => s.probes);
  const running = useDashboard((s) => s.running);
  const failures = useDashboard((s) => s.failures);
  const list = Object.values(probes)
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, 50);
  return (
    <div className="mt-3">
      {Object.values(running).map((r) => (
        <div key={r.pairId} className="text-[11px] text-slate-400" data-testid="probe-running">
          ⋯ {r.from} → {r.to}:{' '}
          {r.steps.initiator.map((s) => `${s.kind} ${s.ok ? '✔' : '✖'}`).join(' · ') || 'starting'}
        </div>
      ))}
      {failures.slice(0, 3).map((f) => (
        <div
          key={f.pairId}
          role="alert"
          className="mt-1 rounded bg-red-950/60 p-1.5 text-[11px] text-red-200"
          data-testid="probe-error"
        >
          could not probe {f.from} → {f.to}: {f.error}
        </div>
      ))}
      <h3 className="mt-3 mb-1 text-[11px] font-semibold uppercase tracking-wide text-slate-400">
        Results ({list.length})
      </h3>
      <ul className="space-y-1" data-testid="probe-results">
        {list.map((r) => (
          <li key={r.pairId}>
            <button
              type="button"
              data-testid="probe-result"
              className="flex w-full items-center gap-2 rounded px-1 py-0.5 text-left text-[11px] hover:bg-slate-800"
              onClick={() =>
                dashboardStore.getState().select({ kind: 'probe', id: probePathKey(r.initiator) })
              }
            >
              <VerdictBadge verdict={r.initiator.verdict} />
              <span className="min-w-0 truncate">
                {r.initiator.initiator.name} → {r.initiator.target.input}
                {r.initiator.origin ? ` @${r.initiator.origin}` : ''}
              </span>
              <span className="ml-auto shrink-0 font-mono text-[10px] text-slate-400">
                {r.initiator.decisive ?? ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ProbePanel() {
  const form = useDashboard((s) => s.form);
  const topology = useDashboard((s) => s.topology);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const setForm = dashboardStore.getState().setForm;
  const initiators = topology
    ? topology.containers.filter((c) => c.state === 'running').map((c) => c.name)
    : [];

  const submit = async () => {
    setBusy(true);
    setError(null);
    const r = await runProbe({
      spec: {
        from: form.from,
        to: form.to.trim(),
        ws: form.ws,
        logs: form.logs,
        ...(form.origin.trim() ? { origin: form.origin.trim() } : {}),
        // A hold is validated by the server (at most 600 s): a bad value comes back as an error.
        ...(Number(form.holdS) > 0 ? { wsHoldMs: Math.round(Number(form.holdS) * 1000) } : {}),
        ...(form.large ? { large: true } : {}),
      },
      paired: form.paired,
    });
    setBusy(false);
    if (!r.ok) setError(r.error);
  };
  const all = async () => {
    setError(null);
    const r = await runProbeAll({ from: form.from });
    if (!r.ok) setError(r.error);
  };

  return (
    <div data-testid="probe-panel">
      <h2 className="mb-2 text-sm font-semibold text-slate-200">Probe from an initiator’s namespace</h2>
      <form
        className="space-y-2 text-xs"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="block">
          <span className="text-slate-400">Initiator</span>
          <select
            data-testid="probe-from"
            className="mt-0.5 w-full rounded border border-slate-700 bg-slate-900 px-2 py-1"
            value={form.from}
            onChange={(e) => setForm({ from: e.target.value })}
          >
            <option value="host">host (the Docker host’s own namespace)</option>
            {initiators.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="text-slate-400">Target (URL or host:port)</span>
          <input
            data-testid="probe-to"
            list="probe-targets"
            className="mt-0.5 w-full rounded border border-slate-700 bg-slate-900 px-2 py-1 font-mono"
            placeholder="http://service:port/healthz, ws://…, host:port"
            value={form.to}
            onChange={(e) => setForm({ to: e.target.value })}
          />
          <Suggestions id="probe-targets" from={form.from} />
        </label>
        <label className="block">
          <span className="text-slate-400">Origin header (optional)</span>
          <input
            data-testid="probe-origin"
            className="mt-0.5 w-full rounded border border-slate-700 bg-slate-900 px-2 py-1 font-mono"
            placeholder="https://app.example.com"
            value={form.origin}
            onChange={(e) => setForm({ origin: e.target.value })}
          />
        </label>
        <div className="flex gap-4">
          <label className="flex items-center gap-1.5">
            <input
              type="checkbox"
              data-testid="probe-ws"
              checked={form.ws}
              onChange={(e) => setForm({ ws: e.target.checked })}
            />
            also WebSocket upgrade
          </label>
          <label
            className="flex items-center gap-1.5"
            title="keep the WebSocket open this long after the upgrade: a proxy's idle timeout shows as the time it was cut"
          >
            hold
            <input
              type="number"
              min={0}
              max={600}
              data-testid="probe-hold"
              className="w-14 rounded border border-slate-600 bg-slate-900 px-1 text-xs"
              value={form.holdS}
              onChange={(e) => setForm({ holdS: e.target.value })}
            />
            s
          </label>
          <label
            className="flex items-center gap-1.5"
            title="also send requests (and WebSocket frames) of 1 KiB to 64 KiB: where they stall, with the MTUs on the path"
          >
            <input
              type="checkbox"
              data-testid="probe-large"
              checked={form.large}
              onChange={(e) => setForm({ large: e.target.checked })}
            />
            large payloads
          </label>
          <label className="flex items-center gap-1.5">
            <input
              type="checkbox"
              data-testid="probe-paired"
              checked={form.paired}
              onChange={(e) => setForm({ paired: e.target.checked })}
            />
            paired with the host
          </label>
          <label
            className="flex items-center gap-1.5"
            title="read the log lines the target and proxies wrote during the probe"
          >
            <input
              type="checkbox"
              data-testid="probe-logs"
              checked={form.logs}
              onChange={(e) => setForm({ logs: e.target.checked })}
            />
            logs
          </label>
        </div>
        <div className="flex gap-2">
          <button
            type="submit"
            data-testid="probe-run"
            disabled={busy || !form.to.trim()}
            className="rounded bg-sky-600 px-3 py-1 font-semibold text-white disabled:opacity-50"
          >
            Probe
          </button>
          <button
            type="button"
            data-testid="probe-all"
            onClick={() => void all()}
            className="rounded border border-slate-600 px-3 py-1 text-slate-200 hover:bg-slate-800"
          >
            Probe all listeners
          </button>
        </div>
        {error && (
          <p role="alert" data-testid="probe-form-error" className="rounded bg-red-950/60 p-1.5 text-red-200">
            {error}
          </p>
        )}
      </form>
      <Progress />
      <Results />
    </div>
  );
}
