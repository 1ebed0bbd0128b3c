import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closedWithin, connectTcp } from '@/lib/probe/agent/tcp';

/** The TCP hold: what docker-proxy with nothing behind it does, against servers that stay. */
const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(onConn: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer(onConn);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

describe('closedWithin', () => {
  it('is true for a server that accepts and closes at once, false for one that waits or greets', async () => {
    const closing = await serve((s) => s.destroy());
    const silent = await serve(() => undefined);
    const greeting = await serve((s) => s.write('SSH-2.0-x\r\n'));
    const hold = async (port: number) => {
      const s = await connectTcp('127.0.0.1', port, 2000);
      try {
        return await closedWithin(s, 300);
      } finally {
        s.destroy();
      }
    };
    expect(await hold(closing)).toBe(true);
    expect(await hold(silent)).toBe(false);
    expect(await hold(greeting)).toBe(false);
  });
});
