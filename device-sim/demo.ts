// npm run demo — the service and a fleet of simulated households together, faster than real
// time, so a new user watches alerts appear within a minute or two. The service and the fleet
// share one simulated clock (the broker stamps arrivals with it), so the detector sees the
// same time the meters do.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { isFailure } from '../src/store/index.ts';
import { startFleet } from './mqtt-fleet.ts';
import { ARCHETYPES } from './profile.ts';
import type { FleetMeter, FleetScenario } from './fleet-config.ts';
// ── notify drill (演练, issue 7) ──
import { maskName, maskPhone } from '../src/domain/household.ts';
import type { OutgoingMessage } from '../src/notify/types.ts';
import type { Reading } from '../src/domain/reading.ts';
import { simulateMeter } from './meter-sim.ts';
import { makeProfile } from './profile.ts';
import { hashSeed, Rng } from './rng.ts';
import { resolveScenario } from './scenarios.ts';
// ── end notify drill ──

const { values: args } = parseArgs({
  options: {
    households: { type: 'string', default: '12' },
    speed: { type: 'string', default: '1200' },
    duration: { type: 'string' },
    'history-days': { type: 'string', default: '21' },
    help: { type: 'boolean' },
  },
});
if (args.help) {
  console.log(`usage: npm run demo -- [--households 12] [--speed 1200] [--duration seconds]
  Starts Anxin (MQTT :1883, HTTP :8080 unless ANXIN_* say otherwise; a throwaway database)
  and simulated households publishing at --speed× real time, with a burst pipe, a tap left
  running, a slow leak and an incapacitation injected. Alerts are printed as they open.
  --history-days 21: weeks of routine replayed fast first, so the detector alerts on what it
  learned. The incapacitation (demo-004) walks the whole notification ladder (演练): check-in to
  the elder, unanswered → grid worker → family → the family taps the link → all-clear.`);
  process.exit(0);
}

const speed = Number(args.speed);
const n = Number(args.households);
const wallStart = Date.now();
// ── notify drill: while the learning weeks are replayed, the clock is the replay's; then live from wallStart ──
const clockState: { replayAt: number | undefined; liveWall: number } = { replayAt: undefined, liveWall: wallStart };
const simClock = () => clockState.replayAt ?? wallStart + (Date.now() - clockState.liveWall) * speed;
// ── end notify drill ──
const config = loadConfig(process.env, { dbPath: process.env.ANXIN_DB ?? join(mkdtempSync(join(tmpdir(), 'anxin-demo-')), 'demo.db'), log: { level: 'warn' } });
// ── notify drill: links point at this demo; messages go to the outbox channel and are printed ──
const drill: { onMessage?: (msg: OutgoingMessage) => void } = {};
const httpPort = config.http.port || 8080;
config.notify.publicBaseUrl = `http://localhost:${httpPort}`;
// ── end notify drill ──
// Rejected bad payloads are counted and kept as dead letters; the demo does not print each one.
const app = createApp(config, { clock: simClock, logger: pino({ level: 'error' }), onOutboxMessage: (m) => drill.onMessage?.(m) });

const meters: FleetMeter[] = [];
for (let i = 1; i <= n; i++) {
  const id = `demo-${String(i).padStart(3, '0')}`;
  const hh = app.store.households.create({ id: `hh-${id}`, name: `示例住户 ${i}`, gridId: 'futian-01' }, simClock());
  if (isFailure(hh)) throw new Error(hh.message);
  app.store.households.giveConsent(hh.id, { consentedBy: '本人 (demo)', consentedAt: simClock(), scope: ['water-monitoring', 'family-status', 'family-alerts'] });
  const p = app.store.meters.provision(id, hh.id, simClock());
  if (isFailure(p)) throw new Error(p.message);
  meters.push({ meterId: id, token: p.token, profile: ARCHETYPES[i % ARCHETYPES.length]!, cadence: i % 3 === 0 ? '15min' : '1min' });
}

