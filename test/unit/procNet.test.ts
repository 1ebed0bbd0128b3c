import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addressScope,
  containerIdFromCgroup,
  decodeIPv4,
  decodeIPv6,
  type ProcNetTables,
  parseNsLink,
  parseProcNetTable,
  parseProcNetTables,
  splitConcatenatedTables,
} from '@/lib/netns/procNet';
import { tableKeyForInode } from '@/lib/netns/reader';
import { loadFixture } from '../helpers';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:4965 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9944 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9945 1 0000000000000000 100 0 0 10 0
   2: 0200A8C0:1F90 0300A8C0:D431 01 00000000:00000000 00:00000000 00000000     0        0 9946 1 0000000000000000 20 4 30 10 -1`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 501 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 502 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:0051 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 503 1 0000000000000000 100 0 0 10 0`;

const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  10: 0B00007F:A2C1 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 700 2 0000000000000000 0
  11: 0200A8C0:0035 0100A8C0:0035 01 00000000:00000000 00:00000000 00000000     0        0 701 2 0000000000000000 0`;

describe('/proc/net parsing', () => {
  it('decodes little-endian IPv4 words', () => {
    expect(decodeIPv4('0100007F')).toBe('127.0.0.1');
    expect(decodeIPv4('00000000')).toBe('0.0.0.0');
    expect(decodeIPv4('0B00007F')).toBe('127.0.0.11');
    expect(decodeIPv4('zz')).toBeNull();
  });

  it('decodes IPv6 words, compressing zeros and keeping mapped IPv4 dotted', () => {
    expect(decodeIPv6('00000000000000000000000000000000')).toBe('::');
    expect(decodeIPv6('00000000000000000000000001000000')).toBe('::1');
    expect(decodeIPv6('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    expect(decodeIPv6('B80D0120000000000000000001000000')).toBe('2001:db8::1');
  });

  it('keeps only LISTEN sockets of TCP tables', () => {
    const s = parseProcNetTable(TCP, 'tcp', 4);
    expect(s.map((x) => `${x.address}:${x.port}/${x.inode}`)).toEqual([
      '127.0.0.1:18789/9944',
      '0.0.0.0:8080/9945',
    ]);
  });

  it('keeps only unconnected UDP sockets', () => {
    const s = parseProcNetTable(UDP, 'udp', 4);
    expect(s).toEqual([
      { protocol: 'udp', family: 4, address: '127.0.0.11', port: 0xa2c1, state: 7, inode: 700 },
    ]);
  });

  it('reads IPv6 listeners including v4-mapped loopback', () => {
    expect(parseProcNetTable(TCP6, 'tcp', 6).map((x) => `${x.address}:${x.port}`)).toEqual([
      ':::8080',
      '::1:80',
      '::ffff:127.0.0.1:81',
    ]);
  });

  it('ignores garbage lines instead of throwing', () => {
    expect(parseProcNetTable('header\nnot a row\n   0: XYZ', 'tcp', 4)).toEqual([]);
    expect(parseProcNetTables({})).toEqual([]);
  });

  it('splits the concatenated output of one `cat` over four tables by their headers', () => {
    const t = splitConcatenatedTables([TCP, TCP6, UDP].join('\n'));
    expect(Object.keys(t).sort()).toEqual(['tcp', 'tcp6', 'udp']);
    expect(parseProcNetTables(t)).toHaveLength(6);
  });

  it('classifies bind scope', () => {
    expect(addressScope('127.0.0.1')).toBe('loopback');
    expect(addressScope('127.0.0.11')).toBe('loopback');
    expect(addressScope('::1')).toBe('loopback');
    expect(addressScope('::ffff:127.0.0.1')).toBe('loopback');
    expect(addressScope('0.0.0.0')).toBe('any');
    expect(addressScope('::')).toBe('any');
    expect(addressScope('172.18.0.3')).toBe('specific');
  });

  it('parses namespace links and cgroup container ids (v1 and v2)', () => {
    expect(parseNsLink('net:[4026532184]')).toBe(4026532184);
    expect(parseNsLink('mnt:[1]')).toBeNull();
    const id = 'a'.repeat(64);
    expect(containerIdFromCgroup(`12:pids:/docker/${id}\n`)).toBe(id);
    expect(containerIdFromCgroup(`0::/system.slice/docker-${id}.scope\n`)).toBe(id);
    expect(containerIdFromCgroup('0::/user.slice/session-1.scope\n')).toBeNull();
  });

  it('parses the /proc tables recorded from the lab, agreeing with the netlink helper', () => {
    const raw = JSON.parse(
      readFileSync(path.join(import.meta.dirname, '../fixtures/lab-proc-tables.json'), 'utf8'),
    ) as Record<string, ProcNetTables>;
    const f = loadFixture('lab');
    for (const service of ['gateway-loopback', 'gateway', 'multi', 'proxy-plain']) {
      const fromProc = parseProcNetTables(raw[service] ?? {});
      const c = f.engine.containers.find((x) => x.Config.Labels['com.docker.compose.service'] === service);
      const inode = c ? f.netns.containers[c.Id]?.inode : null;
      expect(inode, service).toBeTypeOf('number');
      const fromNetlink = f.netns.tables[tableKeyForInode(inode as number)]?.sockets ?? [];
      const key = (s: { protocol: string; address: string; port: number }) =>
        `${s.protocol} ${s.address}:${s.port}`;
      // Docker's DNS ports are random per namespace instance; compare the rest exactly.
      const stable = (xs: typeof fromProc) =>
        xs
          .filter((s) => s.address !== '127.0.0.11')
          .map(key)
          .sort();
      expect(stable(fromProc), service).toEqual(stable(fromNetlink));
    }
    const gw = parseProcNetTables(raw['gateway-loopback'] ?? {});
    expect(gw.filter((s) => s.protocol === 'tcp' && s.address === '127.0.0.1').map((s) => s.port)).toEqual([
      18789,
    ]);
    // Docker's embedded DNS listens on 127.0.0.11 (tcp and udp) in every user-network namespace.
    expect(
      gw
        .filter((s) => s.address === '127.0.0.11')
        .map((s) => s.protocol)
        .sort(),
    ).toEqual(['tcp', 'udp']);
  });
});
