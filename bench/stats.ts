// Medians and repeated timings shared by the benchmark scripts.

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * The median of `runs` timings of a synchronous function, after `warmups` untimed calls (the
 * first calls also pay for the JIT, which would favour whatever runs last).
 */
export function timeSync(fn: () => unknown, runs = 9, warmups = 5): number {
  for (let i = 0; i < warmups; i++) fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}
