import type { Listener } from '@/lib/model/topology';

export function ListenerTable({ listeners }: { listeners: Listener[] }) {
  if (listeners.length === 0) return <p className="text-xs text-slate-400">No listening sockets.</p>;
  return (
    <table className="w-full text-left font-mono text-[11px]" data-testid="listener-table">
      <thead className="text-slate-400">
        <tr>
          <th className="font-normal">proto</th>
          <th className="font-normal">address</th>
          <th className="font-normal">port</th>
          <th className="font-normal">process</th>
        </tr>
      </thead>
      <tbody>
        {listeners.map((l) => (
          <tr
            key={`${l.protocol}/${l.address}/${l.port}/${l.inode}`}
            className={
              (l.scope === 'loopback' || l.v6only) && l.role === 'workload'
                ? 'text-amber-300'
                : 'text-slate-200'
            }
          >
            <td>
              {l.protocol}
              {l.family === 6 ? '6' : ''}
            </td>
            <td>
              {l.address}
              {l.scope === 'loopback' && l.role === 'workload' ? ' (loopback only)' : ''}
              {l.v6only ? ' (IPv6 only: no IPv4 clients)' : ''}
              {l.role === 'docker-dns' ? ' (docker dns)' : ''}
            </td>
            <td>{l.port}</td>
            <td>{l.process ? `${l.process.name} ${l.process.pid}` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
