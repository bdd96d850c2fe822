// Done means (issue 7): over the REAL app (createApp, a SQLite file, the HTTP routes by inject, a
// manual clock), one incapacitation walks the whole ladder: check-in to the elder, no reply →
// grid worker (SMS) → no ack → family → acknowledged by the signed link → all-clear when water
// use resumes. The app is stopped in the middle and created again on the same file: nothing is
// lost and nothing is sent twice. The detector learns three weeks of a household's routine
// first (monitor injection, as tests/integration/restart.test.ts: 2,000 readings through MQTT
// would only test the broker again), so the alert is the learned one, not the 12 h backstop;
// the water use that ends it arrives as a real meter would send it, over MQTT (mqtt.js → aedes TCP).
// Sends go to a recording Notifier (the channels' wire contracts are tested in tests/notify/channels).
import mqtt from 'mqtt';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig, type ConfigInput } from '../../src/config.ts';
import type { Reading } from '../../src/domain/reading.ts';
import { HOUR, MIN, at, household } from '../detect/timeline.ts';
import { Recorder } from './recorder.ts';
import { tempDb } from './temp.ts';

const ELDER = '13900000001';
const GRID = '13800000002';
const SON = '13700000003';

// A 15-min meter; on day 20 the resident stops using water at 09:00 (a fall) until the family arrive at 18:00.
const incident = at(20, '09:00');
const family = at(20, '18:00');
const h = household({ meterId: 'm-1', cadenceMin: 15, days: 22, seed: 7 });
h.silence(incident, family).use(family);
const readings = h.readings();

/** One app on `dbPath` on a manual clock, driven like the live service. */
class Run {
  readonly app: App;
  fed: number;
  token = '';

  constructor(
    readonly dbPath: string,
    readonly clock: { now: number },
    readonly rec: Recorder,
    over: ConfigInput = {},
    readonly rs: Reading[] = readings,
  ) {
    const config = parseConfig({
      dbPath,
      mqtt: { port: 0, host: '127.0.0.1' },
      http: { port: 0, host: '127.0.0.1' },
      notify: { publicBaseUrl: 'https://anxin.example.cn', linkSecret: 'test-link-secret-0123456789', ...over.notify },
      ...over,
    });
    this.app = createApp(config, { clock: () => clock.now, jobs: false, logger: pino({ level: 'silent' }), notifiers: rec.notifiers() });
    this.fed = rs.findIndex((r) => r.receivedAt > clock.now);
    if (this.fed < 0) this.fed = rs.length;
  }

  seed(): this {
    const s = this.app.store;
    s.households.create({ id: 'hh-1', name: '王秀英', address: '福田区莲花路 12 号 3 单元', gridId: 'futian-01' }, this.clock.now);
    s.households.giveConsent('hh-1', { consentedBy: '王秀英', consentedAt: this.clock.now, scope: ['water-monitoring', 'notify-family', 'notify-grid-worker'] });
    const p = s.meters.provision('m-1', 'hh-1', this.clock.now);
    if ('error' in p) throw new Error(p.message);
    this.token = p.token;
    s.contacts.add('hh-1', { name: '王秀英', role: 'elder', phone: ELDER });
    s.contacts.add('hh-1', { name: '陈网格', role: 'grid-worker', phone: GRID });
    s.contacts.add('hh-1', { name: '李明', role: 'family', phone: SON, channels: ['sms'] });
    return this;
  }

  /** Readings arrive as they would; the detector ticks hourly (fast) or every minute with the notifier (live). */
  async advance(until: number, live = true): Promise<void> {
    const step = live ? MIN : HOUR;
    for (let t = Math.ceil(this.clock.now / step) * step; t <= until; t += step) {
      while (this.fed < this.rs.length && this.rs[this.fed]!.receivedAt <= t) {
        this.clock.now = this.rs[this.fed]!.receivedAt;
        this.app.monitor.onReadings([this.rs[this.fed++]!]);
      }
      this.clock.now = t;
      this.app.monitor.tick(t);
      if (live) await this.app.notify!.settle();
    }
  }

  noUsage() {
    return this.app.store.alerts.list({ type: 'no-usage', limit: 5, offset: 0 }).items[0];
  }
}

