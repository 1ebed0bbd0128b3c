import { readFile } from 'node:fs/promises';
import type { DockerContainer } from '../docker/schemas';
import { mapLimit } from '../util/concurrency';
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
  for (const path of configCandidates(c)) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      tried.push(`${path}: ${(e as { code?: string }).code ?? 'unreadable'}`);
      continue;
    }
    if (text.length > MAX_CONFIG_BYTES) {
      tried.push(`${path}: larger than ${MAX_CONFIG_BYTES} bytes`);
      continue;
    }
    try {
      const where = path.startsWith('/proc/')
        ? `inside the container (${path.replace(/^\/proc\/\d+\/root/, '')})`
        : `mounted file ${path}`;
      return { configSource: where, ...effectiveFromArgs(c.Args, extractSettings(text)) };
    } catch (e) {
      tried.push(`${path}: not valid JSON5 (${(e as Error).message.slice(0, 80)})`);
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
