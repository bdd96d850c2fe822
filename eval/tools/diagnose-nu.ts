// Diagnosis of no-usage alerts on one eval dataset (.eval-out/<name>/trace.jsonl + labels.json):
// replays the trace in process with the detector defaults (check-in on, as the eval), and for
// every confirmed no-usage alert records the model's state at that moment (young/mature, learned
// days, precedent, deadline, night rule) and how long the silence went on; joins with the eval's
// scoring to tell false alarms from detections. Prints a summary and writes a JSONL of rows.
//   npx tsx eval/tools/diagnose-nu.ts real-homes [config.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { DetectorConfigSchema } from '../../src/detect/config.ts';
import { deadlineFor, marginAfter } from '../../src/detect/deadline.ts';
import { parseTraceLine } from '../../src/domain/trace.ts';
import { createReplayEngine } from '../../src/replay/engine.ts';
import type { DatasetLabels } from '../labels.ts';
import { scoreParts } from '../score.ts';
import type { EvalAlert } from '../trace.ts';

const name = process.argv[2] ?? 'real-homes';
const dir = `.eval-out/${name}`;
const cfgIn = process.argv[3] ? JSON.parse(readFileSync(process.argv[3], 'utf8')) : {};
cfgIn.noUsage = { ...(cfgIn.noUsage ?? {}), checkIn: { enabled: true, ...(cfgIn.noUsage?.checkIn ?? {}) } };
const cfg = DetectorConfigSchema.parse(cfgIn);
const labels = JSON.parse(readFileSync(`${dir}/labels.json`, 'utf8')) as DatasetLabels;
const lines = readFileSync(`${dir}/trace.jsonl`, 'utf8').split('\n').filter(Boolean);

