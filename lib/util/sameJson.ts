/**
 * Structural equality of JSON-shaped values (what zod schemas and JSON.parse produce):
 * primitives, arrays and plain objects. One pass, no allocation, stops at the first
 * difference — the live path compares thousands of entities on every rebuild, so neither
 * JSON.stringify (allocates the whole text twice) nor a general deep-equal (Maps, cycles,
 * prototypes) is worth its cost here. `for…in` over plain objects is the fastest key walk
 * in V8 (about 3× Object.keys here); plain objects have no inherited enumerable keys.
 *
 * A key whose value is undefined counts as absent, as it would after a JSON round trip.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // NaN is not JSON, but two NaN timings should not look like a change.
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const k in x) {
    const v = x[k];
    if (v === undefined) continue;
    if (!sameJson(v, y[k])) return false;
    defined++;
  }
  // Every defined key of x is in y with the same value; y must have no other defined key.
  for (const k in y) if (y[k] !== undefined) defined--;
  return defined === 0;
}
