// The same simulated households on another meter: regenerates one simulator seed with a single
// cadence and writes it as .eval-out/<name>/{trace.jsonl,labels.json}, for diagnose-nu.ts. The
// simulator draws households, routines and scenarios from forks of the seed that do not depend
// on the cadence, so the same incapacitation can be compared on 1-min, 15-min and hourly meters.
//   npx tsx eval/tools/same-households.ts 20260160 40 60 1min   → .eval-out/same-20260160-1min
import { buildSimDataset, type SimRequest } from '../datasets/sim.ts';
import { writeJson, writeJsonl } from '../io.ts';

const [seed, households, days, cadence] = process.argv.slice(2);
const name = `same-${seed}-${cadence}`;
const req: SimRequest = { name, seed: Number(seed), households: Number(households), days: Number(days), cadenceMix: cadence as SimRequest['cadenceMix'], start: '2026-01-05' };
const ds = await buildSimDataset(req);
writeJsonl(`.eval-out/${name}/trace.jsonl`, ds.lines);
writeJson(`.eval-out/${name}/labels.json`, ds.labels);
console.log(`${name}: ${ds.lines.length} lines, ${ds.labels.events.filter((e) => e.type === 'no-usage').length} no-usage events`);
