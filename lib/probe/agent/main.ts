// Entry point of the in-namespace probe agent (bundled to dist/probe-agent.mjs):
// one JSON AgentRequest per stdin line; JSON AgentMessages per stdout line. Probes run
// concurrently; the process exits when stdin closes. Only Node's own modules are used.
import { createInterface } from 'node:readline';
import type { AgentMessage, AgentRequest } from './protocol';
import { runProbe } from './run';

const send = (m: AgentMessage) => process.stdout.write(`${JSON.stringify(m)}\n`);

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let req: AgentRequest;
  try {
    req = JSON.parse(line) as AgentRequest;
  } catch {
    send({ id: '?', type: 'error', error: 'request is not JSON' });
    return;
  }
  runProbe(
    req,
    (step) => send({ id: req.id, type: 'step', step }),
    (at) => send({ id: req.id, type: 'started', at }),
  ).then(
    () => send({ id: req.id, type: 'done' }),
    (e: unknown) => send({ id: req.id, type: 'error', error: e instanceof Error ? e.message : String(e) }),
  );
});
rl.on('close', () => setTimeout(() => process.exit(0), 50).unref());
send({ id: '', type: 'ready' });
