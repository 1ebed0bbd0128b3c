import { describe, expect, it } from 'vitest';
import { forwardsUpgrade, parseNginx } from '@/lib/proxy/nginxConfig';

// A proxy host as Nginx Proxy Manager writes it (/data/nginx/proxy_host/1.conf, "Websockets
// Support" on), with its conf.d/include/proxy.conf spliced in where nginx includes it.
const PROXY_HOST = `
server {
  set $forward_scheme http;
  set $server         "openclaw-gateway";
  set $port           18789;

  listen 80;
  listen [::]:80;
  server_name claw.example.com;

  proxy_set_header Upgrade $http_upgrade;
  proxy_set_header Connection $http_connection;
  proxy_http_version 1.1;

  location / {
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $http_connection;
    proxy_http_version 1.1;

    add_header       X-Served-By $host;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-Scheme $scheme;
    proxy_set_header X-Forwarded-Proto  $scheme;
    proxy_set_header X-Forwarded-For    $proxy_add_x_forwarded_for;
    proxy_set_header X-Real-IP          $remote_addr;
    proxy_pass       $forward_scheme://$server:$port$request_uri;
  }
}
`;

describe('Nginx Proxy Manager proxy hosts', () => {
  it('resolve the variables NPM sets into the upstream', () => {
    const [loc] = parseNginx(PROXY_HOST);
    expect(loc).toMatchObject({
      server: 'claw.example.com',
      path: '/',
      upstream: 'http://openclaw-gateway:18789$request_uri',
      upstreamServers: ['openclaw-gateway:18789'],
      httpVersion: '1.1',
      connectionHeader: '$http_connection',
    });
    expect(forwardsUpgrade(loc as NonNullable<typeof loc>)).toEqual({
      upgrade: true,
      connection: true,
      http11: true,
    });
  });

  it('without "Websockets Support", the upgrade is not forwarded', () => {
    const off = PROXY_HOST.replace(/\s*proxy_set_header (Upgrade|Connection) \$http_\w+;/g, '').replace(
      /\s*proxy_http_version 1\.1;/g,
      '',
    );
    const [loc] = parseNginx(off);
    expect(loc?.upstreamServers).toEqual(['openclaw-gateway:18789']);
    expect(forwardsUpgrade(loc as NonNullable<typeof loc>)).toEqual({
      upgrade: false,
      connection: false,
      http11: false,
    });
  });

  it('keeps a variable nobody set as it is', () => {
    const [loc] = parseNginx('server { location / { proxy_pass http://$backend_host:8080; } }');
    expect(loc?.upstream).toBe('http://$backend_host:8080');
  });
});
