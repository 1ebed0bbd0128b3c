import type { DockerClient } from '../docker/client';
import type { Topology } from '../model/topology';
import type { Settings } from '../settings';
import { ProbeService } from './service';

/**
 * The probe service as the settings configure it, for the server and the CLI alike. Log
 * capture is on unless REACHMAP_LOG_CAPTURE=off: a proxy's own error line is the best reason
 * for a 502.
 */
export function probeServiceFromSettings(
  settings: Settings,
  client: DockerClient,
  topology: () => Promise<Topology>,
): ProbeService {
  return new ProbeService({
    topology,
    allow: { entries: settings.probeAllow },
    docker: client,
    runner: settings.probeRunner,
    helperImage: settings.helperImage,
    ...(settings.logCapture === 'on'
      ? { logs: { readWindow: (id, driver, w) => client.logWindow(id, driver, w) } }
      : {}),
  });
}
