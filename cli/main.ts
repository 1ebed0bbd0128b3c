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
import { VERSION } from '../lib/version';
import { dashboardUrl, readToken, rotateToken } from '../server/token';
import { commandHelp, usage } from './help';
import { SNAPSHOT_COMMANDS, SnapshotCliError, snapshotCommand } from './snapshots';

/** JSON outputs carry this version of their shape; the schemas are in schema/ (npm run schema). */
export const CLI_SCHEMA_VERSION = 1;

/**
 * With --fail (probe, runbook) exit 1 means "the path fails", so anything that kept the
 * command from answering exits 2 instead.
 */
let gating = false;

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
        version: { type: 'boolean', short: 'v', default: false },
        fail: { type: 'boolean', default: false },
        'fail-on': { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  gating = values.fail === true || values['fail-on'] !== undefined;
  if (values.version) {
    process.stdout.write(`reachmap ${VERSION}\n`);
    return 0;
  }
  if (command === 'help' || (values.help && command)) {
    const about = command === 'help' ? positionals[1] : command;
    if (!about) {
      process.stdout.write(usage());
      return 0;
    }
    const text = commandHelp(about);
    if (!text) throw new UsageError(`no command "${about}"`);
    process.stdout.write(text);
    return 0;
  }
  if (values.help || !command) {
    process.stdout.write(usage());
    return values.help ? 0 : 2;
  }
  if (values.fail && command !== 'probe' && command !== 'runbook')
    throw new UsageError('--fail goes with probe or runbook (scan has --fail-on warning|error)');
  const failOn = values['fail-on'] as string | undefined;
  if (failOn !== undefined && (command !== 'scan' || !['warning', 'error'].includes(failOn)))
    throw new UsageError('--fail-on goes with scan and takes warning or error');
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
        values.json
          ? `${JSON.stringify({ schemaVersion: CLI_SCHEMA_VERSION, ...topology }, null, 2)}\n`
          : `${formatSummary(topology)}\n`,
      );
      if (failOn) {
        const gate = failOn === 'error' ? ['error'] : ['error', 'warning'];
        const hits = topology.findings.filter((f) => gate.includes(f.severity));
        if (hits.length) {
          process.stderr.write(`reachmap: ${hits.length} finding(s) at ${failOn} or worse\n`);
          return 1;
        }
      }
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
            `${JSON.stringify({ schemaVersion: CLI_SCHEMA_VERSION, ...r.initiator, ...(r.host ? { paired: r.host } : {}), findings }, null, 2)}\n`,
          );
        else {
          const shown = (x: ProbeResult) => (values.logs ? x : { ...x, logs: null });
          process.stdout.write(`${formatProbe(shown(r.initiator), 'Probe', topology)}\n`);
          if (r.host) process.stdout.write(`\n${formatProbe(shown(r.host), 'Paired', topology)}\n`);
          process.stdout.write(`\n${formatFindings(findings, 'DIAGNOSIS').join('\n')}\n`);
        }
        return values.fail && r.initiator.verdict !== 'pass' ? 1 : 0;
      } finally {
        probes.close();
      }
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
        process.stdout.write(
          values.json
            ? `${JSON.stringify({ schemaVersion: CLI_SCHEMA_VERSION, ...report }, null, 2)}\n`
            : runbookMarkdown(report),
        );
        return values.fail && report.stoppedAt !== null ? 1 : 0;
      } finally {
        probes.close();
      }
    }
    case 'rotate-token': {
      if (settings.token) throw new UsageError('the token comes from REACHMAP_TOKEN here: change it there');
      const token = await rotateToken(settings.dataDir);
      process.stderr.write(
        'reachmap: new token written; a running dashboard ends every session within 2 s. Sign in again:\n',
      );
      process.stdout.write(`${dashboardUrl(settings, token)}\n`);
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
      process.stderr.write(`reachmap: ${e.message}\n\n${usage()}`);
      process.exitCode = 2;
    } else if (
      e instanceof SettingsError ||
      e instanceof SnapshotStoreError ||
      e instanceof DockerUnreachableError ||
      e instanceof ProbeError ||
      e instanceof TargetError
    ) {
      process.stderr.write(`reachmap: ${e.message}\n`);
      process.exitCode = gating ? 2 : 1;
    } else {
      process.stderr.write(`reachmap: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = gating ? 2 : 1;
    }
  },
);