interface Row extends EvalAlert { since: number; at: number; learnedDays: number; comparableDays: number; learned: boolean; precedentEnd: number; deadline: number; night: boolean; latestFirst: number; resumed?: number; fa?: boolean }
const rows: Row[] = [];
const eng = createReplayEngine(
  cfg,
  (a) => {
    if (a.type !== 'no-usage') return void rows.push({ meterId: a.meterId, type: a.type, openedAt: new Date(a.openedAt).toISOString(), stage: a.stage ?? 'confirmed' } as Row);
    const m = eng.detector.meters.get(a.meterId)!;
    const v = deadlineFor(m.routine, m.noUsageSince, cfg);
    rows.push({ meterId: a.meterId, type: a.type, openedAt: new Date(a.openedAt).toISOString(), stage: a.stage ?? 'confirmed', since: m.noUsageSince, at: a.openedAt, learnedDays: m.routine.learnedDays, comparableDays: v.comparableDays, learned: v.learned, precedentEnd: v.precedentEnd, deadline: v.deadline, night: a.reason.facts?.usualFirstUse !== undefined, latestFirst: m.routine.latestFirstUseMin });
  },
  (a, at) => {
    const m = eng.detector.meters.get(a.meterId)!;
    const v = deadlineFor(m.routine, m.noUsageSince, cfg);
    rows.push({ meterId: a.meterId, type: a.type, openedAt: new Date(at).toISOString(), stage: 'confirmed', escalated: true, since: m.noUsageSince, at, learnedDays: m.routine.learnedDays, comparableDays: v.comparableDays, learned: v.learned, precedentEnd: v.precedentEnd, deadline: v.deadline, night: false, latestFirst: m.routine.latestFirstUseMin });
  },
);
let until = 0;
for (const l of labels.meters) until = Math.max(until, Date.parse(l.to));
const lastTotal = new Map<string, number>();
const uses = new Map<string, number[]>();
for (const text of lines) {
  const p = parseTraceLine(text);
  if (!p.ok) continue;
  const v = p.value;
  const prev = lastTotal.get(v.meterId);
  if (prev !== undefined && v.totalLiters - prev >= 0.5) (uses.get(v.meterId) ?? uses.set(v.meterId, []).get(v.meterId)!).push(v.ts);
  lastTotal.set(v.meterId, v.totalLiters);
  eng.push({ meterId: v.meterId, ts: v.ts, totalLiters: v.totalLiters, receivedAt: v.receivedAt ?? v.ts, flowLpm: v.flowLpm, battery: v.battery, seq: v.seq });
}
eng.advanceTo(until);
// The eval scores confirmed alerts: openings not at check-in stage, plus escalations.
const confirmed = rows.filter((r) => r.stage !== 'check-in');
const parts = scoreParts(labels, confirmed.map((r) => ({ meterId: r.meterId, type: r.type, openedAt: r.openedAt })));
const faKey = new Set(parts.falseAlarmList.filter((f) => !['trip', 'absence'].includes(f.normal)).map((f) => `${f.alert.meterId}|${f.alert.openedAt}`));
const detKey = new Map(parts.outcomes.filter((o) => o.event.type === 'no-usage' && o.alert).map((o) => [`${o.alert!.meterId}|${o.alert!.openedAt}`, o.delayMs!] as const));
for (const r of confirmed) {
  (r as Row & { delay?: number }).delay = detKey.get(`${r.meterId}|${r.openedAt}`);
  r.fa = faKey.has(`${r.meterId}|${r.openedAt}`);
  const u = uses.get(r.meterId) ?? [];
  r.resumed = u.find((t) => t > r.at);
}
const H = 3_600_000;
const nu = confirmed.filter((r) => r.type === 'no-usage' && r.fa);
console.log(`${name}: confirmed no-usage false alarms ${nu.length}; all FA ${faKey.size}`);
const young = nu.filter((r) => !r.learned);
console.log(`  backstop (learnedDays < min): ${young.length}; learned: ${nu.length - young.length}; via escalation ${nu.filter((r) => r.escalated).length}`);
const hist = (xs: number[], w: number) => { const c: Record<string, number> = {}; for (const x of xs) { const k = Math.floor(x / w) * w; c[k] = (c[k] ?? 0) + 1; } return Object.entries(c).sort((a, b) => +a[0] - +b[0]).map(([k, n]) => `${k}:${n}`).join(' '); };
const localH = (t: number) => new Date(t + 60 * 60_000).getUTCHours(); // the homes are in Madrid (UTC+1)
console.log('  learnedDays at alert:', hist(nu.map((r) => r.learnedDays), 4));
console.log('  since (local hour):', hist(nu.filter((r) => r.learned).map((r) => localH(r.since)), 2));
console.log('  threshold h:', hist(nu.filter((r) => r.learned).map((r) => (r.deadline - r.since) / H), 1));
console.log('  silence went on after alert h:', hist(nu.map((r) => ((r.resumed ?? r.at) - r.at) / H), 1));
console.log('  precedent NaN:', nu.filter((r) => r.learned && Number.isNaN(r.precedentEnd)).length, ' night rule:', nu.filter((r) => r.night).length);
console.log('  capped at hardCap:', nu.filter((r) => r.learned && r.deadline - r.since >= cfg.noUsage.hardCapMs - 1).length);
const byM: Record<string, [number, number]> = {};
for (const r of nu) { const x = (byM[r.meterId] ??= [0, 0]); x[r.learned ? 1 : 0]++; }
console.log('  per meter [backstop, learned]:', JSON.stringify(byM));
const det = confirmed.filter((r) => (r as Row & { delay?: number }).delay !== undefined) as (Row & { delay: number })[];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
console.log(`  detections ${det.length}: mean delay ${(mean(det.map((r) => r.delay)) / H).toFixed(2)} h; backstop ${det.filter((r) => !r.learned).length} (mean ${(mean(det.filter((r) => !r.learned).map((r) => r.delay)) / H).toFixed(1)} h); learned mean ${(mean(det.filter((r) => r.learned).map((r) => r.delay)) / H).toFixed(1)} h; at hard cap ${det.filter((r) => r.deadline - r.since >= cfg.noUsage.hardCapMs - 1).length}; mean latency after deadline ${(mean(det.map((r) => r.at - r.deadline)) / H).toFixed(2)} h`);
console.log('  detection threshold h (learned):', hist(det.filter((r) => r.learned).map((r) => (r.deadline - r.since) / H), 1));
// Where each detection's delay went (issue 9): event start → silence start (a: negative when the
// last use came before the event began) → latest precedent's end (b) → + margins (c) → the night
// rule, minimum threshold or hard cap moving the deadline (n) → the alert, waiting for a reading
// or a delivery past the deadline (w). a + b + c + n + w = delay.
const start = new Map(labels.events.filter((e) => e.type === 'no-usage').map((e) => [e.meterId, Date.parse(e.start)] as const));
const split = det.filter((r) => r.learned).map((r) => {
  const t0 = r.at - r.delay;
  const end = Number.isNaN(r.precedentEnd) ? r.since : r.precedentEnd;
  const margin = Number.isNaN(r.precedentEnd) ? 0 : marginAfter(end - r.since, r.comparableDays, cfg);
  const p = { a: r.since - t0, b: end - r.since, c: margin, n: r.deadline - (end + margin), w: r.at - r.deadline };
  if (process.env.SPLIT_ROWS) console.log(`    ${r.meterId} start ${new Date(start.get(r.meterId) ?? t0).toISOString().slice(0, 16)} delay ${(r.delay / H).toFixed(2)} h = a ${(p.a / H).toFixed(2)} + b ${(p.b / H).toFixed(2)} + c ${(p.c / H).toFixed(2)} + n ${(p.n / H).toFixed(2)} + w ${(p.w / H).toFixed(2)} (${r.comparableDays} days)`);
  return p;
});
const avg = (k: 'a' | 'b' | 'c' | 'n' | 'w') => (mean(split.map((p) => p[k])) / H).toFixed(2);
console.log(`  delay split (learned, mean h): a silence start vs event ${avg('a')}, b precedent ${avg('b')}, c margins ${avg('c')}, n night/min/cap ${avg('n')}, w wait for data ${avg('w')}`);
writeFileSync(`/tmp/diag-${name}.jsonl`, confirmed.map((r) => JSON.stringify(r)).join('\n') + '\n');
