import { describe, expect, it } from 'vitest';
import { settleKernel } from '@/lib/netns/facts';
import { parseHelperOutput } from '@/lib/netns/helperOutput';
import { factsFromHelper, HolderMemory } from '@/lib/netns/helperReader';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const SELF = 4242;

describe('netlink helper output', () => {
  const out = parseHelperOutput(
    [
      `ns ${SELF} 4026531833 -`,
      `s ${SELF} tcp 4 127.0.0.1 28789 87972`,
      `s ${SELF} tcp 6 :: 8080 1200 0`,
      `s ${SELF} tcp 6 :: 80 1201 1`,
      'err 1 EACCES open',
      `ns 936 4026532270 ${A}`,
      's 936 tcp 4 127.0.0.1 18789 89208',
      's 936 udp 4 127.0.0.11 34580 90114',
      `ns 937 4026532270 ${B}`,
      'err 77 ESRCH open',
      `o 87972 899 - docker-proxy`,
      `o 87972 900 - docker-proxy`,
      `o 89208 936 ${A} node`,
      'garbage line',
      's 999 tcp 4 1.2.3.4 1 1',
    ].join('\n'),
  );

  it('parses pids, per-namespace sockets, errors and owners', () => {
    expect(out.pids.get(936)).toEqual({ inode: 4026532270, containerId: A });
    expect(out.pids.get(SELF)?.containerId).toBeNull();
    expect(out.sockets.get(4026531833)).toEqual([
      { protocol: 'tcp', family: 4, address: '127.0.0.1', port: 28789, state: 0x0a, inode: 87972 },
      { protocol: 'tcp', family: 6, address: '::', port: 8080, state: 0x0a, inode: 1200, v6only: false },
      // IPV6_V6ONLY (nginx's `listen [::]:80`): ss shows [::]:80 rather than *:80.
      { protocol: 'tcp', family: 6, address: '::', port: 80, state: 0x0a, inode: 1201, v6only: true },
    ]);
    // An older helper without the field: unknown, not "dual-stack".
    expect(out.sockets.get(4026532270)?.[0]).not.toHaveProperty('v6only');
    expect(out.sockets.get(4026532270)?.[1]).toMatchObject({ protocol: 'udp', state: 0x07 });
    expect(out.errors.get(77)).toBe('ESRCH (open)');
    // The first holder wins (a forked worker shares its parent's socket).
    expect(out.owners.get(87972)).toEqual({ pid: 899, name: 'docker-proxy', containerId: null });
    expect(out.sockets.size).toBe(2);
  });

  it('turns output into facts: shared namespaces, vanished pids, pid-namespace mismatches', () => {
    const facts = factsFromHelper(
      [
        { id: A, pid: 936, hostMode: false },
        { id: 'c'.repeat(64), pid: 937, hostMode: false }, // /proc/937 is B's process, not this one
        { id: 'd'.repeat(64), pid: 77, hostMode: false },
        { id: 'e'.repeat(64), pid: null, hostMode: false },
      ],
      out,
      SELF,
    );
    expect(facts.host).toEqual({ inode: 4026531833, source: 'proc' });
    expect(facts.containers[A]).toEqual({ inode: 4026532270, source: 'proc', confirmed: true });
    expect(facts.containers['c'.repeat(64)]?.error).toMatch(/another process/);
    expect(facts.containers['d'.repeat(64)]?.error).toMatch(/ESRCH/);
    expect(facts.containers['e'.repeat(64)]?.error).toBe('not running');
    expect(facts.tables['inode:4026532270']?.source).toBe('netlink');
    expect(facts.tables['inode:4026532270']?.sockets).toHaveLength(2);
    expect(facts.owners['89208']).toEqual({ pid: 936, name: 'node', containerId: A });
    expect(facts.procVisible).toBe(true);
  });

  it('when Reachmap runs inside a container, the host netns is pid 1’s, or unknown', () => {
    const inContainer = parseHelperOutput(
      [`ns ${SELF} 4026532270 ${A}`, `ns 936 4026532270 ${A}`].join('\n'),
    );
    const facts = factsFromHelper([{ id: A, pid: 936, hostMode: false }], inContainer, SELF);
    expect(facts.host.inode).toBeNull();
    expect(facts.host.error).toMatch(/pid: host/);
  });
});

describe('when Reachmap runs in a container without host PID visibility', () => {
  it('recognises its own container from mountinfo and does not call its netns the host’s', async () => {
    const { containerIdFromMountinfo } = await import('@/lib/netns/facts');
    const id = 'c'.repeat(64);
    const mountinfo = `651 640 254:1 /var/lib/docker/containers/${id}/hostname /etc/hostname rw,relatime - ext4 /dev/vda rw\n`;
    expect(containerIdFromMountinfo(mountinfo)).toBe(id);
    expect(containerIdFromMountinfo('1 0 0:1 / / rw - ext4 /dev/vda rw\n')).toBeNull();
    // Only our own netns is visible; every container's identity is unknown.
    const out = parseHelperOutput(`ns ${SELF} 4026532999 -\nerr 936 ENOENT open\n`);
    const facts = factsFromHelper([{ id, pid: 936, hostMode: false }], out, SELF, true, id);
    expect(facts.host.inode).toBeNull();
    expect(facts.host.error).toMatch(/pid: host/);
  });

  it('a forged record later in the stream cannot move a pid to another namespace', () => {
    const out = parseHelperOutput(
      [`ns 936 4026532270 ${A}`, `ns 936 4026531833 -`, 'ns 937 1 2 3 extra'].join('\n'),
    );
    expect(out.pids.get(936)?.inode).toBe(4026532270);
    expect(out.pids.has(937)).toBe(false);
  });
});

