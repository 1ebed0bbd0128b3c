// npx tsx bench/fleetUp.ts [N] | bench/fleetUp.ts down — the benchmark's fleet alone, for profiling by hand.
import { createFleet, removeFleet } from './fleet';

const arg = process.argv[2];
if (arg === 'down') removeFleet();
else console.log(`created in ${((await createFleet(Number(arg ?? 500))) / 1000).toFixed(1)} s`);
