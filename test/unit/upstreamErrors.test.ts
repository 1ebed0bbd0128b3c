import { describe, expect, it } from 'vitest';
import { parseUpstreamError } from '@/lib/logs/upstreamErrors';

/** Proxy error lines: nginx lines as the lab's nginx wrote them; Go dial errors as Traefik and Caddy quote them. */

describe('upstream error lines', () => {
  it('nginx: refused, timed out, unreachable, no live upstreams', () => {
    expect(
      parseUpstreamError(
        '2026/11/26 11:17:12 [error] 6#6: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 172.18.0.3, server: , request: "GET / HTTP/1.1", upstream: "http://172.18.0.2:18789/", host: "rm-proxy"',
      ),
    ).toEqual({ failure: 'refused', address: '172.18.0.2', port: 18789, detail: '111: Connection refused' });
    expect(
      parseUpstreamError(
        '2026/11/26 11:18:33 [error] 6#6: *13 upstream timed out (110: Connection timed out) while connecting to upstream, client: 172.18.0.3, server: , request: "GET /down/ HTTP/1.1", upstream: "http://172.18.0.250:18789/", host: "rm-proxy"',
      ),
    ).toEqual({
      failure: 'timeout',
      address: '172.18.0.250',
      port: 18789,
      detail: '110: Connection timed out',
    });
    expect(
      parseUpstreamError(
        '2026/11/26 11:20:01 [error] 6#6: *3 connect() failed (113: Host is unreachable) while connecting to upstream, client: 172.18.0.3, server: , request: "GET / HTTP/1.1", upstream: "http://[fd00::9]:8080/", host: "p"',
      ),
    ).toMatchObject({ failure: 'unreachable', address: 'fd00::9', port: 8080 });
    expect(
      parseUpstreamError(
        '2026/11/26 11:20:02 [error] 6#6: *4 no live upstreams while connecting to upstream, client: 172.18.0.3, server: , request: "GET / HTTP/1.1", upstream: "http://backend/", host: "p"',
      ),
    ).toMatchObject({ failure: 'no-live-upstream', address: 'backend', port: null });
  });

  it('Go proxies (Traefik, Caddy) quote the dial error', () => {
    expect(
      parseUpstreamError(
        `time="2026-11-26T11:17:12Z" level=debug msg="'502 Bad Gateway' caused by: dial tcp 172.18.0.5:18789: connect: connection refused"`,
      ),
    ).toEqual({
      failure: 'refused',
      address: '172.18.0.5',
      port: 18789,
      detail: 'connect: connection refused',
    });
    expect(
      parseUpstreamError(
        '{"level":"error","logger":"http.log.error","msg":"dial tcp 172.18.0.7:80: i/o timeout","status":502}',
      ),
    ).toMatchObject({ failure: 'timeout', address: '172.18.0.7', port: 80 });
    expect(
      parseUpstreamError('{"level":"error","msg":"dial tcp: lookup gateway on 127.0.0.11:53: no such host"}'),
    ).toMatchObject({ failure: 'unresolved', address: 'gateway' });
  });

  it('nginx re-resolving names, an upstream closing early, a Go read reset', () => {
    expect(
      parseUpstreamError(
        '2026/11/26 12:00:00 [error] 7#7: *5 gateway could not be resolved (3: Host not found), client: 172.18.0.3, server: , request: "GET / HTTP/1.1", host: "p"',
      ),
    ).toEqual({ failure: 'unresolved', address: 'gateway', port: null, detail: '3: Host not found' });
    expect(
      parseUpstreamError(
        '2026/11/26 12:00:01 [error] 7#7: *6 upstream prematurely closed connection while reading response header from upstream, client: 172.18.0.3, server: , request: "GET / HTTP/1.1", upstream: "http://172.18.0.5:18789/", host: "p"',
      ),
    ).toMatchObject({ failure: 'reset', address: '172.18.0.5', port: 18789 });
    expect(
      parseUpstreamError(
        'level=debug msg="\'502 Bad Gateway\' caused by: read tcp 172.18.0.8:45678->172.18.0.5:18789: read: connection reset by peer"',
      ),
    ).toMatchObject({ failure: 'reset', address: '172.18.0.5', port: 18789 });
  });

  it('ordinary lines are not errors', () => {
    expect(parseUpstreamError('172.18.0.3 - - "GET / HTTP/1.1" 200 12 upstream=172.18.0.2:18789')).toBeNull();
    expect(parseUpstreamError('gateway http GET /healthz 200')).toBeNull();
  });
});
