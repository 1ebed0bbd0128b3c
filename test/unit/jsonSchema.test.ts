import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '@/lib/model/jsonSchemas';
import { diffSnapshots } from '@/lib/snapshot/diff';
import { fixtureTopology } from '../helpers';
import { labSnapshot } from '../snapshotFixture';

/** The published JSON Schemas: in step with the zod schemas, and they accept what Reachmap writes. */

const generated = jsonSchemas();
const committed = (name: string) =>
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../schema', `${name}.schema.json`), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });

describe('JSON Schemas', () => {
  it('schema/ holds what the zod schemas generate (run `npm run schema` after changing lib/model)', () => {
    for (const [name, schema] of Object.entries(generated)) expect(committed(name), name).toEqual(schema);
  });

  it('accept real outputs and refuse broken ones', () => {
    const topology = ajv.compile(generated.topology as object);
    const t = { schemaVersion: 1, ...fixtureTopology('lab') };
    expect(topology(t), JSON.stringify(topology.errors)).toBe(true);
    expect(topology({ ...t, containers: [{ id: 1 }] })).toBe(false);
    expect(topology({ ...t, schemaVersion: 2 })).toBe(false);

    const snapshot = ajv.compile(generated.snapshot as object);
    const s = JSON.parse(JSON.stringify(labSnapshot()));
    expect(snapshot(s), JSON.stringify(snapshot.errors?.slice(0, 3))).toBe(true);
    expect(snapshot({ ...s, id: 'short' })).toBe(false);

    const diff = ajv.compile(generated.diff as object);
    expect(diff(diffSnapshots(labSnapshot(), labSnapshot(), { before: 'now', after: 'now' }))).toBe(true);
  });
});
