// Every dataset the harness knows, by name.
import type { DatasetSpec } from './dataset.ts';
import { realSpecs } from './real.ts';
import { realHomeSpecs } from './real-homes.ts';
import { simSpecs } from './sim.ts';
import { smokeSpec } from './smoke.ts';

/** Run by default: the simulator's datasets, then the real data. */
export const defaultSpecs = (quick: boolean): DatasetSpec[] => [...simSpecs(quick), ...realSpecs(), ...realHomeSpecs(quick)];

/** Everything selectable with --dataset, including the built-in smoke set. */
export const allSpecs = (quick: boolean): DatasetSpec[] => [...defaultSpecs(quick), smokeSpec];

export { smokeSpec };
export { DatasetUnavailable, type Dataset, type DatasetSpec } from './dataset.ts';
