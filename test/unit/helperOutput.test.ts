import { describe, expect, it } from 'vitest';
import { parseHelperOutput } from '@/lib/netns/helperOutput';

describe('netlink helper output', () => {
  it('parses namespaces, sockets, errors and owners', () => {
    const out = parseHelperOutput(
      [
        'ns 1091 4026531833',
        's 1091 tcp 4 127.0.0.1 28789 87972',
        's 1091 tcp 6 :: 8080 1200',
        'ns 936 4026532270',
        's 936 udp 4 127.0.0.11 34580 90114',
        'err 77 ESRCH open',
        'o 87972 899',
        'o 87972 900',
        'garbage line',
        's 999 tcp 4 1.2.3.4 1 1',
      ].join('\n'),
    );
    expect(out.namespaces.get(1091)?.inode).toBe(4026531833);
    expect(out.namespaces.get(1091)?.sockets).toEqual([
      { protocol: 'tcp', family: 4, address: '127.0.0.1', port: 28789, state: 0x0a, inode: 87972 },
      { protocol: 'tcp', family: 6, address: '::', port: 8080, state: 0x0a, inode: 1200 },
    ]);
    expect(out.namespaces.get(936)?.sockets[0]).toMatchObject({ protocol: 'udp', state: 0x07 });
    expect(out.errors.get(77)).toBe('ESRCH (open)');
    // The first holder wins (a forked worker shares its parent's socket).
    expect(out.owners.get(87972)).toBe(899);
    // A socket line for a namespace never announced is ignored.
    expect(out.namespaces.has(999)).toBe(false);
  });
});
