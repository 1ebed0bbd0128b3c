'use client';
import { dashboardStore } from '@/lib/client/store';
import { bindingText } from '@/lib/diagnose/finding';
import { publishedPaths } from '@/lib/firewall/paths';
import type { Container, Namespace, Network, Topology } from '@/lib/model/topology';
import { hostPort } from '@/lib/util/address';
import { EvidencePanel } from '../probe/EvidencePanel';
import { RunbookPanel } from '../runbook/RunbookPanel';
import { useDashboard } from '../useDashboard';
import { Facts, Section } from './Facts';
import { FindingCard } from './FindingCard';
import { ListenerTable } from './ListenerTable';

function findingsAbout(t: Topology, id: string) {
  return t.findings.filter((f) => f.subject.id === id || f.related.some((r) => r.id === id));
}

function ProbeFromHere({ from }: { from: string }) {
  const readOnly = useDashboard((s) => s.snapshot !== null);
  if (readOnly) return null;
  return (
    <button
      type="button"
      data-testid="probe-from-here"
      className="mt-2 rounded bg-sky-700 px-2 py-1 text-xs font-semibold text-white hover:bg-sky-600"
      onClick={() => {
        const s = dashboardStore.getState();
        s.setForm({ from });
        s.setTab('probe');
      }}
    >
      Probe from here
    </button>
  );
}

function ContainerDetails({ c, t }: { c: Container; t: Topology }) {
  const ns = t.namespaces.find((n) => n.id === c.netns);
  const fs = findingsAbout(t, c.id);
  return (
    <div data-testid="details-container">
      <h2 className="break-all text-sm font-semibold text-slate-100">{c.name}</h2>
      <p className="font-mono text-[10px] text-slate-500">{c.id}</p>
      {c.state === 'running' && <ProbeFromHere from={c.name} />}
      <Section title="Container">
        <Facts
          rows={[
            ['state', c.status],
            ['health', c.health],
            ['healthcheck', c.healthcheck ?? ''],
            [
              'last check',
              c.healthLast
                ? `exit ${c.healthLast.exitCode}${c.healthLast.output ? `: ${c.healthLast.output}` : ''}`
                : '',
            ],
            ['image', c.image],
            ['created', c.createdAt],
            ['started', c.startedAt ?? ''],
            ['pid', c.pid ?? ''],
            ['hostname', c.hostname],
            ['command', c.command],
            [
              'compose',
              c.compose
                ? `${c.compose.project} / ${c.compose.service}${c.compose.number ? ` #${c.compose.number}` : ''}`
                : '',
            ],
          ]}
        />
      </Section>
      <Section title="Network">
        <Facts
          rows={[
            ['network mode', c.networkMode],
            ['netns', c.netns ? `${c.netns} (${c.netnsSource})` : 'none (not running)'],
            [
              'shares with',
              c.sharesNetnsWith
                ? (t.containers.find((o) => o.id === c.sharesNetnsWith)?.name ??
                  `${c.sharesNetnsWith.slice(0, 12)} (gone)`)
                : '',
            ],
            ...c.attachments.map((a): [string, string] => [
              a.networkName,
              `${a.ipv4 ?? '—'}${a.aliases.length ? `  aliases: ${a.aliases.join(', ')}` : ''}`,
            ]),
            [
              'published',
              c.ports
                .map((p) => `${hostPort(p.hostIp, p.hostPort)}→${p.containerPort}/${p.protocol}`)
                .join(', '),
            ],
            ['exposed', c.exposedPorts.map((p) => `${p.port}/${p.protocol}`).join(', ')],
          ]}
        />
      </Section>
      {c.ports.length > 0 && (
        <Section title="Published paths (packet filter)">
          {!t.firewall.available && (
            <p className="mb-1 text-[11px] text-amber-300">Rules not read: {t.firewall.reason}</p>
          )}
          {publishedPaths(t, c).map((p) => (
            <div key={bindingText(p.binding)} className="mb-1.5 text-[11px]" data-testid="published-path">
              <div className="font-mono text-slate-200">{bindingText(p.binding)}</div>
              <div className="text-slate-400">from the host: {p.fromHost.join(' → ')}</div>
              <div className="text-slate-400">from outside: {p.fromOutside.join(' → ')}</div>
            </div>
          ))}
        </Section>
      )}
      {ns && (
        <Section title={`Listening in its namespace (${ns.listenerSource})`}>
          <ListenerTable listeners={ns.listeners} />
        </Section>
      )}
      {fs.length > 0 && (
        <Section title="Findings">
          <div className="space-y-2">
            {fs.map((f) => (
              <FindingCard key={f.id} f={f} />
            ))}
          </div>
        </Section>
      )}
      <p className="mt-4 text-[10px] text-slate-500">Environment values are never read or shown.</p>
    </div>
  );
}

