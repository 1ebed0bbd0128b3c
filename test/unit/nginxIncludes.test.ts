import { describe, expect, it } from 'vitest';
import {
  type ConfigFiles,
  expandIncludes,
  globMatch,
  parseNginx,
  parseNginxTokens,
} from '@/lib/proxy/nginxConfig';

/** nginx read as `nginx -T` shows it: includes spliced in, http{} settings inherited. */
function memoryFs(tree: Record<string, string>): ConfigFiles & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: async (p) => {
      reads.push(p);
      const t = tree[p];
      if (t === undefined) throw new Error('ENOENT');
      return t;
    },
    list: async (dir) => {
      const names = Object.keys(tree)
        .filter((p) => p.startsWith(`${dir}/`) && !p.slice(dir.length + 1).includes('/'))
        .map((p) => p.slice(dir.length + 1));
      if (names.length === 0) throw new Error('ENOENT');
      return names.reverse(); // expandIncludes sorts, as nginx's glob does
    },
  };
}

const MAIN = `
user nginx;
events { worker_connections 512; }
http {
  include mime.types;
  proxy_http_version 1.1;
  proxy_read_timeout 20s;
  proxy_set_header Upgrade $http_upgrade;
  proxy_set_header Connection "upgrade";
  include /etc/nginx/conf.d/*.conf;
}`;

