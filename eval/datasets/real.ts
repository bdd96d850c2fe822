// Real household data (../shared/data, see its README), converted to a labelled trace by the
// colleague's device-sim/convert-real.ts (`REAL_DATASETS` + `convertRealDataset`). Loaded
// lazily: a missing converter or data file → the dataset is skipped with a message.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The type import makes `npm run typecheck` catch API drift; at run time the module is optional.
import type { RealDataset } from '../../device-sim/convert-real.ts';
import { asDataset, DatasetUnavailable, type Dataset, type DatasetSpec } from './dataset.ts';

export const CONVERT_MODULE = new URL('../../device-sim/convert-real.ts', import.meta.url);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface RealFile {
  /** Our dataset name (short, for --dataset). */
  name: string;
  /** Path under the data directory; picks the converter's definition. */
  file: string;
  about: string;
}

export const REAL_FILES: RealFile[] = [
  {
    name: 'real-daiad-1p',
    file: 'daiad/alicante-1person-age52-hourly.csv',
    about: 'DAIAD Alicante, 1 person aged 52, hourly, 1 year, real ±248,000 L interleaving fault',
  },
  {
    name: 'real-daiad-2p',
    file: 'daiad/alicante-2person-age71-hourly.csv',
    about: 'DAIAD Alicante, 2 people aged 71, hourly, 1 year, Christmas absence, gaps up to 17 h',
  },
  {
    name: 'real-ciws',
    file: 'ciws/utah-site019-1min.csv',
    about: 'CIWS Utah site 019, 1-min, 6 days, irrigation day (heavy normal use)',
  },
];

/** ANXIN_DATA_DIR, else ../shared/data beside the project, else ./data. */
export function dataDir(): string {
  const candidates = [process.env.ANXIN_DATA_DIR, join(ROOT, '../shared/data'), join(ROOT, 'data')];
  const found = candidates.find((d): d is string => !!d && existsSync(d));
  if (!found) throw new DatasetUnavailable(`real data not found (set ANXIN_DATA_DIR; looked in ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

interface Converter {
  defs: readonly RealDataset[];
  convert: (def: RealDataset, csvText: string) => unknown;
}

let loaded: Promise<Converter> | undefined;
async function loadConverter(): Promise<Converter> {
  loaded ??= import(CONVERT_MODULE.href).then(
    (mod: { REAL_DATASETS?: unknown; convertRealDataset?: unknown }) => {
      if (!Array.isArray(mod.REAL_DATASETS) || typeof mod.convertRealDataset !== 'function') {
        throw new DatasetUnavailable(
          `device-sim/convert-real.ts lacks REAL_DATASETS / convertRealDataset (found: ${Object.keys(mod).join(', ')})`,
        );
      }
      return { defs: mod.REAL_DATASETS as RealDataset[], convert: mod.convertRealDataset as Converter['convert'] };
    },
    (err: unknown) => {
      throw new DatasetUnavailable(`real-data converter not available (device-sim/convert-real.ts): ${(err as Error).message.split('\n')[0]}`);
    },
  );
  return loaded;
}

export async function buildRealDataset(f: RealFile): Promise<Dataset> {
  const { defs, convert } = await loadConverter();
  const def = defs.find((d) => d.file === f.file);
  if (!def) throw new DatasetUnavailable(`device-sim/convert-real.ts has no definition for ${f.file}`);
  const path = join(dataDir(), f.file);
  if (!existsSync(path)) throw new DatasetUnavailable(`real data file missing: ${path}`);
  return asDataset(f.name, convert(def, readFileSync(path, 'utf8')), `convertRealDataset(${def.name})`);
}

export const realSpecs = (): DatasetSpec[] =>
  REAL_FILES.map((f) => ({ name: f.name, group: 'real (fixtures)', about: f.about, build: () => buildRealDataset(f) }));
