import { describe, expect, it } from 'vitest';
import { locationFor, parseNginx } from '@/lib/proxy/nginxConfig';

/** nginx's location choice: an exact "=" match first, then the longest prefix ("^~" or plain). */
const conf = (...locations: string[]) =>
  parseNginx(`server { ${locations.map((l, i) => `location ${l} { proxy_pass http://u${i}; }`).join(' ')} }`);
const picked = (locs: ReturnType<typeof conf>, path: string) => locationFor(locs, path)?.upstream ?? null;

describe('locationFor', () => {
  it('keeps the modifier in the stored path', () => {
    expect(conf('= /api', '^~ /static/', '/').map((l) => l.path)).toEqual(['= /api', '^~ /static/', '/']);
  });

  it('an exact match wins over a longer prefix', () => {
    const locs = conf('/api/v1/users/', '= /api/v1/users/', '/');
    expect(picked(locs, '/api/v1/users/')).toBe('http://u1');
    expect(picked(locs, '/api/v1/users/42')).toBe('http://u0');
    // An exact match wins whatever its place in the file, also over "^~".
    expect(picked(conf('^~ /', '=/'), '/')).toBe('http://u1');
  });

  it('"= /api" matches /api only, never as a prefix', () => {
    const locs = conf('= /api', '/');
    expect(picked(locs, '/api')).toBe('http://u0');
    expect(picked(locs, '/api/x')).toBe('http://u1');
    expect(picked(locs, '/apix')).toBe('http://u1');
    expect(locationFor(conf('= /api'), '/api/x')).toBeUndefined();
  });

  it('"^~ /static/" is a prefix', () => {
    const locs = conf('/', '^~ /static/');
    expect(picked(locs, '/static/a.css')).toBe('http://u1');
    expect(picked(locs, '/staticx')).toBe('http://u0');
  });

  it('the longest matching prefix wins, "^~" or plain, in any order', () => {
    const locs = conf('/', '^~ /a/', '/a/b/', '/a/b/c');
    expect(picked(locs, '/a/x')).toBe('http://u1');
    expect(picked(locs, '/a/b/x')).toBe('http://u2');
    expect(picked(locs, '/a/b/cd')).toBe('http://u3');
    expect(picked(conf('^~ /a/b/', '/a/'), '/a/b/x')).toBe('http://u0');
  });

  it('regex and named locations are never picked', () => {
    const locs = conf('~ \\.php$', '~* ^/x', '~^/y', '@fallback', '/');
    expect(picked(locs, '/x/index.php')).toBe('http://u4');
    expect(locationFor(conf('~ ^/', '@x'), '/a')).toBeUndefined();
  });
});
