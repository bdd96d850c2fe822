// Offline alerts when a dataset's meters upload once a day (NB-IoT "每日上报"): replays an eval
// dataset's trace (.eval-out/<name>/trace.jsonl, so run `npm run eval -- --dataset <name>` first)
// with every reading re-timed to arrive at the next 02:00 China time plus up to 10 min, through
// the replay engine with the detector defaults, and counts offline alerts (none of these meters
// is ever silent for a day on purpose except in the dataset's offline events, printed apart).
//   npx tsx eval/tools/daily-delivery.ts sim-15min
import { readFileSync } from 'node:fs';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import { parseTraceLine } from '../../src/domain/trace.ts';
import { createReplayEngine } from '../../src/replay/engine.ts';
import type { DatasetLabels } from '../labels.ts';

const name = process.argv[2] ?? 'sim-15min';
const dir = `.eval-out/${name}`;
const labels = JSON.parse(readFileSync(`${dir}/labels.json`, 'utf8')) as DatasetLabels;
const DAY = 86_400_000;
const CST = 8 * 3_600_000;
const UPLOAD = 2 * 3_600_000;
/** Next 02:00 China time after t, plus a per-meter, per-day jitter of up to 10 min. */
const upload = (meterId: string, t: number): number => {
  const day = Math.floor((t + CST - UPLOAD) / DAY) + 1;
  const jitter = ((meterId.charCodeAt(meterId.length - 1) * 7919 + day * 104_729) % 600) * 1000;
  return day * DAY - CST + UPLOAD + 60_000 + jitter;
};
const readings = readFileSync(`${dir}/trace.jsonl`, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => parseTraceLine(l))
  .flatMap((p) => (p.ok ? [p.value] : []))
  .map((v) => ({ meterId: v.meterId, ts: v.ts, totalLiters: v.totalLiters, receivedAt: upload(v.meterId, v.receivedAt ?? v.ts) }))
  .sort((a, b) => a.receivedAt - b.receivedAt);
const offline: { meterId: string; openedAt: number; reason: string }[] = [];
const eng = createReplayEngine(defaultDetectorConfig, (a) => {
  if (a.type === 'offline') offline.push({ meterId: a.meterId, openedAt: a.openedAt, reason: a.reason.en });
});
for (const r of readings) eng.push(r);
let until = 0;
let months = 0;
for (const m of labels.meters) {
  until = Math.max(until, Date.parse(m.to));
  months += (Date.parse(m.to) - Date.parse(m.from)) / (30 * DAY);
}
eng.advanceTo(until + 2 * DAY);
// An outage the dataset labels (offline events) explains an alert within a day and a half after it.
const outages = labels.events.filter((e) => e.type === 'offline');
const explained = (a: (typeof offline)[number]) => outages.some((e) => e.meterId === a.meterId && a.openedAt >= Date.parse(e.start) && a.openedAt <= Date.parse(e.end) + 4 * DAY);
const inSpan = offline.filter((a) => labels.meters.some((m) => m.meterId === a.meterId && a.openedAt <= Date.parse(m.to) + DAY));
const unexplained = inSpan.filter((a) => !explained(a));
console.log(`${name}, daily upload: ${readings.length} readings, ${labels.meters.length} meters, ${months.toFixed(1)} household-months`);
console.log(`  offline alerts ${inSpan.length}: ${inSpan.length - unexplained.length} after a labelled outage, ${unexplained.length} others = ${(unexplained.length / months).toFixed(2)} per household-month`);
for (const a of unexplained.slice(0, 5)) console.log(`  ${a.meterId} ${new Date(a.openedAt).toISOString()} ${a.reason}`);
