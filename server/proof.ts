import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Proof that a server holds the token, without anyone sending it: a client that has the
 * token (the CLI, from the data directory) sends a fresh nonce, the server answers with an
 * HMAC of it under the token, and the client checks it before it sends the token itself. A
 * process that merely listens on the port (an unprivileged user's, while the dashboard is
 * down) cannot answer, and so never receives the token. Pure.
 */
export const NONCE = /^[0-9a-f]{32,64}$/;

export function tokenProof(token: string, nonce: string): string {
  return createHmac('sha256', token).update(`reachmap-proof:${nonce}`).digest('hex');
}

export function proofValid(token: string, nonce: string, proof: unknown): boolean {
  if (typeof proof !== 'string' || !/^[0-9a-f]{64}$/.test(proof)) return false;
  return timingSafeEqual(Buffer.from(proof, 'hex'), Buffer.from(tokenProof(token, nonce), 'hex'));
}