const at = (h: number) => wallStart + h * 3_600_000;
const scenarios: FleetScenario[] = [
  { name: 'burst-pipe', meterId: 'demo-001', at: at(0.5), durationMs: 6 * 3_600_000, lpm: 22 },
  { name: 'tap-left-running', meterId: 'demo-002', at: at(1), durationMs: 6 * 3_600_000, lpm: 6 },
  // Found by the learned routine; water use resumes after 10 h (the family arrives), closing the alert.
  { name: 'incapacitation', meterId: 'demo-004', at: at(0.2), durationMs: 13 * 3_600_000 },
  { name: 'slow-leak', meterId: 'demo-005', at: at(0.1), durationMs: 72 * 3_600_000, lpm: 0.3 },
].filter((s) => meters.some((m) => m.meterId === s.meterId)) as FleetScenario[];

const local = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ');

// ── notify drill: learn first. Each household's last weeks go straight through the detector, on
// the replay's clock, before anything is live: the same households (seed, profile, cadence) the
// fleet then simulates live, so the routine it learned is the one it watches. ──
const SEED = 2026;
const historyDays = Number(args['history-days']);
function learn(days: number): { readings: number; alerts: number } {
  if (days <= 0) return { readings: 0, alerts: 0 };
  const from = wallStart - days * 86_400_000;
  const streams = meters.map((m) => {
    // As startFleet derives them (device-sim/mqtt-fleet.ts), so the live household is the same one.
    const h = hashSeed(SEED, m.meterId);
    const rng = new Rng(h);
    for (const sc of scenarios.filter((x) => x.meterId === m.meterId)) resolveScenario(sc, rng);
    const sim = simulateMeter({ meterId: m.meterId, profile: makeProfile(m.profile!, rng.fork('profile')), seed: h, cadence: m.cadence!, from, initialLiters: 0 });
    const out: Reading[] = [];
    for (let r = sim.reports.next(); !r.done && r.value.sendAt < wallStart; r = sim.reports.next())
      if (!r.value.resend) for (const x of r.value.readings) out.push({ meterId: m.meterId, ts: x.ts, totalLiters: x.totalLiters, receivedAt: r.value.sendAt });
    // The live meter starts at its own register value: shift history so the register never runs backwards.
    const live = new Rng(hashSeed(h, 'register')).int(1_000, 400_000);
    const shift = live - (out.at(-1)?.totalLiters ?? 0);
    for (const x of out) x.totalLiters += shift;
    return out;
  });
  const all = streams.flat().sort((a, b) => a.receivedAt - b.receivedAt || a.ts - b.ts);
  const before = app.store.alerts.list({ limit: 1, offset: 0 }).total;
  let nextTick = from;
  for (const r of all) {
    for (; nextTick <= r.receivedAt; nextTick += 3_600_000) app.monitor.tick((clockState.replayAt = nextTick));
    clockState.replayAt = r.receivedAt;
    app.monitor.onReadings([r]);
  }
  clockState.replayAt = undefined;
  return { readings: all.length, alerts: app.store.alerts.list({ limit: 1, offset: 0 }).total - before };
}
let learning = true;
// ── end notify drill ──

app.monitor.onAlert((ch) => {
  if (learning) return; // the learning weeks are summarised, not printed
  const a = ch.alert;
  if (ch.kind === 'opened') console.log(`\n🔔 [sim ${local(a.openedAt)} CST] ${a.type} · ${a.meterId}\n   ${a.reason.zh}\n   ${a.reason.en}`);
  else if (ch.kind === 'resolved') console.log(`✓ [sim ${local(a.resolvedAt ?? a.openedAt)} CST] ${a.type} · ${a.meterId} resolved (${a.resolution})`);
});

