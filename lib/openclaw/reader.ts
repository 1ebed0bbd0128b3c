import type { DockerContainer } from '../docker/schemas';
import { mapLimit } from '../util/concurrency';
import { readFileInRoot } from '../util/safeRead';
import {
  configCandidates,
  effectiveFromArgs,
  extractSettings,
  looksLikeGateway,
  type OpenclawFacts,
} from './config';

const MAX_CONFIG_BYTES = 512 * 1024;

async function readOne(c: DockerContainer): Promise<OpenclawFacts> {
  const tried: string[] = [];
  for (const { root, file } of configCandidates(c)) {
    const where = root === '/' ? `mounted file ${file}` : `inside the container (${file})`;
    let text: string;
    try {
      text = await readFileInRoot(root, file, MAX_CONFIG_BYTES);
    } catch (e) {
      tried.push(`${where}: ${(e as { code?: string }).code ?? (e as Error).message}`);
      continue;
    }
    try {
      return { configSource: where, ...effectiveFromArgs(c.Args, extractSettings(text)) };
    } catch (e) {
      tried.push(`${where}: not valid JSON5 (${(e as Error).message.slice(0, 80)})`);
    }
  }
  return {
    configSource: `config not readable (${tried.join('; ') || 'no candidate path'}); only command-line flags are known`,
    ...effectiveFromArgs(c.Args, { bind: null, port: null, allowedOrigins: null, trustedProxies: null }),
  };
}

/** OpenClaw facts for every container that looks like a gateway. */
export async function readOpenclawFacts(
  containers: DockerContainer[],
): Promise<Record<string, OpenclawFacts>> {
  const gateways = containers.filter(looksLikeGateway);
  const facts = await mapLimit(gateways, 4, readOne);
  return Object.fromEntries(gateways.map((c, i) => [c.Id, facts[i] as OpenclawFacts]));
}
