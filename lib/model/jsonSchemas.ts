import { z } from 'zod';
import { SnapshotDiff } from './diff';
import { ProbeResult } from './probe';
import { RunbookReport } from './runbook';
import { Snapshot } from './snapshot';
import { Finding, Topology } from './topology';

/**
 * The CLI's JSON outputs as JSON Schema, generated from the zod schemas (the single source of
 * truth) for tools outside TypeScript. `npm run schema` writes them to schema/; a unit test
 * keeps the committed files equal to what this produces.
 */

const versioned = <T extends z.ZodRawShape>(o: z.ZodObject<T>) => o.extend({ schemaVersion: z.literal(1) });

export const CLI_OUTPUTS = {
  /** reachmap scan --json */
  topology: versioned(Topology),
  /** reachmap probe --json */
  probe: versioned(ProbeResult).extend({ paired: ProbeResult.optional(), findings: z.array(Finding) }),
  /** reachmap runbook --json */
  runbook: versioned(RunbookReport),
  /** reachmap export ID --json, and what import takes */
  snapshot: Snapshot,
  /** reachmap diff A B --json */
  diff: SnapshotDiff,
} as const;

export function jsonSchemas(): Record<keyof typeof CLI_OUTPUTS, unknown> {
  return Object.fromEntries(
    Object.entries(CLI_OUTPUTS).map(([name, schema]) => [
      name,
      {
        $id: `https://reachmap.invalid/schema/${name}.schema.json`,
        ...z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }),
      },
    ]),
  ) as Record<keyof typeof CLI_OUTPUTS, unknown>;
}
