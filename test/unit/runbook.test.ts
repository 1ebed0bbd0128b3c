import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunbookReport } from '@/lib/model/runbook';
import { forwardsUpgrade, locationFor, parseNginx } from '@/lib/proxy/nginxConfig';
import { md, runbookMarkdown } from '@/lib/runbook/markdown';

const FIX = path.join(import.meta.dirname, '../fixtures');
const load = (name: string) =>
  RunbookReport.parse(JSON.parse(readFileSync(path.join(FIX, `${name}.json`), 'utf8')));

/** Golden files: the Markdown of runbooks recorded on the real lab (UPDATE_GOLDEN=1 rewrites them). */
function golden(name: string, text: string) {
  const file = path.join(FIX, `${name}.md`);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
  expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 once`).toBe(true);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

describe('runbook report', () => {
  it('origin rejected: stops at the WebSocket step with the allow-list finding and its fix', () => {
    const r = load('runbook-origin');
    expect(r.stoppedAt).toBe(3);
    expect(r.steps.map((s) => s.status)).toEqual(['info', 'pass', 'fail', 'skipped', 'skipped', 'skipped']);
    const f = r.findings.find((x) => x.rule === 'origin-not-allowed');
    expect(f?.fix).toContain('allowedOrigins');
    golden('runbook-origin', runbookMarkdown(r));
  });

  it('loopback-only gateway: stops at HTTP with ECONNREFUSED and the bind finding', () => {
    const r = load('runbook-loopback');
    expect(r.stoppedAt).toBe(2);
    expect(r.findings.map((x) => x.rule)).toContain('probe-loopback-bind');
    golden('runbook-loopback', runbookMarkdown(r));
  });

  it('healthy path through the upgrade proxy: every step passes, the quadruple and origins are tabled', () => {
    const r = load('runbook-proxy');
    expect(r.stoppedAt).toBeNull();
    expect(r.steps.find((s) => s.n === 5)?.table?.[1]?.[1]).toMatch(/^yes/);
    expect(
      r.steps
        .find((s) => s.n === 6)
        ?.table?.some((row) => row[0] === 'https://gateway.example.test' && row[2] === 'accepted'),
    ).toBe(true);
    expect(r.findings.filter((x) => x.severity === 'error')).toEqual(
      r.findings.filter((x) => x.subject.name.startsWith('host')),
    );
    golden('runbook-proxy', runbookMarkdown(r));
  });

  it('escapes what could forge Markdown or HTML', () => {
    expect(md('[x](javascript:alert(1)) | <script>')).toBe('\\[x\\](javascript:alert(1)) \\| \\<script\\>');
    expect(md('my_container_1 _start_')).toBe('my_container_1 \\_start\\_');
    expect(md('line\nbreak\u202e')).toBe('line break');
  });
});

describe('nginx configuration', () => {
  it('finds the location, its upstream and whether it forwards the upgrade', () => {
    const conf = `
      map $http_upgrade $connection_upgrade { default upgrade; '' close; }
      server {
        listen 80; server_name app.example;
        proxy_set_header Host $host;
        location / { proxy_pass http://web:3000; }
        location /ws/ {
          proxy_pass http://gateway:18789;   # the gateway
          proxy_http_version 1.1;
          proxy_set_header Upgrade $http_upgrade;
          proxy_set_header Connection "upgrade";
          proxy_read_timeout 3600s;
        }
      }`;
    const locs = parseNginx(conf);
    expect(locs.map((l) => [l.path, l.upstream])).toEqual([
      ['/', 'http://web:3000'],
      ['/ws/', 'http://gateway:18789'],
    ]);
    expect(forwardsUpgrade(locationFor(locs, '/ws/socket') as never)).toEqual({
      upgrade: true,
      connection: true,
      http11: true,
    });
    expect(forwardsUpgrade(locationFor(locs, '/api') as never)).toEqual({
      upgrade: false,
      connection: false,
      http11: false,
    });
    expect(locationFor(locs, '/ws/x')?.readTimeout).toBe('3600s');
  });

  it('resolves proxy_pass through upstream blocks', () => {
    const locs = parseNginx(`
      upstream gw_pool { server gateway:18789 max_fails=3; server gateway-b:18789; }
      server { listen 80; location / { proxy_pass http://gw_pool; } location /api/ { proxy_pass http://api:3000/v1/; } }`);
    expect(locs.map((l) => l.upstreamServers)).toEqual([['gateway:18789', 'gateway-b:18789'], ['api:3000']]);
  });
});
