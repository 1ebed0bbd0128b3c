import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Finding the lab's containers by compose labels (names differ between compose v1 and v2). */

export const LAB_PROJECT = process.env.LAB_PROJECT ?? 'reachmap-lab';
export const LAB_SH = path.resolve(import.meta.dirname, 'lab.sh');

export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function labContainer(service: string): { id: string; name: string } {
  const id = docker(
    'ps',
    '-aq',
    '--no-trunc',
    '--filter',
    `label=com.docker.compose.project=${LAB_PROJECT}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
  )
    .split('\n')
    .filter(Boolean)[0];
  if (!id) throw new Error(`lab service ${service} has no container: is the lab up (npm run lab:up)?`);
  return { id, name: docker('inspect', '-f', '{{.Name}}', id).replace(/^\//, '') };
}

/** docker compose for the lab, through lab.sh (which picks v2 or v1). */
export function labCompose(...args: string[]): string {
  return execFileSync('bash', [LAB_SH, 'compose', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export const LAB_CANARY = process.env.LAB_CANARY ?? 'reachmap-canary-4f1c9b7e2d';

/** Wait until a lab service's container runs and, if it has a healthcheck, reports healthy. */
export async function waitHealthy(service: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { id } = labContainer(service);
    const state = docker(
      'inspect',
      '-f',
      '{{.State.Running}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}',
      id,
    );
    if (state === 'true healthy' || state === 'true none') return;
    if (Date.now() > deadline) throw new Error(`${service} not healthy after ${timeoutMs} ms (${state})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * After a test stopped the lab's gateway: start it, wait until healthy, and restart the
 * proxies in front of it (nginx resolved `gateway` when it started; a restarted gateway may
 * have another address), so the test files after this one find the lab as it was.
 */
export async function restoreGateway(): Promise<void> {
  docker('start', labContainer('gateway').id);
  await waitHealthy('gateway');
  for (const proxy of ['proxy-plain', 'proxy-upgrade']) docker('restart', '-t', '1', labContainer(proxy).id);
  for (const proxy of ['proxy-plain', 'proxy-upgrade']) await waitHealthy(proxy);
}

/** Values the lab gateway writes to its log on GET /debug; no output may contain them. */
export const LAB_LOGGED_SECRETS = ['sk-lab-5f1c9e7a2b4d6f8a0c1e3g5h7j9k', 'lab-secret-payload'];

/** A small web server in the lab's busybox image: `docker run … ${...LAB_HTTPD}` (port 8080, all addresses). */
export const LAB_HTTPD = ['reachmap-lab/busybox:local', 'httpd', '-f', '-p', '8080', '-h', '/tmp'];

/** Wait until every named container runs (test containers started with `docker run -d`); throw if one does not. */
export async function waitRunning(names: readonly string[], timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let states = '';
  while (Date.now() < end) {
    states = docker('inspect', '-f', '{{.State.Running}}', ...names);
    if (states.split('\n').every((x) => x === 'true')) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not running after ${timeoutMs} ms: ${names.join(', ')} (${states.replace(/\n/g, ' ')})`);
}

/** A replica of a service: the lab's web server on the backend network under a shared alias (as compose gives replicas). */
export function runReplica(name: string, alias: string): string {
  return docker(
    'run',
    '-d',
    '--name',
    name,
    '--network',
    `${LAB_PROJECT}_backend`,
    '--network-alias',
    alias,
    ...LAB_HTTPD,
  );
}
