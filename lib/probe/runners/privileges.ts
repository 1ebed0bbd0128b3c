import { spawnSync } from 'node:child_process';
import { which } from './locate';

/**
 * How a probe agent sheds what it does not need before it talks to a peer we do not trust:
 * with `setpriv`, no capability (an empty bounding set makes root exec with none;
 * no_new_privs keeps it so) and, where node and the agent are readable by it, the
 * unprivileged user `nobody` (65534). Decided once per process, by trying it.
 */

export const NOBODY = 65534;

export interface AgentPrivileges {
  /** argv prefix that drops privileges (empty: setpriv missing or not root). */
  prefix: string[];
  /** For the runner's detail line. */
  says: string;
}

let decided: AgentPrivileges | null = null;

export function agentPrivileges(agent: string): AgentPrivileges {
  if (decided) return decided;
  const setpriv = which('setpriv');
  if (!setpriv || process.getuid?.() !== 0) {
    decided = {
      prefix: [],
      says: setpriv ? 'as Reachmap’s own user' : 'setpriv missing: the agent keeps Reachmap’s privileges',
    };
    return decided;
  }
  const noCaps = ['--bounding-set=-all', '--inh-caps=-all', '--no-new-privs'];
  const asNobody = [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...noCaps];
  // Can nobody run this node and read the agent (a checkout under /root cannot)?
  const probe = spawnSync(
    setpriv,
    [...asNobody, process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(agent)}, 4)`],
    { stdio: 'ignore', timeout: 10_000 },
  );
  decided =
    probe.status === 0
      ? { prefix: [setpriv, ...asNobody], says: 'as nobody, without capabilities' }
      : {
          prefix: [setpriv, ...noCaps],
          says: 'as root without capabilities (nobody cannot read node or the agent here)',
        };
  return decided;
}
