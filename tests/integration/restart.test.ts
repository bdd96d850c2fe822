// A restart loses nothing the detector learned. Three weeks of a household's readings go
// through the real app on a SQLite file; one run never restarts, the other is stopped part-way
// and a new app is started on the same file. They must open the same alerts at the same
// moments and end in the same detector state. A detector that lost its state instead is
// still on the 12 h learning backstop and misses the incident entirely.
// Time is a manual clock; the monitor is fed as ingest would feed it, and ticked hourly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { seedHousehold } from '../store/temp-store.ts';
import { parseConfig } from '../../src/config.ts';
import type { Alert } from '../../src/domain/alert.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { encodeMeterState } from '../../src/service/detector-snapshot.ts';
import { HOUR, at, household, show } from '../detect/timeline.ts';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

// A 15-min meter; on day 20 the person stops using water at 09:00 (a fall) until family
// arrive at 18:00. The learned routine knows a 9-hour daytime silence is abnormal.
const incident = at(20, '09:00');
const family = at(20, '18:00');
const h = household({ meterId: 'm-1', cadenceMin: 15, days: 22, seed: 7 });
h.silence(incident, family).use(family);
const readings = h.readings();
const end = h.end;

/** One app on `dbPath`, on a manual clock, driven like the live service from `from` until `until`. */
class Run {
  readonly clock = { now: 0 };
  readonly app: App;
  readonly logs: { level: number; msg: string; restored?: number; ignored?: number }[] = [];

  constructor(readonly dbPath: string, start: number) {
    this.clock.now = start;
    const config = parseConfig({ dbPath, mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' } });
    const sink = new Writable({ write: (chunk, _enc, done) => (this.logs.push(JSON.parse(String(chunk))), done()) });
    this.app = createApp(config, { clock: () => this.clock.now, jobs: false, logger: pino({ level: 'info' }, sink) });
    // A consented household's meter: only those are restored (a withdrawn one is not).
    if (!this.app.store.meters.get('m-1')) seedHousehold(this.app.store);
  }

  /** Readings arriving in [from, until), with the hourly tick the service's job would run. */
  feed(from: number, until: number): this {
    let tick = Math.ceil(from / HOUR) * HOUR;
    const arriving = readings.filter((r) => r.receivedAt >= from && r.receivedAt < until);
    const step = (r?: Reading) => {
      for (; tick < (r?.receivedAt ?? until); tick += HOUR) this.app.monitor.tick((this.clock.now = tick));
      if (!r) return;
      this.clock.now = r.receivedAt;
      this.app.monitor.onReadings([r]);
    };
    for (const r of arriving) step(r);
    step();
    this.clock.now = until;
    return this;
  }

  alerts(): Alert[] {
    return this.app.store.alerts.list({ limit: 100, offset: 0 }).items;
  }

  state(): string {
    return encodeMeterState(this.app.monitor.detector.meters.get('m-1')!);
  }
}

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anxin-restart-'));
  dirs.push(dir);
  return join(dir, 'anxin.db');
}

const show2 = (alerts: Alert[]) => alerts.map((a) => `${a.type} ${a.status} opened ${show(a.openedAt)}${a.resolvedAt ? ` resolved ${show(a.resolvedAt)}` : ''}`);

describe('restart', () => {
  // Mid-day three days before the incident; and during it, with the no-usage alert open.
  it.each([
    ['before the incident', at(17, '10:05')],
    ['while the no-usage alert is open', at(20, '15:05')],
  ])('%s: the restarted app behaves exactly as one that never stopped', async (_name, restartAt) => {
    const control = new Run(tempDb(), readings[0]!.receivedAt).feed(0, end);
    const controlAlerts = control.alerts();
    const controlState = control.state();
    const controlHistory = controlAlerts.map((a) => control.app.store.alerts.history(a.id));
    await control.app.stop();

    // The uninterrupted run found the incident with the learned routine, hours before the backstop.
    const noUsage = controlAlerts.filter((a) => a.type === 'no-usage');
    expect(show2(controlAlerts), 'control').toHaveLength(1);
    expect(noUsage[0]!.reason.facts.model).toBe('learned');
    expect(noUsage[0]!.openedAt).toBeGreaterThan(incident + 2 * HOUR);
    expect(noUsage[0]!.openedAt).toBeLessThan(incident + 6 * HOUR);
    expect(noUsage[0]!.resolvedAt).toBeGreaterThan(family);

    const path = tempDb();
    const first = new Run(path, readings[0]!.receivedAt).feed(0, restartAt);
    const openAtRestart = first.alerts().filter((a) => a.status === 'open').length;
    expect(openAtRestart).toBe(restartAt > noUsage[0]!.openedAt ? 1 : 0);
    await first.app.stop(); // saves the detector state before the store closes

    const second = new Run(path, restartAt);
    expect(second.logs.find((l) => l.msg === 'detector state restored')).toMatchObject({ restored: 1, ignored: 0 });
    expect(second.logs.filter((l) => l.level >= 40)).toEqual([]);
    second.feed(restartAt, end);
    // Same alerts (ids, times, reasons, resolution) and the same learned state at the end.
    expect(second.alerts()).toEqual(controlAlerts);
    expect(second.state()).toBe(controlState);
    expect(controlAlerts.map((a) => second.app.store.alerts.history(a.id))).toEqual(controlHistory);
    await second.app.stop();

    // Without the snapshot (what a restart did before): the detector relearns from the
    // restart on, is on the 12 h backstop at 09:00 on day 20, and the family arrives first.
    if (restartAt < incident) {
      const fresh = new Run(tempDb(), restartAt).feed(restartAt, end);
      expect(show2(fresh.alerts())).toEqual([]);
      await fresh.app.stop();
    }
  });

  it('a periodic save mid-run also restores exactly (a crash after it loses only the minutes since)', async () => {
    const path = tempDb();
    const first = new Run(path, readings[0]!.receivedAt).feed(0, at(19, '12:00'));
    first.app.monitor.saveState();
    const saved = first.state();
    first.app.store.close(); // a crash: no orderly stop, nothing saved after this
    const second = new Run(path, at(19, '12:00'));
    expect(second.state()).toBe(saved);
    await second.app.stop();
  });
});
