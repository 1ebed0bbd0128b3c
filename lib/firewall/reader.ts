import { execFile } from 'node:child_process';

/**
 * The host's packet filter as iptables-save prints it. Docker programs iptables (legacy or
 * nf_tables backend); whichever of the two holds Docker's chains is the one in effect.
 * When nothing can be read, the reason is said precisely instead of guessing.
 */

export interface FirewallText {
  available: boolean;
  backend: string | null;
  reason: string | null;
  text: string | null;
}

function run(cmd: string): Promise<{ out: string; err: string; code: string | number | null }> {
  return new Promise((resolve) => {
    execFile(cmd, [], { timeout: 3000, maxBuffer: 16 << 20 }, (e, out, err) =>
      resolve({
        out: String(out ?? ''),
        err: String(err ?? ''),
        code: e ? ((e as NodeJS.ErrnoException).code ?? 1) : null,
      }),
    );
  });
}

export async function readFirewallText(): Promise<FirewallText> {
  if (process.getuid?.() !== 0)
    return {
      available: false,
      backend: null,
      reason: 'Reachmap is not root: reading the packet filter needs CAP_NET_ADMIN',
      text: null,
    };
  const problems: string[] = [];
  for (const cmd of ['iptables-save', 'iptables-nft-save', 'iptables-legacy-save']) {
    const r = await run(cmd);
    if (r.code === 'ENOENT') {
      problems.push(`${cmd}: not installed`);
      continue;
    }
    if (r.code !== null) {
      problems.push(`${cmd}: ${r.err.trim().split('\n')[0] || `exit ${r.code}`}`);
      continue;
    }
    if (!/:DOCKER\b/.test(r.out)) {
      problems.push(`${cmd}: no Docker chains in this backend`);
      continue;
    }
    const backend = /\(nf_tables\)/.test(r.out)
      ? 'iptables-nft'
      : /\(legacy\)/.test(r.out)
        ? 'iptables-legacy'
        : cmd;
    return { available: true, backend, reason: null, text: r.out };
  }
  return { available: false, backend: null, reason: problems.join('; ') || 'no iptables tools', text: null };
}