describe('the ladder over the real app', () => {
  it('incapacitation: check-in unanswered → grid worker → family → acknowledged by link → all-clear; a restart loses nothing, sends nothing twice', async () => {
    const path = tempDb();
    const clock = { now: readings[0]!.receivedAt };
    const rec = new Recorder(() => clock.now);
    const a = new Run(path, clock, rec).seed();
    await a.advance(incident, false); // three weeks of routine, fast
    expect(rec.sent).toEqual([]);

    // The learned routine raises the alert hours before the 12 h backstop; the elder is asked first.
    while (!a.noUsage()) await a.advance(clock.now + 5 * MIN);
    const alert = a.noUsage()!;
    expect(alert.reason.facts.model).toBe('learned');
    expect(alert.openedAt).toBeLessThan(incident + 7 * HOUR);
    const opened = alert.openedAt;
    expect(rec.lines()).toEqual([`check-in→${ELDER} sms`]);
    expect(rec.sent[0]!.text).toContain('您好，今天还没有检测到用水，如一切平安请回复 1');
    // A short signed link: 12 characters of token, within a Tencent SMS variable's limit.
    expect(rec.sent[0]!.text).toMatch(/https:\/\/anxin\.example\.cn\/a\/[0-9a-z][\w-]{8} 确认。$/);
    expect(rec.sent[0]!.params.token).toHaveLength(9);

    // No reply within the 30-min window: the grid worker at once, and only then.
    await a.advance(opened + 29 * MIN);
    expect(rec.sent).toHaveLength(1);
    await a.advance(opened + 31 * MIN);
    expect(rec.lines()).toEqual([`check-in→${ELDER} sms`, `rung-1→${GRID} sms`]);
    const toGrid = rec.sent[1]!;
    expect(toGrid.at).toBe(opened + 30 * MIN);
    expect(toGrid.text).toContain('王秀英');
    expect(toGrid.text).toContain('长时间未用水');
    expect(toGrid.text).toContain(alert.reason.zh.slice(0, 10));
    expect([...toGrid.text].length).toBeLessThanOrEqual(480);
    expect(toGrid.params.name).toBe('王秀英');

    // Restart in the middle: stop, and a new app on the same file.
    await a.app.stop();
    const b = new Run(path, clock, rec);
    await b.advance(opened + 49 * MIN);
    expect(rec.sent).toHaveLength(2); // nothing re-sent after the restart
    await b.advance(opened + 51 * MIN);
    expect(rec.lines().at(-1)).toBe(`rung-2→${SON} sms`); // 20 min without acknowledgement

    // The son taps the link in his SMS: a page (GET changes nothing), then the one-tap POST.
    const link = /https:\/\/anxin\.example\.cn(\/a\/\S+)/.exec(rec.sent[2]!.text)![1]!.replace(/[。，]$/, '');
    const view = await b.app.http.inject({ url: link });
    expect(view.statusCode).toBe(200);
    expect(view.headers['content-type']).toContain('text/html');
    expect(view.body).toContain('长时间未用水');
    expect(view.body).toContain('<form method="post">');
    expect(view.body).not.toContain('王秀英'); // masked on a page anyone holding the link can open
    expect(b.app.store.alerts.get(alert.id)!.status).toBe('open');
    await b.advance(opened + 55 * MIN);
    const tap = await b.app.http.inject({ method: 'POST', url: link, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    expect(tap.statusCode).toBe(200);
    expect(tap.body).toContain('已确认');
    const acked = b.app.store.alerts.get(alert.id)!;
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: '李明 (family)', acknowledgedAt: opened + 55 * MIN });
    expect(b.app.store.alerts.history(alert.id).find((e) => e.kind === 'acknowledged')).toMatchObject({ by: '李明 (family)', note: 'via link' });
    // A used link says so.
    const again = await b.app.http.inject({ url: link });
    expect(again.body).toContain('已由');

    // Acknowledged: no more rungs, no reminders, until water use resumes at 18:00.
    await b.advance(family - MIN);
    expect(rec.sent).toHaveLength(3);

    // 18:00: the family arrive and use water. The meter's readings come over MQTT from here on.
    const { mqttPort } = await b.app.start();
    const meter = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'm-1', username: 'm-1', password: a.token, protocolVersion: 4, reconnectPeriod: 0 });
    const cleared = new Promise<void>((resolve) => b.app.monitor.onAlert((ch) => ch.kind === 'resolved' && ch.alert.id === alert.id && resolve()));
    for (; b.fed < readings.length && readings[b.fed]!.receivedAt <= family + 30 * MIN; b.fed++) {
      const r = readings[b.fed]!;
      clock.now = r.receivedAt; // the broker stamps arrival with the app's clock
      await meter.publishAsync('meters/m-1/reading', JSON.stringify({ ts: r.ts, totalLiters: r.totalLiters }), { qos: 1 });
    }
    await cleared;
    await meter.endAsync();
    await b.advance(family + 30 * MIN);
    const resolved = b.app.store.alerts.get(alert.id)!;
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'auto' });
    expect(rec.lines()).toEqual([`check-in→${ELDER} sms`, `rung-1→${GRID} sms`, `rung-2→${SON} sms`, `all-clear→${GRID} sms`, `all-clear→${SON} sms`]);
    expect(rec.sent[3]!.text).toMatch(/^王秀英：1[89]:\d\d 已恢复用水，提醒已解除。$/);

    // Never the same step to the same person twice; the idempotency key went to the provider.
    const keys = rec.attempts.map((x) => x.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[0]).toBe(`${alert.id}:check-in:${b.app.store.contacts.list('hh-1')[0]!.id}:sms`);

    // The timeline and the API show every step, phones masked.
    const kinds = b.app.store.alerts.history(alert.id).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'notification-sent')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'notification-queued')).toHaveLength(5);
    expect(kinds[0]).toBe('opened');
    expect(kinds).toContain('acknowledged');
    expect(kinds.at(-1)).toMatch(/notification-sent/);
    const api = await b.app.http.inject({ url: `/api/alerts/${alert.id}/notifications` });
    expect(api.statusCode).toBe(200);
    const items = api.json().items as { step: string; to: string; status: string; attempts: unknown[] }[];
    expect(items.map((n) => `${n.step} ${n.status}`)).toEqual(['check-in sent', 'rung-1 sent', 'rung-2 sent', 'all-clear sent', 'all-clear sent']);
    expect(items[1]!.to).toBe('陈** 138****0002');
    expect(JSON.stringify(api.json())).not.toContain(GRID);
    // Counters are per process: this app sent the family SMS and the two all-clears.
    expect(b.app.metrics.render()).toContain('anxin_notifications_sent_total{channel="sms",provider="recorder"} 3');
    await b.app.stop();
  }, 60_000);
});
