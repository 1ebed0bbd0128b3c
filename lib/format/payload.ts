import type { PayloadStep } from '../model/probe';

/** "HTTP requests: 1228 B answered, 1236 B stalled (≈ MTU 1280); path: client eth0 1500, network core 1280". */
export function describePayload(s: PayloadStep): string {
  const sizes =
    s.smallestStalled !== null
      ? `${s.largestOk !== null ? `${s.largestOk} B answered, ` : ''}${s.smallestStalled} B stalled${s.mtuEstimate ? ` (≈ path MTU ${s.mtuEstimate})` : ''}`
      : s.largestOk !== null
        ? `up to ${s.largestOk} B answered`
        : (s.note ?? 'not measured');
  const path = s.path.map((p) => `${p.where} ${p.mtu ?? '?'}`).join(', ');
  return `${s.carrier === 'http' ? 'HTTP requests' : 'WebSocket frames'}: ${sizes}${path ? `; MTUs on the path: ${path}` : ''}`;
}
