import { parseArgs } from 'node:util';
import { diagnoseProbes } from '../lib/diagnose/probe';
import { DockerClient, DockerUnreachableError } from '../lib/docker/client';
import { parseDockerHost } from '../lib/docker/endpoint';
import { formatFindings } from '../lib/format/findings';
import { formatProbe } from '../lib/format/probe';
import { formatSummary } from '../lib/format/summary';
import type { ProbeResult } from '../lib/model/probe';
import { Topology } from '../lib/model/topology';
import { probeServiceFromSettings } from '../lib/probe/fromSettings';
import { ProbeError, TargetError } from '../lib/probe/service';
import { readNginxLocations } from '../lib/proxy/configReader';
import { runbookMarkdown } from '../lib/runbook/markdown';
import { runRunbook } from '../lib/runbook/run';
import { scanOnce } from '../lib/scanner';
import { loadSettings, SettingsError } from '../lib/settings';
import { SnapshotStoreError } from '../lib/snapshot/store';
import { dashboardUrl, readToken } from '../server/token';
import { SNAPSHOT_COMMANDS, SnapshotCliError, snapshotCommand } from './snapshots';

const USAGE = `Usage: reachmap <command> [options]

Commands:
  scan [--json]        Scan the Docker host: networks, namespaces, listeners, findings
  probe --from <host|container> --to <url|host:port> [--ws] [--origin O] [--paired]
       [--header 'Name: value']... [--timeout MS] [--logs] [--json]
                       Try the target from inside the initiator's network namespace
                       (DNS its way, TCP, TLS, HTTP, WebSocket upgrade); --paired also
                       from the host; --logs adds the log lines the target and proxies wrote
                       during it. Exit 0 when the probe ran, whatever its verdict.
  runbook --from <host|container> --to <url> [--origin O] [--json|--md]
                       The six-step runbook (label, HTTP, WebSocket, listen matrix, proxy
                       quadruple, origins checklist) as an incident note; Markdown by default
  url                  Print the dashboard's sign-in URL (reads the token from the data directory)

Snapshots (stored in the data directory, shared with the dashboard):
  snapshot [--note TEXT] [--ttl 7d] [--json|--md] [--html FILE]
                       Freeze the host as the dashboard shows it (through the running dashboard,
                       with its probe results, when one is up; else a fresh scan) and print its
                       link /s/<id>, which opens read-only without the token
  snapshots [--json]   List them (newest first)
  export ID [--md|--json] [--out FILE] [--html FILE] [--svg FILE] [--png FILE]
                       Markdown for a chat message, JSON (importable elsewhere), one
                       self-contained HTML file that renders offline (also a printable review),
                       the graph as SVG, or as PNG (drawn by the machine's Chromium)
  import FILE          Store a JSON export as a new snapshot; prints its link
  delete ID            Delete one (its link stops working)
  diff A B [--json]    What changed from snapshot A to B (B may be "now"): containers added,
                       removed or recreated, bind addresses, network modes, networks, ports,
                       proxy settings, allowed origins, flipped probe verdicts; flags a change
                       that moves more than one networking-matrix cell at once

Options:
  --docker-host URL    Docker endpoint (env DOCKER_HOST; default unix:///var/run/docker.sock)
  --data-dir DIR       Data directory (env REACHMAP_DATA_DIR)
  -h, --help           Show this help
`;

class UsageError extends Error {}

