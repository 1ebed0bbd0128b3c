import type { Finding, Topology } from '../../model/topology';
import { containerRef, type Index, listenerText, makeFinding, type Rule } from '../finding';

/**
 * `docker compose ps` says "unhealthy": say why, from the engine's own record of the last
 * check and the namespace's listeners. Two causes are common and easy to miss: the check's
 * tool is not in the image (exit 127: curl in a slim image), and the check asks a port
 * nothing listens on.
 */

// The shell's and runc's wording for a command that is not there (not curl's "404 Not Found").
const MISSING_TOOL = /: (?:command )?not found\s*$|executable file not found in \$PATH/m;
// A local URL with a literal port (or none): `$PORT`-style ports are not guessed.
const LOCAL_URL = /\bhttps?:\/\/(?:localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0)(?::(\d{1,5}))?(?=[/\s"'?]|$)/;

export const unhealthy: Rule = (t: Topology, idx: Index): Finding[] => {
  const out: Finding[] = [];
  for (const c of t.containers) {
    if (c.health !== 'unhealthy' || c.state !== 'running') continue;
    const last = c.healthLast;
    const evidence = [
      {
        label: 'health',
        value: `unhealthy${last ? ` (${last.failingStreak} failing in a row)` : ''}`,
        source: 'docker-api' as const,
      },
      ...(c.healthcheck
        ? [{ label: 'healthcheck', value: c.healthcheck, source: 'docker-api' as const }]
        : []),
      ...(last
        ? [
            {
              label: 'last check',
              value: `exit ${last.exitCode}${last.output ? `: ${last.output}` : ''}`,
              source: 'docker-api' as const,
            },
          ]
        : []),
    ];
    const base = { pattern: 'health-not-reachability' as const, evidence };
    const ns = c.netns ? idx.namespaceById.get(c.netns) : undefined;

    if (last && (last.exitCode === 127 || MISSING_TOOL.test(last.output))) {
      out.push(
        makeFinding('unhealthy', 'warning', containerRef(c), {
          ...base,
          title: `${c.name} is unhealthy because its healthcheck command is missing from the image`,
          message: `The last check exited ${last.exitCode}${last.output ? ` (“${last.output.slice(0, 120)}”)` : ''}: the tool the healthcheck calls is not in the image, so Docker marks ${c.name} unhealthy whatever the service does — and anything that waits for "healthy" (depends_on: condition: service_healthy) never starts.`,
          fix: 'Use a tool the image has (busybox wget -q --spider, or the runtime itself, e.g. node -e "fetch(...)"), or install the tool in the image.',
        }),
      );
      continue;
    }
    const local = c.healthcheck ? LOCAL_URL.exec(c.healthcheck) : null;
    const port = local ? Number(local[1] ?? (/https:/.test(c.healthcheck ?? '') ? 443 : 80)) : null;
    const tcp = ns?.listeners.filter((l) => l.role === 'workload' && l.protocol === 'tcp') ?? [];
    if (port && ns && ns.listenerSource !== 'unavailable' && !tcp.some((l) => l.port === port)) {
      out.push(
        makeFinding('unhealthy', 'warning', containerRef(c), {
          ...base,
          discriminator: `port-${port}`,
          title: `${c.name} is unhealthy: its healthcheck asks port ${port}, where nothing listens`,
          message: `The healthcheck runs inside ${c.name}'s namespace and connects to ${port}; no socket there listens on ${port}${
            tcp.length ? ` (it listens on ${tcp.map(listenerText).join(', ')})` : ' (no TCP listener at all)'
          }.`,
          evidence: [
            ...evidence,
            {
              label: 'listeners',
              value: tcp.map(listenerText).join(', ') || 'none',
              source: ns.listenerSource,
            },
          ],
          fix: tcp.length
            ? `Point the healthcheck at the port the service serves (${[...new Set(tcp.map((l) => l.port))].join(', ')}), or make the service listen on ${port}.`
            : 'Check that the service started at all (docker logs), then that the healthcheck asks its port.',
        }),
      );
      continue;
    }
    out.push(
      makeFinding('unhealthy', 'warning', containerRef(c), {
        ...base,
        title: `${c.name} is unhealthy`,
        message: `Docker's last healthcheck of ${c.name} ${last ? `exited ${last.exitCode}${last.output ? `: “${last.output.slice(0, 200)}”` : ' with no output'}` : 'failed'}. The check runs inside the container's own namespace: a failure there is the service itself, not the network between containers.`,
        fix: 'Read the check output and the container logs around the check time; probe the service from another namespace to see whether clients are affected too.',
      }),
    );
  }
  return out;
};
