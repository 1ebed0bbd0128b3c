import { describe, expect, it } from 'vitest';
import { parseCaddyfile } from '@/lib/proxy/caddyConfig';
import { forwardsUpgrade } from '@/lib/proxy/nginxConfig';

/** Caddyfiles as self-hosters write them (the shapes of Caddy's own docs and common stacks). */

describe('Caddyfile reverse_proxy', () => {
  it('reads sites, path matchers, handle_path and upstream lists', () => {
    const locs = parseCaddyfile(`
{
  email ops@example.com
}

app.example.com, :8443 {
  encode gzip
  reverse_proxy /api/* api:8080 api-2:8080 {
    lb_policy round_robin
  }
  handle_path /ws/* {
    reverse_proxy gateway:18789 {
      stream_timeout 1h
    }
  }
  @static path /static/*
  handle @static {
    file_server
  }
  # a comment with reverse_proxy in it is not a directive
  reverse_proxy web:3000
}

grafana.example.com {
  reverse_proxy http://grafana:3000 {
    transport http {
      versions h2c
    }
  }
}
`);
    expect(
      locs.map((l) => [l.server, l.path, l.upstream, l.upstreamServers, l.httpVersion, l.readTimeout]),
    ).toEqual([
      ['app.example.com, :8443', '/api/*', 'http://api:8080', ['api:8080', 'api-2:8080'], '1.1', 'none'],
      ['app.example.com, :8443', '/ws/*', 'http://gateway:18789', ['gateway:18789'], '1.1', '1h'],
      ['app.example.com, :8443', '*', 'http://web:3000', ['web:3000'], '1.1', 'none'],
      ['grafana.example.com', '*', 'http://grafana:3000', ['grafana:3000'], 'h2c', 'none'],
    ]);
    // Caddy forwards the WebSocket upgrade itself: no header to forget.
    expect(forwardsUpgrade(locs[1] as (typeof locs)[number])).toEqual({
      upgrade: true,
      connection: true,
      http11: true,
    });
  });

  it('reads a one-site Caddyfile without braces, and upstreams given with `to`', () => {
    const locs = parseCaddyfile(`localhost:8080
reverse_proxy {
  to app:80 "app-b:80"
}
`);
    expect(locs).toEqual([
      expect.objectContaining({
        server: 'localhost:8080',
        upstream: 'http://app:80',
        upstreamServers: ['app:80', 'app-b:80'],
      }),
    ]);
  });

  it('survives hostile input: unbalanced braces, an unterminated quote, deep nesting', () => {
    expect(() => parseCaddyfile('a {\n reverse_proxy "x\n')).not.toThrow();
    expect(() => parseCaddyfile('}\n}\n{'.repeat(1000))).not.toThrow();
    expect(parseCaddyfile(`${'handle {\n'.repeat(100)}reverse_proxy deep:1\n`)).toBeInstanceOf(Array);
  });
});
