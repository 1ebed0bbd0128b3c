import type { ProbeStep, ProbeVerdict } from '../model/probe';

/** pass: every step passed; partial: HTTP passed but the WebSocket or large payloads failed; fail: otherwise. */
export function verdictOf(steps: ProbeStep[]): {
  ok: boolean;
  verdict: ProbeVerdict;
  decisive: string | null;
} {
  const failed = steps.find((s) => !s.ok);
  if (!failed)
    return {
      ok: steps.length > 0,
      verdict: steps.length > 0 ? 'pass' : 'fail',
      decisive: steps.length ? null : 'no steps ran',
    };
  const httpOk = steps.some((s) => s.kind === 'http' && s.ok);
  const decisive = failed.error ?? `${failed.kind} failed`;
  // Large payloads stalling while every other step passed: the path works for small messages.
  const onlySizes = steps.every((s) => s.ok || s.kind === 'payload');
  return {
    ok: false,
    verdict:
      (failed.kind === 'ws' && httpOk) || (failed.kind === 'payload' && onlySizes) ? 'partial' : 'fail',
    decisive,
  };
}
