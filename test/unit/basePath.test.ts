import { describe, expect, it } from 'vitest';
import { BASE_PATH_PATTERN, stripBasePath, withBasePath } from '@/lib/basePath';
import { loadSettings } from '@/lib/settings';
import { loginPage } from '@/server/loginPage';

describe('base path (REACHMAP_BASE_PATH)', () => {
  it('strips the prefix for routing and refuses what is outside it', () => {
    expect(stripBasePath('/reachmap', '/reachmap')).toBe('/');
    expect(stripBasePath('/reachmap/', '/reachmap')).toBe('/');
    expect(stripBasePath('/reachmap?x=1', '/reachmap')).toBe('/?x=1');
    expect(stripBasePath('/reachmap/api/topology?a=b', '/reachmap')).toBe('/api/topology?a=b');
    expect(stripBasePath('/reachmapx/api', '/reachmap')).toBeNull();
    expect(stripBasePath('/api/topology', '/reachmap')).toBeNull();
    expect(stripBasePath('/api/topology', '')).toBe('/api/topology');
  });

  it('puts it back as Next (built with it) expects: the root is the bare prefix', () => {
    expect(withBasePath('/', '/reachmap')).toBe('/reachmap');
    expect(withBasePath('/?view=1', '/reachmap')).toBe('/reachmap?view=1');
    expect(withBasePath('/s/abc', '/reachmap')).toBe('/reachmap/s/abc');
    expect(withBasePath('/s/abc', '')).toBe('/s/abc');
    for (const u of ['/', '/x?y', '/a/b']) expect(stripBasePath(withBasePath(u, '/r/m'), '/r/m')).toBe(u);
  });

  it('accepts only a clean prefix', () => {
    for (const ok of ['', '/reachmap', '/ops/reachmap', '/a.b~c_d-e'])
      expect(BASE_PATH_PATTERN.test(ok)).toBe(true);
    for (const bad of ['/', 'reachmap', '/reachmap/', '/a//b', '/a b', '/a?b', '/<script>'])
      expect(BASE_PATH_PATTERN.test(bad), bad).toBe(false);
    expect(() => loadSettings({ REACHMAP_BASE_PATH: '/reachmap/' })).toThrow(/REACHMAP_BASE_PATH/);
    expect(loadSettings({ REACHMAP_BASE_PATH: '/reachmap' }).basePath).toBe('/reachmap');
  });

  it('gives the sign-in page the prefix for its request and its way back', () => {
    const { html, csp } = loginPage('/reachmap');
    expect(html).toContain('const base = "/reachmap";');
    expect(html).toContain("fetch(base + '/api/session'");
    // The inline script is allowed by its hash, which follows the prefix.
    expect(csp).not.toBe(loginPage('').csp);
  });
});
