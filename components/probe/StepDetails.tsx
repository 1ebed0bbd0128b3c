import { describePayload } from '@/lib/format/payload';
import type { ProbeStep } from '@/lib/model/probe';
import { hostPort } from '@/lib/util/address';

function Headers({ h }: { h: Record<string, string> }) {
  const entries = Object.entries(h);
  if (entries.length === 0) return null;
  return (
    <ul className="mt-0.5 space-y-px">
      {entries.map(([k, v]) => (
        <li key={k} className="break-all">
          <span className="text-slate-500">{k}:</span> {v}
        </li>
      ))}
    </ul>
  );
}

function Body({ s }: { s: ProbeStep }) {
  switch (s.kind) {
    case 'dns':
      return (
        <div>
          {s.source === 'literal' ? (
            <div>address literal — no lookup</div>
          ) : (
            <>
              <div>
                {s.query} → {s.addresses.join(', ') || 'no address'} (
                {s.source === 'hosts'
                  ? 'initiator’s /etc/hosts'
                  : s.source === 'dns'
                    ? `nameserver ${s.server}`
                    : (s.error ?? 'no answer')}
                )
              </div>
              <div className="text-slate-500">
                tried {s.tried.join(', ')} · nameservers {s.nameservers.join(', ')}
              </div>
            </>
          )}
        </div>
      );
    case 'tcp':
      return (
        <div>
          {s.attempts.map((a) => (
            <div key={a.address}>
              {hostPort(a.address, s.port)} — {a.ok ? 'connected' : a.error} ({a.ms} ms)
            </div>
          ))}
          {s.connected && (
            <div className="text-slate-500">
              local {hostPort(s.connected.localAddress, s.connected.localPort)} →{' '}
              {hostPort(s.connected.address, s.connected.port)}
            </div>
          )}
        </div>
      );
    case 'tls':
      return (
        <div>
          {s.protocol} {s.cipher} {s.alpn ? `alpn ${s.alpn}` : ''}
          <div>
            cert {s.subject ?? '?'} by {s.issuer ?? '?'} until {s.validTo ?? '?'} —{' '}
            {s.verified ? 'trusted' : `not trusted (${s.verifyError ?? '?'})`}
          </div>
          {s.sans.length > 0 && <div className="text-slate-500">SANs {s.sans.join(', ')}</div>}
        </div>
      );
    case 'http':
      return (
        <div>
          <div className="text-slate-500">
            {s.request.method} {s.request.path}
          </div>
          <Headers h={s.request.headers} />
          {s.status !== undefined && (
            <div className="mt-1">
              HTTP {s.status} {s.statusText} · {s.bytes} bytes
            </div>
          )}
          <Headers h={s.headers} />
          {s.bodyPrefix && (
            <pre className="mt-1 whitespace-pre-wrap break-all rounded bg-slate-950 p-1 text-[10px]">
              {s.bodyPrefix}
            </pre>
          )}
        </div>
      );
    case 'ws':
      return (
        <div>
          <div className="text-slate-500">GET {s.request.path} (upgrade)</div>
          <Headers h={s.request.headers} />
          {s.statusLine && <div className="mt-1">{s.statusLine}</div>}
          <Headers h={s.headers} />
          {s.acceptValid !== undefined && (
            <div>Sec-WebSocket-Accept {s.acceptValid ? 'valid' : 'INVALID'}</div>
          )}
          {s.frames.map((f) => (
            <div key={`${f.at}-${f.opcode}-${f.text ?? ''}`} className="break-all">
              +{f.at} ms {f.opcode === 1 ? 'text' : f.opcode === 8 ? 'close' : `op ${f.opcode}`}{' '}
              {f.text ?? ''}
            </div>
          ))}
          {s.closeCode !== undefined && (
            <div>
              close {s.closeCode} {s.closeReason}
            </div>
          )}
          {s.hold && (
            <div data-testid="ws-hold">
              held {(s.hold.heldMs / 1000).toFixed(1)} s of {(s.hold.askedMs / 1000).toFixed(0)} s
              {s.hold.pingMs ? ` (${s.hold.pings} pings)` : ' (idle)'} —{' '}
              {s.hold.endedBy === 'held'
                ? 'stayed open'
                : s.hold.endedBy === 'cut'
                  ? 'cut without a close frame'
                  : 'closed by the other end'}
              {s.hold.proxy && (
                <div>
                  {s.hold.proxy.container}: nginx {s.hold.proxy.directive} {s.hold.proxy.value}
                </div>
              )}
            </div>
          )}
          {s.bodyPrefix && (
            <pre className="mt-1 whitespace-pre-wrap break-all rounded bg-slate-950 p-1 text-[10px]">
              {s.bodyPrefix}
            </pre>
          )}
        </div>
      );
    case 'payload':
      return (
        <div data-testid="payload-step">
          <div>{describePayload(s)}</div>
          <div className="text-slate-500">
            {s.attempts.map((a) => `${a.bytes} B ${a.ok ? (a.answer ?? 'ok') : a.error}`).join(' · ')}
          </div>
          {s.route && (
            <div className="text-slate-500">
              route via {s.route.interface} (MTU {s.route.mtu ?? '?'})
              {s.route.gateway ? ` and gateway ${s.route.gateway}` : ''}
            </div>
          )}
        </div>
      );
  }
}

export function StepDetails({ s }: { s: ProbeStep }) {
  return (
    <li
      data-testid="probe-step"
      data-kind={s.kind}
      data-ok={s.ok}
      className="rounded border border-slate-800 p-1.5 font-mono text-[10.5px] text-slate-300"
    >
      <div className="flex items-center gap-2">
        <span className={s.ok ? 'text-emerald-400' : 'text-red-400'}>{s.ok ? '✔' : '✖'}</span>
        <span className="font-semibold uppercase">{s.kind}</span>
        <span className="text-slate-500">
          +{s.at} ms · {s.ms} ms
        </span>
        {s.error && <span className="ml-auto text-red-300">{s.error}</span>}
      </div>
      <div className="mt-1">
        <Body s={s} />
      </div>
      {s.note && <div className="mt-1 break-all italic text-amber-200/90">{s.note}</div>}
    </li>
  );
}
