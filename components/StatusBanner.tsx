'use client';
import { at } from '@/lib/client/basePath';
import { useDashboard } from './useDashboard';

/** Says plainly when what you see is not live: engine unreachable, server link lost, signed out, a replay. */
export function StatusBanner() {
  const link = useDashboard((s) => s.link);
  const linkError = useDashboard((s) => s.linkError);
  const engine = useDashboard((s) => s.engine);
  const receivedAt = useDashboard((s) => s.receivedAt);
  const endpoint = useDashboard((s) => s.topology?.host.dockerEndpoint);
  const hostName = useDashboard((s) => s.topology?.host.name);
  const scannedAt = useDashboard((s) => s.topology?.scannedAt);
  const snapshot = useDashboard((s) => s.snapshot);
  const isDiff = useDashboard((s) => s.diff !== null);
  const last = receivedAt ? new Date(receivedAt).toLocaleTimeString() : null;

  if (snapshot && isDiff)
    return (
      <div role="status" data-testid="banner-diff" className="bg-violet-950 px-4 py-2 text-sm text-violet-50">
        Diff of two states of <b>{snapshot.host}</b>: the graph shows the later one (
        {new Date(snapshot.takenAt).toLocaleString()}), its added, recreated and changed containers outlined;
        the table beside it lists every change.
      </div>
    );
  if (snapshot)
    return (
      <div
        role="status"
        data-testid="banner-snapshot"
        className="bg-violet-950 px-4 py-2 text-sm text-violet-50"
      >
        Snapshot of <b>{snapshot.host}</b> taken {new Date(snapshot.takenAt).toLocaleString()}
        {snapshot.note && <> — “{snapshot.note}”</>}. Nothing here is live and nothing can be probed from this
        page; open the dashboard on the host to see it now.{' '}
        <a className="underline" href={at(`/s/${snapshot.id}/review`)} data-testid="snapshot-review-link">
          Printable review
        </a>
      </div>
    );

  if (link === 'unauthorized')
    return (
      <div
        role="alert"
        data-testid="banner-unauthorized"
        className="bg-amber-900/80 px-4 py-2 text-sm text-amber-100"
      >
        Your session is not valid (the token changed or the cookie expired).{' '}
        <a href={at('/login')} className="underline">
          Sign in again
        </a>
        .
      </div>
    );
  if (link === 'disconnected')
    return (
      <div
        role="alert"
        data-testid="banner-disconnected"
        className="bg-amber-900/80 px-4 py-2 text-sm text-amber-100"
      >
        Lost the connection to the Reachmap server ({linkError ?? 'unknown reason'}); reconnecting…
        {last && ` Showing what was live at ${last}.`}
      </div>
    );
  if (engine?.status === 'unreachable')
    return (
      <div
        role="alert"
        data-testid="banner-engine-unreachable"
        className="bg-red-900/80 px-4 py-2 text-sm text-red-50"
      >
        Docker engine unreachable{endpoint ? ` at ${endpoint}` : ''}: {engine.error ?? 'unknown error'}.
        Reconnecting by itself
        {engine.retryInMs ? ` (next try in ${Math.ceil(engine.retryInMs / 1000)} s)` : ''}.
        {last && ` Showing the last known topology (${last}).`}
      </div>
    );
  if (engine?.status === 'replay')
    return (
      <div
        role="status"
        data-testid="banner-replay"
        className="bg-slate-800 px-4 py-2 text-sm text-slate-100"
      >
        Replay of a recorded topology
        {scannedAt ? ` (${hostName}, scanned ${new Date(scannedAt).toLocaleString()})` : ''}: nothing here is
        live, and probes are off. Start Reachmap without --replay on the host itself to probe.
      </div>
    );
  return null;
}
