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

const { values: args } = parseArgs({
  options: {
    households: { type: 'string', default: '12' },
    speed: { type: 'string', default: '1200' },
    duration: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (args.help) {
  console.log(`usage: npm run demo -- [--households 12] [--speed 1200] [--duration seconds]
  Starts Anxin (MQTT :1883, HTTP :8080 unless ANXIN_* say otherwise; a throwaway database)
  and simulated households publishing at --speed× real time, with a burst pipe, a tap left
  running, a slow leak and an incapacitation injected. Alerts are printed as they open.`);
  process.exit(0);
}

const speed = Number(args.speed);
const n = Number(args.households);
const wallStart = Date.now();
const simClock = () => wallStart + (Date.now() - wallStart) * speed;
const config = loadConfig(process.env, { dbPath: process.env.ANXIN_DB ?? join(mkdtempSync(join(tmpdir(), 'anxin-demo-')), 'demo.db'), log: { level: 'warn' } });
// Rejected bad payloads are counted and kept as dead letters; the demo does not print each one.
const app = createApp(config, { clock: simClock, logger: pino({ level: 'error' }) });

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
  { name: 'incapacitation', meterId: 'demo-004', at: at(0.2), durationMs: 48 * 3_600_000 },
  { name: 'slow-leak', meterId: 'demo-005', at: at(0.1), durationMs: 72 * 3_600_000, lpm: 0.3 },
].filter((s) => meters.some((m) => m.meterId === s.meterId)) as FleetScenario[];

const local = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ');
app.monitor.onAlert((ch) => {
  const a = ch.alert;
  if (ch.kind === 'opened') console.log(`\n🔔 [sim ${local(a.openedAt)} CST] ${a.type} · ${a.meterId}\n   ${a.reason.zh}\n   ${a.reason.en}`);
  else if (ch.kind === 'resolved') console.log(`✓ [sim ${local(a.resolvedAt ?? a.openedAt)} CST] ${a.type} · ${a.meterId} resolved (${a.resolution})`);
});

// Dashboard: a grid worker of the demo grid and an administrator, printed with the URL below.
const DEMO_LOGIN = { username: 'wangfang', password: 'anxin-demo-2026' };
await app.store.users.create({ ...DEMO_LOGIN, role: 'grid-worker', gridIds: ['futian-01'], displayName: '网格员 王芳' });
await app.store.users.create({ username: 'admin', password: 'anxin-admin-2026', role: 'admin', displayName: '社区管理员' });

const ports = await app.start();
console.log(`Anxin demo: ${n} households at ${speed}× real time (1 simulated hour = ${(3600 / speed).toFixed(1)} s).`);
console.log(`  API: http://localhost:${ports.httpPort}/api/alerts   metrics: http://localhost:${ports.httpPort}/metrics   MQTT: port ${ports.mqttPort}`);
console.log(`  Injected: ${scenarios.map((s) => `${s.name} on ${s.meterId}`).join(', ')}. Ctrl-C to stop.`);
console.log(`  Dashboard: http://localhost:${ports.httpPort}/  sign in as ${DEMO_LOGIN.username} / ${DEMO_LOGIN.password} (grid worker) or admin / anxin-admin-2026`);
const fleet = await startFleet({ url: `mqtt://127.0.0.1:${ports.mqttPort}`, meters, speed, startAt: wallStart, scenarios, seed: 2026, badPayloadRate: 0.002, duplicateRate: 0.01 });

const stop = async () => {
  await fleet.stop();
  await app.stop();
  const s = app.metrics.render().split('\n').filter((l) => /^anxin_(readings|alerts_opened|dead)/.test(l) && !/ 0$/.test(l));
  console.log(`\nstopped. ${s.join('; ')}`);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (args.duration) setTimeout(stop, Number(args.duration) * 1000);
