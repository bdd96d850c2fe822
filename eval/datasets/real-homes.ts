// The 17 real DAIAD homes (../shared/data/daiad/households): false alarms per household-month
// on homes nobody simulated, and detection delay for incapacitations injected into them
// (device-sim/real-homes.ts). The 15 homes of the households folder are split by key: those
// whose key starts with b–f are HELD OUT — never looked at while tuning the defaults — and
// reported on their own line; the other 9 may be used for tuning. (The two Alicante homes
// have their own datasets, real-daiad-1p and real-daiad-2p.)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RealHome } from '../../device-sim/real-homes.ts';
import { asDataset, DatasetUnavailable, type Dataset, type DatasetSpec } from './dataset.ts';
import { dataDir } from './real.ts';

const MODULE = new URL('../../device-sim/real-homes.ts', import.meta.url);
export const isHeldOutHome = (key: string): boolean => /^[b-f]/i.test(key);

type Mod = typeof import('../../device-sim/real-homes.ts');
let loaded: Promise<Mod> | undefined;
const load = (): Promise<Mod> =>
  (loaded ??= import(MODULE.href).catch((err: unknown) => {
    throw new DatasetUnavailable(`real-homes converter not available (device-sim/real-homes.ts): ${(err as Error).message.split('\n')[0]}`);
  }) as Promise<Mod>);

async function build(name: string, heldOut: boolean, quick: boolean): Promise<Dataset> {
  const mod = await load();
  const dir = join(dataDir(), 'daiad/households');
  const index = join(dir, 'households.csv');
  if (!existsSync(index)) throw new DatasetUnavailable(`real homes missing: ${index} (see shared/data/README.md)`);
  let homes: RealHome[] = mod.parseHouseholds(readFileSync(index, 'utf8')).filter((h) => isHeldOutHome(h.key) === heldOut);
  if (quick) homes = homes.slice(0, 2);
  const lines = [];
  const labels = { name, meters: [] as Dataset['labels']['meters'], events: [] as Dataset['labels']['events'], normals: [] as Dataset['labels']['normals'] };
  for (const h of homes) {
    const r = mod.convertRealHome(h, readFileSync(join(dir, h.file), 'utf8'));
    lines.push(...r.lines);
    labels.meters.push(...r.labels.meters);
    labels.events.push(...r.labels.events);
    labels.normals.push(...r.labels.normals);
  }
  return asDataset(name, { lines, labels }, `convertRealHome(${homes.map((h) => h.key).join(', ')})`);
}

export const realHomeSpecs = (quick: boolean): DatasetSpec[] => [
  {
    name: 'real-homes',
    group: 'real homes (tuning)',
    about: `DAIAD households, ${quick ? '2' : '9'} real homes × 1 year, hourly, 36 h incapacitations injected`,
    build: () => build('real-homes', false, quick),
  },
  {
    name: 'real-homes-heldout',
    group: 'real homes held-out',
    about: `DAIAD households, ${quick ? '2' : '6'} real homes × 1 year never used for tuning, hourly, 36 h incapacitations injected`,
    build: () => build('real-homes-heldout', true, quick),
  },
];
