import { ProbeError } from './initiator';
import type { ProbeService } from './service';

/** What the probe hub and the runbook need from a prober. */
export type Prober = Pick<ProbeService, 'validate' | 'run' | 'close'>;

/**
 * A prober for a server that cannot probe (a replayed topology has no engine behind it):
 * every probe is refused before it starts, with the reason, through the same paths that
 * refuse a bad target; so single probes, probe-all and runbooks all say why.
 */
export function refusingProber(reason: string): Prober {
  const refuse = () => Promise.reject(new ProbeError(reason));
  return {
    validate: refuse,
    run: refuse,
    close: () => {
      // Nothing to close: no agent was ever started.
    },
  };
}
