import { describe, expect, it } from 'vitest';
import { proofValid, tokenProof } from '@/server/proof';

describe('proof that a server holds the token', () => {
  const token = 't'.repeat(43);
  const nonce = 'ab'.repeat(16);

  it('holds for the right token and nonce only', () => {
    const proof = tokenProof(token, nonce);
    expect(proofValid(token, nonce, proof)).toBe(true);
    expect(proofValid(token, 'cd'.repeat(16), proof)).toBe(false);
    expect(proofValid('u'.repeat(43), nonce, proof)).toBe(false);
    for (const junk of [undefined, '', 'zz', 42, proof.toUpperCase(), `${proof}00`])
      expect(proofValid(token, nonce, junk)).toBe(false);
  });
});
