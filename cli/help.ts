import { VERSION } from '../lib/version';

/** The CLI's help: one entry per command, assembled into the overview or shown alone (`help <command>`). */

interface Entry {
  group: 'host' | 'snapshots';
  synopsis: string;
  text: string;
}

const COMMANDS: Record<string, Entry> = {
  scan: {
    group: 'host',
    synopsis: 'scan [--json] [--fail-on warning|error] [--fresh]',
    text: `Scan the Docker host: networks, namespaces, listeners, findings.
When a dashboard runs on this machine for the same engine (same data directory), its topology
is used: it is kept current by the engine's events, so nothing is scanned twice (stderr says so).
--fresh scans here in any case.
--json prints one object (schemaVersion, then the topology) valid against schema/topology.schema.json.
--fail-on warning|error exits 1 when a finding of that severity or worse is found (for CI gates).`,
  },
  probe: {
    group: 'host',
    synopsis: `probe --from <host|container> --to <url|host:port> [--ws] [--origin O] [--paired]
       [--header 'Name: value']... [--timeout MS] [--hold S [--ping S]] [--large] [--logs] [--json] [--fail]`,
    text: `Try the target from inside the initiator's network namespace (DNS its way, TCP, TLS,
HTTP, WebSocket upgrade); --paired also from the host; --logs adds the log lines the target
and proxies wrote during it; --hold keeps the WebSocket open that many seconds (idle, or a
ping every --ping seconds) and says who ended it and when, naming the proxy's idle timeout
(nginx proxy_read_timeout) when that is what cut it; --large also sends requests (and, with
--ws, WebSocket frames) of 1 KiB to 64 KiB and reports the size where they stall, with the
MTUs on the path (a path-MTU black hole passes small requests only). Exit 0 when the probe ran, whatever its verdict; with --fail,
exit 0 only when the path passes, 1 when it fails, 2 on usage or engine errors.`,
  },
  runbook: {
    group: 'host',
    synopsis: 'runbook --from <host|container> --to <url> [--origin O] [--json|--md] [--fail]',
    text: `The six-step runbook (label, HTTP, WebSocket, listen matrix, proxy quadruple, origins
checklist) as an incident note; Markdown by default. --fail: exit 1 when it stopped at a
failing step, 0 when all steps ran, 2 on usage or engine errors.`,
  },
  watch: {
    group: 'host',
    synopsis: 'watch [--once] [--interval S] [--path FROM>TO]... [--for S] [--json]',
    text: `Keep probing the paths that matter, as the dashboard's watch does: every published port from
the host (held open a moment: docker-proxy accepts, then closes when nothing answers behind
it), each proxy (nginx, Caddy, Traefik) to its upstreams, each container to the containers
its environment names (DATABASE_URL, REDIS_ADDR…), an OpenClaw gateway from the host with
an Origin its config allows, and the paths given with --path (and in REACHMAP_WATCH_PATHS).
Prints every path's verdict, then each change as it happens: a verdict, or the container that
answers (a rolling update; an address no container holds any more) (--json: one object per
line: at, from, to, ok, verdict, decisive, why, address, reached, previous, previousReached,
replica). --once: one sweep, then exit (--json: {"schemaVersion", "paths": [{from, to, ok,
verdict, decisive, why, label, address, reached}]}). --interval: seconds between sweeps
(default 30). --for: stop after that many seconds (else at Ctrl-C).`,
  },
  url: {
    group: 'host',
    synopsis: 'url',
    text: "Print the dashboard's sign-in URL (reads the token from the data directory).",
  },
  'rotate-token': {
    group: 'host',
    synopsis: 'rotate-token',
    text: `Write a new token to the data directory and print its sign-in URL. A running dashboard
notices within 2 s: the old token stops working and every session ends, sockets included.`,
  },
  snapshot: {
    group: 'snapshots',
    synopsis: 'snapshot [--note TEXT] [--ttl 7d] [--json|--md] [--html FILE]',
    text: `Freeze the host as the dashboard shows it (through the running dashboard, with its probe
results, when one is up; else a fresh scan) and print its link /s/<id>, which opens
read-only without the token.`,
  },
  snapshots: { group: 'snapshots', synopsis: 'snapshots [--json]', text: 'List them (newest first).' },
  export: {
    group: 'snapshots',
    synopsis: 'export ID [--md|--json] [--out FILE] [--html FILE] [--svg FILE] [--png FILE]',
    text: `Markdown for a chat message, JSON (importable elsewhere), one self-contained HTML file that
renders offline (also a printable review), the graph as SVG, or as PNG (drawn by the
machine's Chromium).`,
  },
  import: {
    group: 'snapshots',
    synopsis: 'import FILE',
    text: 'Store a JSON export as a new snapshot; prints its link.',
  },
  delete: { group: 'snapshots', synopsis: 'delete ID', text: 'Delete one (its link stops working).' },
  diff: {
    group: 'snapshots',
    synopsis: 'diff A B [--json]',
    text: `What changed from snapshot A to B (B may be "now"): containers added, removed or
recreated, bind addresses, network modes, networks, ports, proxy routes, allowed origins,
flipped probe verdicts; flags a change that moves more than one networking-matrix cell.`,
  },
};

const OPTIONS = `Options:
  --docker-host URL    Docker endpoint (env DOCKER_HOST; default unix:///var/run/docker.sock)
  --context NAME       a Docker CLI context (env DOCKER_CONTEXT; else the CLI's current context)
  --data-dir DIR       Data directory (env REACHMAP_DATA_DIR)
  -h, --help           Show this help; help <command> shows one command
  -v, --version        Print the version
Output has no colour codes (NO_COLOR is honoured by having none).`;

const indent = (s: string, n: number) =>
  s
    .split('\n')
    .map((l) => `${' '.repeat(n)}${l}`)
    .join('\n');

export function usage(): string {
  const section = (group: Entry['group']) =>
    Object.entries(COMMANDS)
      .filter(([, e]) => e.group === group)
      .map(([, e]) => `  ${e.synopsis}\n${indent(e.text, 6)}`)
      .join('\n');
  return `Reachmap ${VERSION}
Usage: reachmap <command> [options]

Commands:
${section('host')}

Snapshots (stored in the data directory, shared with the dashboard):
${section('snapshots')}

${OPTIONS}
`;
}

export const isCommand = (name: string) => Object.hasOwn(COMMANDS, name);

/** One command's help, or null for an unknown command. */
export function commandHelp(name: string): string | null {
  const e = COMMANDS[name];
  return e ? `Usage: reachmap ${e.synopsis}\n\n${e.text}\n\n${OPTIONS}\n` : null;
}
