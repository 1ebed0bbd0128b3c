import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseEngine } from '@/lib/docker/context';
import { engineEndpoint } from '@/lib/docker/endpoint';
import { engineOf, loadSettings, SettingsError } from '@/lib/settings';

/** Contexts as the Docker CLI stores them (docker context create …), in a config dir of our own. */
const dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-docker-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(name: string, host: string, opts: { tls?: boolean; skipVerify?: boolean } = {}) {
  const id = createHash('sha256').update(name).digest('hex');
  mkdirSync(path.join(dir, 'contexts', 'meta', id), { recursive: true });
  writeFileSync(
    path.join(dir, 'contexts', 'meta', id, 'meta.json'),
    JSON.stringify({
      Name: name,
      Metadata: {},
      Endpoints: { docker: { Host: host, SkipTLSVerify: !!opts.skipVerify } },
    }),
  );
  if (opts.tls) {
    const tls = path.join(dir, 'contexts', 'tls', id, 'docker');
    mkdirSync(tls, { recursive: true });
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(path.join(tls, f), 'x');
  }
  return path.join(dir, 'contexts', 'tls', id, 'docker');
}

context('staging', 'unix:///run/staging/docker.sock');
const prodTls = context('prod', 'tcp://10.0.0.5:2376', { tls: true });
writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ currentContext: 'staging' }));
const env = { DOCKER_CONFIG: dir, HOME: '/nonexistent' };

describe('the engine, chosen as the Docker CLI chooses it', () => {
  it('the CLI config’s current context, when nothing else says', () => {
    expect(chooseEngine(env, {})).toMatchObject({
      host: 'unix:///run/staging/docker.sock',
      context: 'staging',
    });
  });

  it('DOCKER_CONTEXT over the current context; DOCKER_HOST over both; flags over all', () => {
    expect(chooseEngine({ ...env, DOCKER_CONTEXT: 'prod' }, {}).context).toBe('prod');
    expect(chooseEngine({ ...env, DOCKER_CONTEXT: 'prod', DOCKER_HOST: 'unix:///x.sock' }, {})).toMatchObject(
      {
        host: 'unix:///x.sock',
        context: null,
      },
    );
    expect(chooseEngine({ ...env, DOCKER_HOST: 'unix:///x.sock' }, { context: 'prod' }).context).toBe('prod');
    expect(chooseEngine(env, { dockerHost: 'unix:///y.sock' }).host).toBe('unix:///y.sock');
    expect(() => chooseEngine(env, { dockerHost: 'unix:///y.sock', context: 'prod' })).toThrow(/either/);
  });

  it('a context with TLS files talks TLS with them; "default" is DOCKER_HOST or the socket', () => {
    const prod = chooseEngine(env, { context: 'prod' });
    expect(prod).toEqual({
      host: 'tcp://10.0.0.5:2376',
      tlsVerify: true,
      certPath: prodTls,
      context: 'prod',
    });
    expect(chooseEngine(env, { context: 'default' }).host).toBe('unix:///var/run/docker.sock');
    expect(chooseEngine({ ...env, DOCKER_HOST: 'tcp://h:2375' }, { context: 'default' }).host).toBe(
      'tcp://h:2375',
    );
  });

  it('settings carry it through to the endpoint, TLS files included', () => {
    const s = loadSettings({ ...env, DOCKER_CONTEXT: 'prod' });
    expect(s).toMatchObject({
      dockerHost: 'tcp://10.0.0.5:2376',
      dockerContext: 'prod',
      dockerTlsVerify: true,
    });
    expect(engineEndpoint(s)).toMatchObject({
      kind: 'tcp',
      host: '10.0.0.5',
      port: 2376,
      tls: true,
      certPath: prodTls,
    });
  });

  it('an unknown context stops what needs the engine, with a message naming it; the rest still works', () => {
    const s = loadSettings({ ...env }, { context: 'nope' });
    expect(() => engineOf(s)).toThrow(SettingsError);
    expect(() => engineOf(s)).toThrow(
      /invalid setting DOCKER_CONTEXT \/ --context: no Docker context "nope"/,
    );
    expect(s.port).toBe(7391); // url, rotate-token and offline snapshot commands need no engine
  });
});
