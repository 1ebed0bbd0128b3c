import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topology } from '@/lib/model/topology';
import { labContainer } from '../../e2e/lab/labInfo';

/**
 * DOCKER_HOST=ssh://… as the Docker CLI reaches it: `ssh host docker system dial-stdio`. An
 * sshd on loopback with throwaway keys stands in for the remote machine (whose `docker`
 * reaches this engine); ssh is configured only through REACHMAP_SSH_CONFIG. The remote user is
 * a throwaway one in the socket's group with /bin/sh: every ssh session starts the user's
 * shell, and this machine's root shell profile alone takes a second.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const PORT = 22_391;
const USER = 'reachmap-ssh-test';
let dir = '';
let sshd: ChildProcess | null = null;

function keygen(file: string) {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

function cli(env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args], {
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, ...env },
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-sshd-'));
  chmodSync(dir, 0o755); // the remote user's home, where sshd reads authorized_keys as that user
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(dir, 'client_key'));
  keygen(path.join(dir, 'stranger_key'));
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client_key.pub')));
  const gid = spawnSync('stat', ['-c', '%g', '/var/run/docker.sock'], { encoding: 'utf8' }).stdout.trim();
  spawnSync('userdel', [USER]);
  // '-p *': no password, yet not a locked account (sshd without PAM refuses those).
  const add = spawnSync('useradd', ['-M', '-d', dir, '-s', '/bin/sh', '-p', '*', '-G', gid, USER], {
    encoding: 'utf8',
  });
  expect(add.status, add.stderr).toBe(0);
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege-separation directory
  writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `ListenAddress 127.0.0.1:${PORT}`,
      `HostKey ${dir}/host_key`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      `PidFile ${dir}/sshd.pid`,
      `AllowUsers ${USER}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      '',
    ].join('\n'),
  );
  const hostKey = readFileSync(path.join(dir, 'host_key.pub'), 'utf8')
    .trim()
    .split(' ')
    .slice(0, 2)
    .join(' ');
  writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${PORT} ${hostKey}\n`);
  for (const [name, key] of [
    ['ssh_config', 'client_key'],
    ['ssh_config_stranger', 'stranger_key'],
  ] as const)
    writeFileSync(
      path.join(dir, name),
      [
        'Host docker-remote',
        '  HostName 127.0.0.1',
        `  Port ${PORT}`,
        `  IdentityFile ${dir}/${key}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${dir}/known_hosts`,
        '  StrictHostKeyChecking yes',
        '',
      ].join('\n'),
    );
  sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: 'ignore' });
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(PORT, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('sshd did not start');
});

afterAll(() => {
  sshd?.kill();
  spawnSync('userdel', [USER]);
  rmSync(dir, { recursive: true, force: true });
});

describe('an ssh:// engine', () => {
  it('is scanned through `docker system dial-stdio` over ssh', () => {
    const r = cli(
      { REACHMAP_SSH_CONFIG: path.join(dir, 'ssh_config') },
      'scan',
      '--json',
      '--fresh',
      '--docker-host',
      `ssh://${USER}@docker-remote`,
    );
    expect(r.status, r.stderr).toBe(0);
    const t = Topology.parse(JSON.parse(r.stdout));
    expect(t.host.dockerEndpoint).toBe(`ssh://${USER}@docker-remote`);
    expect(t.containers.map((c) => c.name)).toContain(labContainer('gateway-loopback').name);
    // The "remote" here is this very kernel, and Reachmap tells so from /proc, not from the address.
    expect(t.host).toMatchObject({ procVisible: true, engineElsewhere: false });
  });

  it('says what ssh said when it cannot get in, and leaves no ssh or socket behind', () => {
    const bridges = () => readdirSync(os.tmpdir()).filter((f) => f.startsWith('reachmap-ssh-')).length;
    const before = bridges();
    const r = cli(
      { REACHMAP_SSH_CONFIG: path.join(dir, 'ssh_config_stranger') },
      'scan',
      '--json',
      '--fresh',
      '--docker-host',
      `ssh://${USER}@docker-remote`,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `Docker engine unreachable at ssh://${USER}@docker-remote: ssh ${USER}@docker-remote exited 255: .*Permission denied`,
      ),
    );
    // The CLI's bridge (socket directory, master and per-connection ssh) ends with the CLI.
    expect(bridges()).toBe(before);
    expect(spawnSync('pgrep', ['-f', 'reachmap-ssh-']).status, 'an ssh of the bridge still runs').toBe(1);
  });
});