describe('nginx includes', () => {
  it('splices includes in name order, resolving relative ones against the conf directory', async () => {
    const fs = memoryFs({
      '/etc/nginx/nginx.conf': MAIN,
      '/etc/nginx/mime.types': 'types { text/html html; }',
      '/etc/nginx/conf.d/b-api.conf': 'server { listen 80; location /api/ { proxy_pass http://api:8080; } }',
      '/etc/nginx/conf.d/a-ws.conf': `server { listen 81; include snippets/ws.inc; }`,
      '/etc/nginx/snippets/ws.inc': 'location /ws { proxy_read_timeout 3600s; proxy_pass http://gw:18789; }',
      '/etc/nginx/conf.d/notes.txt': 'server { location /nope { proxy_pass http://x; } }',
    });
    const r = await expandIncludes(fs, '/etc/nginx/nginx.conf');
    expect(r.read).toEqual([
      '/etc/nginx/nginx.conf',
      '/etc/nginx/mime.types',
      '/etc/nginx/conf.d/a-ws.conf',
      '/etc/nginx/snippets/ws.inc',
      '/etc/nginx/conf.d/b-api.conf',
    ]);
    expect(r.unread).toEqual([]);
    const locs = parseNginxTokens(r.tokens);
    expect(locs.map((l) => [l.path, l.upstream, l.httpVersion, l.readTimeout])).toEqual([
      ['/ws', 'http://gw:18789', '1.1', '3600s'],
      ['/api/', 'http://api:8080', '1.1', '20s'],
    ]);
    // The http{} headers reach locations in included files.
    expect(locs[1]?.upgradeHeader).toBe('$http_upgrade');
    expect(locs[1]?.connectionHeader).toBe('upgrade');
  });

  it('a level that sets any proxy_set_header drops the inherited ones, as nginx does', () => {
    const [loc] =
      parseNginx(`http { proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection upgrade;
      server { proxy_set_header Host $host; location / { proxy_pass http://a; } } }`);
    expect(loc?.upgradeHeader).toBeNull();
    expect(loc?.connectionHeader).toBeNull();
  });

  it('names what it could not read and stops at loops and at its file bound', async () => {
    const loop = memoryFs({
      '/etc/nginx/nginx.conf':
        'http { include /etc/nginx/nginx.conf; include missing.conf; include /x/*/y.conf; }',
    });
    const r = await expandIncludes(loop, '/etc/nginx/nginx.conf');
    expect(r.read.length).toBeLessThanOrEqual(9);
    expect(r.unread.some((u) => /included 8 deep/.test(u))).toBe(true);
    expect(r.unread.some((u) => u.startsWith('/etc/nginx/missing.conf (ENOENT'))).toBe(true);
    expect(r.unread.some((u) => /wildcard in a directory name/.test(u))).toBe(true);
    const many: Record<string, string> = { '/etc/nginx/nginx.conf': 'include conf.d/*.conf;' };
    for (let i = 0; i < 500; i++) many[`/etc/nginx/conf.d/${String(i).padStart(3, '0')}.conf`] = '# empty';
    const wide = memoryFs(many);
    const w = await expandIncludes(wide, '/etc/nginx/nginx.conf');
    expect(wide.reads.length).toBeLessThanOrEqual(128);
    expect(w.unread.some((u) => /over 128 files/.test(u))).toBe(true);
  });

  it('takes `include` only as a directive, not as a word inside one', async () => {
    const fs = memoryFs({
      '/etc/nginx/nginx.conf':
        'http { log_format x include y; server { location / { proxy_pass http://a; } } }',
    });
    const r = await expandIncludes(fs, '/etc/nginx/nginx.conf');
    expect(r.read).toEqual(['/etc/nginx/nginx.conf']);
    expect(parseNginxTokens(r.tokens)).toHaveLength(1);
  });

  it('globs file names as glob(3) does, in bounded time whatever the pattern', () => {
    expect(globMatch('*.conf', 'a.conf')).toBe(true);
    expect(globMatch('*.conf', 'a.conf.bak')).toBe(false);
    expect(globMatch('*.conf', '.hidden.conf')).toBe(false); // a leading dot needs its own
    expect(globMatch('.*.conf', '.hidden.conf')).toBe(true);
    expect(globMatch('site-?.conf', 'site-1.conf')).toBe(true);
    expect(globMatch('[0-9][!a-z]*', '1A-x')).toBe(true);
    expect(globMatch('[0-9][!a-z]*', '1a-x')).toBe(false);
    expect(globMatch('[]x]y', ']y')).toBe(true); // "]" first in a class is a member
    expect(globMatch('a[b', 'a[b')).toBe(true); // an unterminated class is a plain "["
    expect(globMatch('a[b', 'ab')).toBe(false);
    // What makes a backtracking regex take seconds: here, a few hundred thousand steps at most.
    const t0 = performance.now();
    expect(globMatch(`${'*a'.repeat(40)}b`, 'a'.repeat(255))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('bounds the tokens of a huge configuration and never spreads them onto the stack', async () => {
    const big = 'server { location / { proxy_pass http://a; } }\n'.repeat(30_000); // ~390k tokens
    const fs = memoryFs({
      '/etc/nginx/nginx.conf': 'http { include conf.d/*.conf; }',
      '/etc/nginx/conf.d/big.conf': big,
    });
    const r = await expandIncludes(fs, '/etc/nginx/nginx.conf');
    expect(r.tokens.length).toBeLessThanOrEqual(200_000);
    expect(r.unread.some((u) => /past 200000 tokens/.test(u))).toBe(true);
  });

  it('bounds hostile globs: long classes, thousands of include lines over a big directory', async () => {
    const t0 = performance.now();
    expect(globMatch(`*[${'b'.repeat(250)}]z`, 'a'.repeat(255))).toBe(false);
    expect(globMatch(`*[${'b'.repeat(300)}]z`, 'bz')).toBe(false); // over 255: refused
    const tree: Record<string, string> = {
      '/etc/nginx/nginx.conf': 'http { include conf.d/main.conf; }',
      '/etc/nginx/conf.d/main.conf': `include /big/${'*a'.repeat(60)}z;\n`.repeat(5000),
    };
    for (let i = 0; i < 4096; i++) tree[`/big/${'a'.repeat(200)}${i}`] = '# x';
    const fs = memoryFs(tree);
    let listed = 0;
    const counting = {
      ...fs,
      list: (d: string) => {
        listed++;
        return fs.list(d);
      },
    };
    const r = await expandIncludes(counting, '/etc/nginx/nginx.conf');
    expect(listed).toBe(1); // listed once, whatever the number of globs over it
    expect(r.unread.some((u) => /over 512 include directives|matching stopped/.test(u))).toBe(true);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
