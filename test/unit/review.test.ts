import { describe, expect, it } from 'vitest';
import { assess } from '@/lib/review/decisions';
import { connectionsMarkdown, modelsMarkdown } from '@/lib/review/markdown';
import { serviceModels } from '@/lib/review/models';
import { fixtureTopology } from '../helpers';

describe('design review', () => {
  const t = fixtureTopology('lab');
  const models = serviceModels(t);
  const m = (svc: string) => models.find((x) => x.service.endsWith(`/${svc}`));

  it('names each service’s networking model and what it implies', () => {
    expect(m('gateway')).toMatchObject({ model: 'bridge+publish' });
    expect(m('gateway')?.fromCompose).toMatch(/^gateway:18789/);
    expect(m('gateway-loopback')?.fromCompose).toMatch(/loopback-only/);
    expect(m('gateway-loopback')?.fromHost).toMatch(/resets/);
    expect(m('cli-sidecar')).toMatchObject({ model: 'service-namespace' });
    expect(m('cli-sidecar')?.fromCompose).toMatch(/127\.0\.0\.1/);
    expect(m('hostnet')).toMatchObject({ model: 'host' });
    expect(m('multi')).toMatchObject({ model: 'bridge' });
  });

  it('assesses services against a constraint’s safer default', () => {
    const a = assess(t, [], 'same-compose');
    expect(a.find((x) => x.service.endsWith('/gateway'))?.follows).toBe(true);
    expect(a.find((x) => x.service.endsWith('/gateway-loopback'))?.follows).toBe(false);
    expect(assess(t, [], 'shared-localhost').find((x) => x.service.endsWith('/cli-sidecar'))?.follows).toBe(
      true,
    );
    expect(assess(t, [], 'host-proxy').find((x) => x.service.endsWith('/gateway'))?.follows).toBe(true);
  });

  it('exports as Markdown tables with escaped cells', () => {
    const md = modelsMarkdown(models);
    expect(md).toContain('| service | model |');
    expect(md).toContain('bridge+publish');
    expect(
      connectionsMarkdown([
        { initiator: 'a|b', target: 't', resolution: 'r', layers: [], verdict: 'fail', decisive: 'X' },
      ]),
    ).toContain('a\\|b');
  });
});