// Dashboard: a grid worker of the demo grid and an administrator, printed with the URL below.
const DEMO_LOGIN = { username: 'wangfang', password: 'anxin-demo-2026' };
await app.store.users.create({ ...DEMO_LOGIN, role: 'grid-worker', gridIds: ['futian-01'], displayName: '网格员 王芳' });
await app.store.users.create({ username: 'admin', password: 'anxin-admin-2026', role: 'admin', displayName: '社区管理员' });
// ── notify drill (演练): learn, then the ladder of demo-004, printed as it happens ──
if (historyDays > 0) {
  console.log(`Learning: replaying ${historyDays} days of each household's routine through the detector first (about half a minute)…`);
  const t0 = Date.now();
  const l = learn(historyDays);
  console.log(`  ${historyDays} days of routine for ${n} households (${l.readings} readings) replayed through the detector in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${l.alerts} alert(s) during those weeks (stored, not printed, nobody told).`);
}
// Let the planner see the learning weeks' alerts with no ladder yet, so nobody is told about the past.
await new Promise((r) => setImmediate(r));
await app.notify?.settle();
learning = false;
const ELDER = '13900000004';
const ladderContacts = [
  { name: '王秀英', role: 'elder' as const, phone: ELDER },
  { name: '陈网格', role: 'grid-worker' as const, phone: '13800000002' },
  { name: '李明', role: 'family' as const, phone: '13700000003' },
];
if (meters.some((m) => m.meterId === 'demo-004')) for (const c of ladderContacts) app.store.contacts.add('hh-demo-004', c);
const ROLE_ZH: Record<string, string> = { elder: '老人', 'grid-worker': '网格员', family: '家属' };
const roleOf = (phone?: string) => ladderContacts.find((c) => c.phone === phone)?.role ?? 'other';
drill.onMessage = (msg) => {
  const role = roleOf(msg.to.phone);
  const step = msg.idempotencyKey.split(':')[1];
  const who = `${ROLE_ZH[role] ?? role} ${maskName(msg.to.name ?? '')} ${msg.to.phone ? maskPhone(msg.to.phone) : ''}`;
  console.log(`📨 [sim ${local(simClock())} CST] ${step} · ${msg.channel.toUpperCase()} → ${who}\n   ${msg.text}`);
  if (msg.template === 'check-in') console.log('   (演练: the elder does not reply; after the window the grid worker is told)');
  // The family taps the signed link a little later (a real HTTP POST, as the page's button does).
  if (role === 'family' && step === 'rung-2') {
    const link = /https?:\/\/\S+?\/a\/\S+?(?=\s|。|$)/.exec(msg.text)?.[0];
    if (link)
      setTimeout(async () => {
        const res = await fetch(link, { method: 'POST' });
        console.log(`👆 [sim ${local(simClock())} CST] 家属 ${maskName(msg.to.name ?? '')} taps the link → HTTP ${res.status} ${res.ok ? '已确认 (acknowledged; the ladder stops)' : ''}`);
      }, (8 * 60_000) / speed); // 8 simulated minutes later
  }
};
// The planner looks again every 2 simulated minutes (the service's own job runs every notify.tickSeconds of wall time).
const drillTick = setInterval(() => app.notify?.tick(), Math.max(50, (120_000 / speed) | 0));
// ── end notify drill ──

const ports = await app.start();
console.log(`Anxin demo: ${n} households at ${speed}× real time (1 simulated hour = ${(3600 / speed).toFixed(1)} s).`);
console.log(`  API: http://localhost:${ports.httpPort}/api/alerts   metrics: http://localhost:${ports.httpPort}/metrics   MQTT: port ${ports.mqttPort}`);
console.log(`  Injected: ${scenarios.map((s) => `${s.name} on ${s.meterId}`).join(', ')}. Ctrl-C to stop.`);
console.log(`  Dashboard: http://localhost:${ports.httpPort}/  sign in as ${DEMO_LOGIN.username} / ${DEMO_LOGIN.password} (grid worker) or admin / anxin-admin-2026`);
clockState.liveWall = Date.now(); // ── notify drill: live simulated time starts at wallStart now that learning is done ──
const fleet = await startFleet({ url: `mqtt://127.0.0.1:${ports.mqttPort}`, meters, speed, startAt: wallStart, scenarios, seed: 2026, badPayloadRate: 0.002, duplicateRate: 0.01 });

const stop = async () => {
  clearInterval(drillTick);
  await fleet.stop();
  await app.stop();
  const s = app.metrics.render().split('\n').filter((l) => /^anxin_(readings|alerts_opened|dead)/.test(l) && !/ 0$/.test(l));
  console.log(`\nstopped. ${s.join('; ')}`);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (args.duration) setTimeout(stop, Number(args.duration) * 1000);