describe('socket holders remembered across reads', () => {
  const first = parseHelperOutput(
    [
      'ns 10 4026531833 -',
      's 10 tcp 4 0.0.0.0 80 500',
      's 10 tcp 4 0.0.0.0 443 501',
      's 10 udp 4 127.0.0.11 53 502',
      'o 500 11 - nginx',
      'o 501 12 - haproxy',
    ].join('\n'),
  );

  it('passes the live holders to the helper, fills them back in, and learns new ones', () => {
    const memory = new HolderMemory();
    memory.merge(first, 0);
    // pid 12 has exited since: its socket is looked for again. 502 had no holder: skipped for now.
    expect(memory.args((pid) => pid !== 12, 1000)).toEqual(['--known=500,502']);
    const second = parseHelperOutput(
      [
        'ns 10 4026531833 -',
        's 10 tcp 4 0.0.0.0 80 500',
        's 10 tcp 4 0.0.0.0 443 501',
        'o 501 13 - haproxy',
      ].join('\n'),
    );
    const merged = memory.merge(second, 1000);
    expect(merged.owners.get(500)).toEqual({ pid: 11, name: 'nginx', containerId: null });
    expect(merged.owners.get(501)).toEqual({ pid: 13, name: 'haproxy', containerId: null });
  });

  it('a socket no walk could attribute is looked for again after a while', () => {
    const memory = new HolderMemory(60_000);
    memory.merge(first, 0);
    expect(memory.args(() => true, 59_000)[0]).toContain('502');
    expect(memory.args(() => true, 61_000)[0]).not.toContain('502');
  });

  it('a socket no longer reported gets no holder from memory', () => {
    const memory = new HolderMemory();
    memory.merge(first, 0);
    const gone = memory.merge(parseHelperOutput('ns 10 4026531833 -\ns 10 tcp 4 0.0.0.0 80 500'), 0);
    expect([...gone.owners.keys()]).toEqual([500]);
  });

  it('splits a long list into arguments the kernel takes (128 KiB each)', () => {
    const memory = new HolderMemory();
    const many = Array.from(
      { length: 25_000 },
      (_, i) => `s 10 tcp 4 0.0.0.0 ${i % 60000} ${4_000_000_000 + i}`,
    );
    memory.merge(parseHelperOutput(['ns 10 4026531833 -', ...many].join('\n')), 0);
    const args = memory.args(() => true, 0);
    expect(args).toHaveLength(3);
    for (const a of args) expect(a.length).toBeLessThan(128 * 1024);
  });
});

describe('an engine that does not run on this kernel', () => {
  const C = 'c'.repeat(64);
  // The engine names pids 936 and 937; here they are unrelated processes: one of the host
  // (no container in its cgroup), one gone.
  const elsewhere = parseHelperOutput(
    [
      `ns ${SELF} 4026531833 -`,
      `s ${SELF} tcp 4 0.0.0.0 22 700`,
      'ns 936 4026531833 -',
      'err 937 ESRCH open',
    ].join('\n'),
  );
  const targets = [
    { id: A, pid: 936, hostMode: false },
    { id: C, pid: 937, hostMode: false },
  ];

  it('takes no pid on faith when none is confirmed, and does not call this machine the engine host', () => {
    const raw = factsFromHelper(targets, elsewhere, SELF);
    expect(raw.containers[A]).toMatchObject({ inode: 4026531833, confirmed: false }); // taken on faith
    const facts = settleKernel(raw, targets);
    expect(facts.containers[A]).toMatchObject({ inode: null, source: 'unavailable' });
    expect(facts.containers[A]?.error).toMatch(/not this container's process/);
    expect(facts.host.inode).toBeNull();
    expect(facts.host.error).toMatch(/another machine/);
    expect(facts.tables).toEqual({});
    expect(facts).toMatchObject({ procVisible: false, engineElsewhere: true });
  });

  it('one confirmed container is enough: the kernel is shared, the rest stand', () => {
    const shared = parseHelperOutput(
      [`ns ${SELF} 4026531833 -`, `ns 936 4026532270 ${A}`, 'ns 937 4026532271 -'].join('\n'),
    );
    const raw = factsFromHelper(targets, shared, SELF);
    expect(settleKernel(raw, targets)).toBe(raw);
  });

  it('pids that are only missing (exited, hidepid) are not another machine', () => {
    const gone = parseHelperOutput(
      [`ns ${SELF} 4026531833 -`, 'err 936 ENOENT open', 'err 937 ESRCH open'].join('\n'),
    );
    const facts = settleKernel(factsFromHelper(targets, gone, SELF), targets);
    expect(facts.engineElsewhere).toBe(false);
    expect(facts.host.inode).toBe(4026531833);
  });

  it('reads refused for want of privilege are not another machine', () => {
    const denied = parseHelperOutput(
      [`ns ${SELF} 4026531833 -`, 'err 936 EACCES open', 'err 937 EACCES open'].join('\n'),
    );
    const facts = settleKernel(factsFromHelper(targets, denied, SELF), targets);
    expect(facts.engineElsewhere).toBe(false);
    expect(facts.host.inode).toBe(4026531833);
  });
});
