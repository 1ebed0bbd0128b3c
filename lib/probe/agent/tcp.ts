import net from 'node:net';

/** One TCP connect with a hard timeout; the kernel's own retry of a lost SYN is ~1 s. */
export function connectTcp(address: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    });
  });
}

/**
 * Whether the peer closes (or resets) a fresh connection within `ms` without sending a byte:
 * what a forwarder with nothing behind it does. Data or silence both mean "something holds it".
 */
export function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve(true);
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('end', onClose);
      socket.removeListener('close', onClose);
      socket.removeListener('error', onClose);
      resolve(closed);
    };
    const onData = () => done(false);
    const onClose = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    socket.once('data', onData);
    socket.once('end', onClose);
    socket.once('close', onClose);
    socket.once('error', onClose);
  });
}

export function errorCode(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { code?: string; message?: string };
    if (o.code) return o.code;
    if (o.message) return o.message;
  }
  return String(e);
}