function NamespaceDetails({ ns, t }: { ns: Namespace; t: Topology }) {
  return (
    <div data-testid="details-namespace">
      <h2 className="text-sm font-semibold text-slate-100">
        {ns.kind === 'host' ? 'Host network namespace' : 'Network namespace'}
      </h2>
      <Section title="Identity">
        <Facts
          rows={[
            ['id', ns.id],
            ['identity from', ns.identitySource],
            ['listeners from', ns.listenerSource],
            ['containers', ns.containers.join(', ')],
            [
              'owner',
              ns.ownerId
                ? (t.containers.find((c) => c.id === ns.ownerId)?.name ?? ns.ownerId)
                : ns.kind === 'host'
                  ? 'host'
                  : '',
            ],
            ...ns.errors.map((e, i): [string, string] => [`error ${i + 1}`, e]),
          ]}
        />
      </Section>
      <Section title="Listening sockets">
        <ListenerTable listeners={ns.listeners} />
      </Section>
    </div>
  );
}

function NetworkDetails({ n, t }: { n: Network; t: Topology }) {
  return (
    <div data-testid="details-network">
      <h2 className="text-sm font-semibold text-slate-100">{n.name}</h2>
      <Section title="Network">
        <Facts
          rows={[
            ['id', n.id.slice(0, 12)],
            ['driver', `${n.driver} (${n.scope})`],
            ['subnets', n.subnets.join(', ')],
            ['gateways', n.gateways.join(', ')],
            ['MTU', n.mtu ?? 'driver default'],
            [
              'name resolution',
              n.embeddedDns ? 'Docker embedded DNS (127.0.0.11)' : 'none for container names',
            ],
            ['internal', n.internal ? 'yes' : 'no'],
            ['compose project', n.composeProject ?? ''],
          ]}
        />
      </Section>
      <Section title="Attached">
        <ul className="space-y-0.5 font-mono text-[11px]">
          {n.containerIds.map((id) => {
            const c = t.containers.find((x) => x.id === id);
            const a = c?.attachments.find((x) => x.networkId === n.id);
            return (
              <li key={id}>
                <button
                  type="button"
                  className="hover:underline"
                  onClick={() => dashboardStore.getState().select({ kind: 'container', id })}
                >
                  {c?.name ?? id.slice(0, 12)}
                </button>{' '}
                <span className="text-slate-400">{a?.ipv4 ?? ''}</span>
              </li>
            );
          })}
        </ul>
      </Section>
    </div>
  );
}

export function DetailsPanel() {
  const selection = useDashboard((s) => s.selection);
  const t = useDashboard((s) => s.topology);
  if (!selection || !t) return null;
  let body: React.ReactNode = null;
  if (selection.kind === 'container') {
    const c = t.containers.find((x) => x.id === selection.id);
    body = c ? (
      <ContainerDetails c={c} t={t} />
    ) : (
      <p className="text-xs text-slate-400">This container no longer exists.</p>
    );
  } else if (selection.kind === 'namespace') {
    const ns = t.namespaces.find((x) => x.key === selection.id);
    body = ns ? (
      <NamespaceDetails ns={ns} t={t} />
    ) : (
      <p className="text-xs text-slate-400">This namespace no longer exists (its container stopped).</p>
    );
  } else if (selection.kind === 'runbook') {
    body = <RunbookPanel id={selection.id} />;
  } else if (selection.kind === 'probe') {
    body = <EvidencePanel pathKey={selection.id} />;
  } else if (selection.kind === 'network') {
    const n = t.networks.find((x) => x.id === selection.id);
    body = n ? (
      <NetworkDetails n={n} t={t} />
    ) : (
      <p className="text-xs text-slate-400">This network no longer exists.</p>
    );
  }
  return (
    <div data-testid="details-panel">
      <button
        type="button"
        data-testid="details-close"
        className="mb-2 text-xs text-sky-300 hover:underline"
        onClick={() => dashboardStore.getState().select(null)}
      >
        ← back
      </button>
      {body}
    </div>
  );
}