/** The target comes from --to or, as operators often type it, the one word after the command. */
function targetArg(command: string, flag: string | undefined, positionals: string[]): string | undefined {
  const rest = positionals.slice(1);
  if (rest.length > 1) throw new UsageError(`${command} takes one target (got "${rest.join(' ')}")`);
  if (flag && rest.length)
    throw new UsageError(`${command}: give the target once (--to ${flag} or ${rest[0]})`);
  return flag ?? rest[0];
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        from: { type: 'string' },
        to: { type: 'string' },
        ws: { type: 'boolean', default: false },
        origin: { type: 'string' },
        paired: { type: 'boolean', default: false },
        header: { type: 'string', multiple: true },
        timeout: { type: 'string' },
        md: { type: 'boolean', default: false },
        logs: { type: 'boolean', default: false },
        note: { type: 'string' },
        ttl: { type: 'string' },
        out: { type: 'string' },
        html: { type: 'string' },
        svg: { type: 'string' },
        png: { type: 'string' },
        'docker-host': { type: 'string' },
        'data-dir': { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  const settings = loadSettings(process.env, {
    dockerHost: values['docker-host'] as string | undefined,
    dataDir: values['data-dir'] as string | undefined,
    host: values.host as string | undefined,
    port: values.port as string | undefined,
  });
  if (SNAPSHOT_COMMANDS.has(command))
    return snapshotCommand(
      command,
      positionals,
      {
        json: values.json as boolean,
        md: values.md as boolean,
        note: values.note as string | undefined,
        ttl: values.ttl as string | undefined,
        out: values.out as string | undefined,
        html: values.html as string | undefined,
        svg: values.svg as string | undefined,
        png: values.png as string | undefined,
      },
      settings,
    );
  switch (command) {
    case 'scan': {
      if (positionals.length > 1)
        throw new UsageError(`scan takes no arguments (got "${positionals.slice(1).join(' ')}")`);
      const client = new DockerClient(
        parseDockerHost(settings.dockerHost, process.env.DOCKER_TLS_VERIFY === '1'),
      );
      const topology = Topology.parse(await scanOnce(client));
      process.stdout.write(
        values.json ? `${JSON.stringify(topology, null, 2)}\n` : `${formatSummary(topology)}\n`,
      );
      return 0;
    }
    case 'probe': {
      const to = targetArg('probe', values.to as string | undefined, positionals);
      if (!values.from || !to)
        throw new UsageError('probe needs --from <host|container> and --to <url|host:port>');
      const headers: Record<string, string> = {};
      for (const h of (values.header as string[] | undefined) ?? []) {
        const i = h.indexOf(':');
        if (i <= 0) throw new UsageError(`--header expects "Name: value", got "${h}"`);
        headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
      }
      const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
      if (timeoutMs !== undefined && !Number.isInteger(timeoutMs))
        throw new UsageError(`--timeout expects milliseconds, got "${values.timeout}"`);
      const client = new DockerClient(
        parseDockerHost(settings.dockerHost, process.env.DOCKER_TLS_VERIFY === '1'),
      );
      const topology = await scanOnce(client);
      const probes = probeServiceFromSettings(settings, client, async () => topology);
      try {
        const r = await probes.run(
          {
            from: values.from as string,
            to,
            ws: values.ws as boolean,
            origin: values.origin as string | undefined,
            headers,
            timeoutMs,
          },
          { paired: values.paired as boolean },
        );
        // The same probe rules the dashboard applies: a failure comes with its reason.
        const findings = diagnoseProbes(topology, r.host ? [r.initiator, r.host] : [r.initiator]);
        if (values.json)
          process.stdout.write(
            `${JSON.stringify({ ...r.initiator, ...(r.host ? { paired: r.host } : {}), findings }, null, 2)}\n`,
          );
        else {
          const shown = (x: ProbeResult) => (values.logs ? x : { ...x, logs: null });
          process.stdout.write(`${formatProbe(shown(r.initiator), 'Probe', topology)}\n`);
          if (r.host) process.stdout.write(`\n${formatProbe(shown(r.host), 'Paired', topology)}\n`);
          process.stdout.write(`\n${formatFindings(findings, 'DIAGNOSIS').join('\n')}\n`);
        }
      } finally {
        probes.close();
      }
      return 0;
    }
    case 'runbook': {
      const to = targetArg('runbook', values.to as string | undefined, positionals);
      if (!values.from || !to) throw new UsageError('runbook needs --from <host|container> and --to <url>');
      const client = new DockerClient(
        parseDockerHost(settings.dockerHost, process.env.DOCKER_TLS_VERIFY === '1'),
      );
      const topology = await scanOnce(client);
      const probes = probeServiceFromSettings(settings, client, async () => topology);
      try {
        const report = await runRunbook(
          {
            from: values.from as string,
            to,
            origin: values.origin as string | undefined,
          },
          { probes, topology: async () => topology, readNginx: readNginxLocations },
        );
        process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : runbookMarkdown(report));
      } finally {
        probes.close();
      }
      return 0;
    }
    case 'url': {
      const token = settings.token ?? (await readToken(settings.dataDir));
      if (!token) {
        process.stderr.write(
          `reachmap: no token yet in ${settings.dataDir}; start the dashboard once (npm start)\n`,
        );
        return 1;
      }
      process.stdout.write(`${dashboardUrl(settings, token)}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof SnapshotCliError && e.exitCode === 1) {
      process.stderr.write(`reachmap: ${e.message}\n`);
      process.exitCode = 1;
    } else if (e instanceof UsageError || e instanceof SnapshotCliError) {
      process.stderr.write(`reachmap: ${e.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (
      e instanceof SettingsError ||
      e instanceof SnapshotStoreError ||
      e instanceof DockerUnreachableError ||
      e instanceof ProbeError ||
      e instanceof TargetError
    ) {
      process.stderr.write(`reachmap: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`reachmap: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
