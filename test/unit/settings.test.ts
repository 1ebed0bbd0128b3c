import { describe, expect, it } from 'vitest';
import { engineEndpoint, parseDockerHost } from '@/lib/docker/endpoint';
import { sshArgs, sshMasterArgs } from '@/lib/docker/sshBridge';
import { DEFAULT_PORT, loadSettings, SettingsError } from '@/lib/settings';

describe('settings', () => {
  it('defaults to loopback, the fixed port and the local socket', () => {
    const s = loadSettings({ HOME: '/home/op' });
    expect(s).toMatchObject({
      host: '127.0.0.1',
      port: DEFAULT_PORT,
      dockerHost: 'unix:///var/run/docker.sock',
    });
    expect(s.dataDir).toBe('/home/op/.local/share/reachmap');
  });

  it('flags win over environment', () => {
    expect(loadSettings({ REACHMAP_PORT: '9000' }, { port: '9001' }).port).toBe(9001);
  });

  it.each([
    [{ REACHMAP_PORT: 'abc' }, /REACHMAP_PORT \/ --port/],
    [{ REACHMAP_PORT: '70000' }, /REACHMAP_PORT/],
    [{ DOCKER_HOST: 'ftp://x' }, /DOCKER_HOST \/ --docker-host: expected unix/],
    [{ DOCKER_HOST: 'ssh://me@box/var/run/docker.sock' }, /takes no path, query or fragment/],
    [{ DOCKER_HOST: 'ssh://me:secret@box' }, /takes no password/],
    [{ DOCKER_HOST: 'ssh://-oProxyCommand=touch%20x' }, /not a valid ssh host/],
    [{ DOCKER_HOST: 'ssh://-oProxyCommand@box' }, /not a valid ssh user/],
    [{ REACHMAP_TOKEN: 'short' }, /REACHMAP_TOKEN: expected 32/],
    [{ REACHMAP_HOST: 'bad host!' }, /REACHMAP_HOST/],
  ])('rejects %o naming the setting', (env, message) => {
    expect(() => loadSettings(env)).toThrow(SettingsError);
    expect(() => loadSettings(env)).toThrow(message);
  });

  it('never echoes a rejected token', () => {
    try {
      loadSettings({ REACHMAP_TOKEN: 'not a token' });
    } catch (e) {
      expect((e as Error).message).not.toContain('not a token');
      return;
    }
    throw new Error('expected a SettingsError');
  });

  it('parses Docker endpoints', () => {
    expect(parseDockerHost('unix:///run/docker.sock')).toMatchObject({
      kind: 'unix',
      socketPath: '/run/docker.sock',
    });
    expect(parseDockerHost('tcp://10.0.0.5:2375')).toMatchObject({
      kind: 'tcp',
      host: '10.0.0.5',
      port: 2375,
      tls: false,
    });
    expect(parseDockerHost('tcp://dockerhost', true)).toMatchObject({ kind: 'tcp', port: 2376, tls: true });
    expect(parseDockerHost('ssh://ops@docker-1.example.com:2222')).toEqual({
      kind: 'ssh',
      user: 'ops',
      host: 'docker-1.example.com',
      port: 2222,
      display: 'ssh://ops@docker-1.example.com:2222',
    });
    expect(parseDockerHost('ssh://[fd00::5]')).toMatchObject({
      kind: 'ssh',
      user: null,
      host: 'fd00::5',
      port: null,
    });
  });

  it('runs ssh as the Docker CLI does, never prompting, with REACHMAP_SSH_CONFIG as -F', () => {
    const s = loadSettings({
      DOCKER_HOST: 'ssh://ops@box:2222',
      REACHMAP_SSH_CONFIG: '/etc/reachmap/ssh_config',
    });
    const e = engineEndpoint(s);
    if (e.kind !== 'ssh') throw new Error('expected an ssh endpoint');
    const login = [
      '-F',
      '/etc/reachmap/ssh_config',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=10',
      '-l',
      'ops',
      '-p',
      '2222',
    ];
    expect(sshArgs(e)).toEqual([...login, '-T', '--', 'box', 'docker', 'system', 'dial-stdio']);
    // Over the bridge's master connection: a channel each, never a master of its own.
    expect(sshArgs(e, '/tmp/b/master')).toEqual([
      ...login,
      '-o',
      'ControlMaster=no',
      '-S',
      '/tmp/b/master',
      '-T',
      '--',
      'box',
      'docker',
      'system',
      'dial-stdio',
    ]);
    expect(sshMasterArgs(e, '/tmp/b/master')).toEqual([
      ...login,
      '-o',
      'ControlPersist=no',
      '-M',
      '-S',
      '/tmp/b/master',
      '-T',
      '--',
      'box',
      'cat',
    ]);
  });
});

describe('probe allow-list setting', () => {
  it('accepts addresses, CIDRs, names and *; refuses bad prefixes', () => {
    expect(
      loadSettings({ REACHMAP_PROBE_ALLOW: '10.0.0.0/8, fd00::/8, api.example.com, 192.0.2.1, *' })
        .probeAllow,
    ).toHaveLength(5);
    expect(() => loadSettings({ REACHMAP_PROBE_ALLOW: '10.0.0.0/40' })).toThrow(/REACHMAP_PROBE_ALLOW/);
    expect(() => loadSettings({ REACHMAP_PROBE_ALLOW: '10.0.0.0/abc' })).toThrow(/REACHMAP_PROBE_ALLOW/);
    expect(() => loadSettings({ REACHMAP_PROBE_ALLOW: 'bad name!' })).toThrow(/REACHMAP_PROBE_ALLOW/);
  });
});
