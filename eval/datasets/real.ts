// Real household data (../shared/data, see its README), converted to a labelled trace by the
// colleague's device-sim/convert-real.ts. Loaded lazily: missing converter or data → skipped.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asDataset, DatasetUnavailable, type Dataset, type DatasetSpec } from './dataset.ts';

export const CONVERT_MODULE = new URL('../../device-sim/convert-real.ts', import.meta.url);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface RealFile {
  name: string;
  kind: 'daiad' | 'ciws';
  file: string;
  meterId: string;
  about: string;
}

export const REAL_FILES: RealFile[] = [
  {
    name: 'real-daiad-1p',
    kind: 'daiad',
    file: 'daiad/alicante-1person-age52-hourly.csv',
    meterId: 'daiad-alicante-1p',
    about: 'DAIAD Alicante, 1 person aged 52, hourly, 1 year, real 248,000 L interleaving fault',
  },
  {
    name: 'real-daiad-2p',
    kind: 'daiad',
    file: 'daiad/alicante-2person-age71-hourly.csv',
    meterId: 'daiad-alicante-2p',
    about: 'DAIAD Alicante, 2 people aged 71, hourly, 1 year, Christmas absence, 17 h gaps',
  },
  {
    name: 'real-ciws',
    kind: 'ciws',
    file: 'ciws/utah-site019-1min.csv',
    meterId: 'ciws-utah-019',
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

type Convert = (kind: RealFile['kind'], csvText: string, meterId: string) => unknown;

let loaded: Promise<Convert> | undefined;
async function loadConverter(): Promise<Convert> {
  loaded ??= import(CONVERT_MODULE.href).then(
    (mod: { convertCsvToTrace?: unknown }) => {
      if (typeof mod.convertCsvToTrace !== 'function') {
        throw new DatasetUnavailable(`device-sim/convert-real.ts has no convertCsvToTrace export (found: ${Object.keys(mod).join(', ')})`);
      }
      return mod.convertCsvToTrace as Convert;
    },
    (err: unknown) => {
      throw new DatasetUnavailable(`real-data converter not available (device-sim/convert-real.ts): ${(err as Error).message.split('\n')[0]}`);
    },
  );
  return loaded;
}

export async function buildRealDataset(f: RealFile): Promise<Dataset> {
  const convert = await loadConverter();
  const csv = readFileSync(join(dataDir(), f.file), 'utf8');
  return asDataset(f.name, await convert(f.kind, csv, f.meterId), `convertCsvToTrace('${f.kind}', ${f.file}, '${f.meterId}')`);
}

export const realSpecs = (): DatasetSpec[] =>
  REAL_FILES.map((f) => ({ name: f.name, about: f.about, build: () => buildRealDataset(f) }));
