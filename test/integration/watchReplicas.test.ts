import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, LAB_PROJECT, runReplica } from '../../e2e/lab/labInfo';

/**
 * A rolling update under the watch, on the real engine: a second replica joins the service
 * name (both answer, side by side), then the old one goes. The watch says when another
 * container answers the name, and that a client still dialling the old replica's address
 * reaches no container — the address belonged to the old one.
 */

const CLI = path.resolve(import.meta.dirname, '../../dist/cli.js');
const OLD = 'reachmap-test-roll-1';
const NEW = 'reachmap-test-roll-2';
const ALIAS = 'reachmap-roll-app';

interface Line {
  from: string;
  to: string;
  ok: boolean;
  address: string | null;
  reached: string | null;
  previousReached: string | null;
  replica: string | null;
}

afterAll(() => {
  docker('rm', '-f', OLD, NEW);
});

describe('the watch through a rolling update', () => {
  it('says which replica answers the name, and that the old address belongs to nobody', async () => {
    docker('rm', '-f', OLD, NEW);
    runReplica(OLD, ALIAS);
    const oldIp = docker(
      'inspect',
      '-f',
      `{{(index .NetworkSettings.Networks "${LAB_PROJECT}_backend").IPAddress}}`,
      OLD,
    );
    const byName = `http://${ALIAS}:8080/`;
    const byAddress = `http://${oldIp}:8080/`;
    const child = spawn(
      process.execPath,
      [
        CLI,
        'watch',
        '--json',
        '--interval',
        '2',
        '--for',
        '100',
        '--path',
        `client>${byName}`,
        '--path',
        `client>${byAddress}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const seen: Line[] = [];
    createInterface({ input: child.stdout }).on('line', (l) => {
      const p = JSON.parse(l) as Line;
      if (p.from === 'client') seen.push(p);
    });
    const until = async (what: string, test: (l: Line) => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const hit = seen.find(test);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(
        `no line where ${what} within ${ms} ms; seen ${JSON.stringify(seen)}; stderr: ${stderr}`,
      );
    };
    try {
      await until(
        'the name reaches the old replica',
        (l) => l.to === byName && l.reached === OLD && l.ok,
        30_000,
      );
      runReplica(NEW, ALIAS);
      docker('rm', '-f', OLD);
      const moved = await until(
        'the name reaches the new replica',
        (l) => l.to === byName && l.reached === NEW,
        30_000,
      );
      expect(moved).toMatchObject({ ok: true, previousReached: OLD });
      expect(moved.replica).toMatch(
        new RegExp(
          `^now reaches ${NEW} \\(\\d+\\.\\d+\\.\\d+\\.\\d+\\), was ${OLD} \\(${oldIp.replace(/\./g, '\\.')}\\)$`,
        ),
      );
      const stale = await until('the old address reaches nobody', (l) => l.to === byAddress && !l.ok, 30_000);
      expect(stale).toMatchObject({ address: oldIp, reached: null });
      expect(stale.replica).toMatch(
        new RegExp(`^no container holds ${oldIp.replace(/\./g, '\\.')} now; ${OLD} did until `),
      );
    } finally {
      child.kill();
    }
  }, 150_000);
});
