import { describe, expect, it } from 'vitest';
import { parseCaddyfile, parseCaddyJson } from '@/lib/proxy/caddyConfig';
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

  it('resolves named matchers, imports snippets, keeps quoted braces as text, skips placeholders', () => {
    const locs = parseCaddyfile(`
(proxied) {
  reverse_proxy /shared/* shared:9000
}
(loop) {
  import loop
  reverse_proxy /loop/* loop:1
}
site.example {
  import proxied
  import loop
  @api path /api/*
  @ws {
    path /ws/*
  }
  handle @api {
    reverse_proxy api:8080
  }
  handle @ws {
    reverse_proxy gateway:18789
  }
  respond /brace "{ not a block }"
  reverse_proxy /env/* {env.UPSTREAM} unix//run/app.sock
}
`);
    expect(locs.map((l) => [l.path, l.upstream, l.upstreamServers])).toEqual([
      ['/shared/*', 'http://shared:9000', ['shared:9000']],
      ['/loop/*', 'http://loop:1', ['loop:1']],
      ['/api/*', 'http://api:8080', ['api:8080']],
      ['/ws/*', 'http://gateway:18789', ['gateway:18789']],
      ['/env/*', '{env.UPSTREAM}', []],
    ]);
  });

  it('survives hostile input: unbalanced braces, an unterminated quote, deep nesting, snippets that import each other', () => {
    // An unterminated quote runs to the end: nothing from it is dialled.
    expect(parseCaddyfile('a {\n reverse_proxy "x\n').flatMap((l) => l.upstreamServers)).toEqual([]);
    expect(parseCaddyfile(`${'}\n'.repeat(1000)}b {\n reverse_proxy b:1\n}\n`)).toEqual([
      expect.objectContaining({ server: 'b', upstream: 'http://b:1' }),
    ]);
    expect(parseCaddyfile(`s {\n${'handle {\n'.repeat(100)}reverse_proxy deep:1\n`)).toHaveLength(1); // nesting capped at 32 blocks: deeper lines join the 32nd
    const bomb = [
      '(a) {\n import b\n import b\n reverse_proxy /a a:1\n}',
      '(b) {\n import a\n import a\n}',
      's {\n import a\n}',
    ].join('\n');
    const t0 = performance.now();
    expect(parseCaddyfile(bomb).length).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe("Caddy's JSON config", () => {
  it('gives each reverse_proxy its host, path, upstreams, version and stream timeout, in subroutes too', () => {
    const doc = {
      apps: {
        http: {
          servers: {
            srv0: {
              listen: [':443'],
              routes: [
                {
                  match: [{ host: ['claw.example.com'] }],
                  handle: [
                    {
                      handler: 'subroute',
                      routes: [
                        {
                          match: [{ path: ['/ws/*'] }],
                          handle: [
                            {
                              handler: 'reverse_proxy',
                              upstreams: [{ dial: 'gateway:18789' }, { dial: 'gateway-2:18789' }],
                              stream_timeout: '30s',
                            },
                          ],
                        },
                        {
                          handle: [
                            {
                              handler: 'reverse_proxy',
                              transport: { protocol: 'http', versions: ['h2c'] },
                              upstreams: [{ dial: 'grpc:50051' }],
                            },
                          ],
                        },
                      ],
                    },
                  ],
                },
                { handle: [{ handler: 'static_response', body: 'hi' }] },
              ],
            },
          },
        },
      },
    };
    expect(parseCaddyJson(doc)).toEqual([
      {
        server: 'claw.example.com',
        listen: [':443'],
        path: '/ws/*',
        upstream: 'http://gateway:18789',
        upstreamServers: ['gateway:18789', 'gateway-2:18789'],
        httpVersion: '1.1',
        upgradeHeader: '(forwarded by Caddy)',
        connectionHeader: '(forwarded by Caddy)',
        readTimeout: '30s',
      },
      expect.objectContaining({
        path: '*',
        upstream: 'http://grpc:50051',
        httpVersion: 'h2c',
        readTimeout: 'none',
      }),
    ]);
  });

  it('survives documents of any shape', () => {
    for (const bad of [
      null,
      1,
      'x',
      [],
      { apps: [] },
      { apps: { http: { servers: { a: { routes: 'x' } } } } },
    ])
      expect(parseCaddyJson(bad)).toEqual([]);
  });
});
