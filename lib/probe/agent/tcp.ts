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

export function errorCode(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { code?: string; message?: string };
    if (o.code) return o.code;
    if (o.message) return o.message;
  }
  return String(e);
}
