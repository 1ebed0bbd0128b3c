import { describe, expect, it } from 'vitest';
import { ProbeSpec } from '@/lib/model/probe';

describe('probe requests are validated at the boundary', () => {
  const spec = (headers: Record<string, string>) =>
    ProbeSpec.safeParse({ from: 'host', to: 'http://x/', headers });

  it('refuses header values with NUL, line breaks or other control characters', () => {
    for (const bad of ['a\u0000b', 'a\r\nX-Injected: 1', 'a\nb', 'bell\u0007', 'del\u007f', 'é'])
      expect(spec({ 'X-Test': bad }).success, JSON.stringify(bad)).toBe(false);
  });

  it('accepts ordinary values, tabs included', () => {
    expect(spec({ 'X-Test': 'Bearer abc.def-ghi_jkl', Accept: 'text/html;\tq=0.9' }).success).toBe(true);
  });
});
