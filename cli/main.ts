import { parseArgs } from 'node:util';
import { OperatorError } from '../lib/errors';
import { loadSettings } from '../lib/settings';
import { VERSION } from '../lib/version';
import { type PinnedPath, parsePinned } from '../lib/watch/paths';
import { dashboardUrl, readToken, rotateToken } from '../server/token';
import { SNAPSHOT_COMMANDS, SnapshotCliError, UsageError } from './errors';
import { commandHelp, usage } from './help';

/**
 * Each command loads what it needs when it runs (cli/scan.ts, cli/probe.ts,
 * cli/snapshots.ts): `--version`, `help` and `url` never load the Docker client, and a scan
 * answered by a running dashboard loads no scanner.
 */

/**
 * With --fail (probe, runbook) exit 1 means "the path fails", so anything that kept the
 * command from answering exits 2 instead.
 */
let gating = false;

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
        hold: { type: 'string' },
        ping: { type: 'string' },
        large: { type: 'boolean', default: false },
        md: { type: 'boolean', default: false },
        logs: { type: 'boolean', default: false },
        note: { type: 'string' },
        ttl: { type: 'string' },
        out: { type: 'string' },
        html: { type: 'string' },
        svg: { type: 'string' },
        png: { type: 'string' },
        'docker-host': { type: 'string' },
        context: { type: 'string' },
        'data-dir': { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
        fail: { type: 'boolean', default: false },
        'fail-on': { type: 'string' },
        fresh: { type: 'boolean', default: false },
        once: { type: 'boolean', default: false },
        interval: { type: 'string' },
        path: { type: 'string', multiple: true },
        for: { type: 'string' },
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
    context: values.context as string | undefined,
    dataDir: values['data-dir'] as string | undefined,
    host: values.host as string | undefined,
    port: values.port as string | undefined,
  });
  if (SNAPSHOT_COMMANDS.has(command)) {
    const { snapshotCommand } = await import('./snapshots');
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
  }
  switch (command) {
    case 'scan': {
      if (positionals.length > 1)
        throw new UsageError(`scan takes no arguments (got "${positionals.slice(1).join(' ')}")`);
      const { scanCommand } = await import('./scan');
      return scanCommand(settings, { json: values.json as boolean, fresh: values.fresh as boolean, failOn });
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
      const secondsOf = (name: string, v: unknown, max: number) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0 || n > max)
          throw new UsageError(`--${name} expects seconds (more than 0, at most ${max}), got "${v}"`);
        return Math.round(n * 1000);
      };
      const wsHoldMs = secondsOf('hold', values.hold, 600);
      const wsPingMs = secondsOf('ping', values.ping, 300);
      if (wsPingMs !== undefined && wsHoldMs === undefined) throw new UsageError('--ping goes with --hold');
      if (wsPingMs !== undefined && wsPingMs < 1000)
        throw new UsageError('--ping: at most one ping a second');
      if (wsHoldMs !== undefined && !values.ws && !/^wss?:\/\//i.test(to))
        throw new UsageError('--hold holds a WebSocket: give a ws:// or wss:// target, or --ws');
      const { probeCommand } = await import('./probe');
      if (values.large && /^tcp:|^(\[[^\]]+\]|[^:/]+):\d+$/i.test(to))
        throw new UsageError(
          '--large sends HTTP requests or WebSocket frames: give an http(s):// or ws(s):// target',
        );
      return probeCommand(settings, {
        wsHoldMs,
        wsPingMs,
        large: values.large as boolean,
        from: values.from as string,
        to,
        ws: values.ws as boolean,
        origin: values.origin as string | undefined,
        headers,
        timeoutMs,
        paired: values.paired as boolean,
        json: values.json as boolean,
        logs: values.logs as boolean,
        fail: values.fail as boolean,
      });
    }
    case 'runbook': {
      const to = targetArg('runbook', values.to as string | undefined, positionals);
      if (!values.from || !to) throw new UsageError('runbook needs --from <host|container> and --to <url>');
      const { runbookCommand } = await import('./probe');
      return runbookCommand(settings, {
        from: values.from as string,
        to,
        origin: values.origin as string | undefined,
        json: values.json as boolean,
        fail: values.fail as boolean,
      });
    }
    case 'watch': {
      const seconds = (name: string, v: unknown, min: number) => {
        if (v === undefined) return null;
        const n = Number(v);
        if (!Number.isFinite(n) || n < min)
          throw new UsageError(`--${name} expects seconds (at least ${min}), got "${v}"`);
        return Math.round(n * 1000);
      };
      let pinned: PinnedPath[];
      try {
        pinned = ((values.path as string[] | undefined) ?? []).map(parsePinned);
      } catch (e) {
        throw new UsageError(`--path: ${(e as Error).message}`);
      }
      const { watchCommand } = await import('./watch');
      return watchCommand(settings, {
        once: values.once as boolean,
        json: values.json as boolean,
        intervalMs: seconds('interval', values.interval, 2) ?? 30_000,
        pinned: [...settings.watchPaths, ...pinned],
        forMs: seconds('for', values.for, 1),
      });
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
    } else if (e instanceof OperatorError) {
      process.stderr.write(`reachmap: ${e.message}\n`);
      process.exitCode = gating ? 2 : 1;
    } else {
      process.stderr.write(`reachmap: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = gating ? 2 : 1;
    }
  },
);
