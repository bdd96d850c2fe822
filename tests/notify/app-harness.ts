// The real app (SQLite file, HTTP by inject) on a manual clock, with alerts injected as the
// monitor would report them (persisted, then the listeners told): for delivery tests that need
// an alert at a given moment rather than three weeks of readings.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createApp, type App } from '../../src/app.ts';
import { parseConfig, type ConfigInput } from '../../src/config.ts';
import type { Alert, AlertType } from '../../src/domain/alert.ts';
import type { AlertChange } from '../../src/alerting/lifecycle.ts';
import type { NewContact } from '../../src/store/index.ts';
import type { ChannelKind, Notifier } from '../../src/notify/types.ts';
import { tempDb } from './temp.ts';
import { Recorder } from './recorder.ts';

export const MIN = 60_000;
/** Tuesday 3 March 2026, 10:00 in Shanghai: daytime, outside quiet hours. */
export const T0 = Date.parse('2026-03-03T10:00:00+08:00');

export const CONTACTS: NewContact[] = [
  { name: '王秀英', role: 'elder', phone: '13900000001' },
  { name: '陈网格', role: 'grid-worker', phone: '13800000002', wechatOpenId: 'o-chen', channels: ['sms', 'wechat'] },
  { name: '李明', role: 'family', phone: '13700000003' },
];

export class AppRun {
  readonly clock: { now: number };
  readonly rec: Recorder;
  readonly app: App;
  readonly logs: Record<string, unknown>[] = [];

  constructor(
    readonly path = tempDb(),
    opts: { clock?: { now: number }; rec?: Recorder; config?: ConfigInput; notifiers?: Map<ChannelKind, Notifier> | false } = {},
  ) {
    this.clock = opts.clock ?? { now: T0 };
    this.rec = opts.rec ?? new Recorder(() => this.clock.now);
    const sink = new Writable({ write: (chunk, _e, done) => (this.logs.push(JSON.parse(String(chunk))), done()) });
    const config = parseConfig({
      dbPath: this.path,
      mqtt: { port: 0, host: '127.0.0.1' },
      http: { port: 0, host: '127.0.0.1' },
      ...opts.config,
      notify: { publicBaseUrl: 'https://anxin.example.cn', smsReplyToken: 'reply-token-0123456789', ...opts.config?.notify },
    });
    this.app = createApp(config, {
      clock: () => this.clock.now,
      jobs: false,
      logger: pino({ level: 'info' }, sink),
      ...(opts.notifiers !== false && { notifiers: opts.notifiers ?? this.rec.notifiers() }),
    });
  }

  seed(contacts: NewContact[] = CONTACTS): this {
    const s = this.app.store;
    s.households.create({ id: 'hh-1', name: '王秀英', address: '莲花路 12 号', gridId: 'futian-01' }, this.clock.now);
    s.households.giveConsent('hh-1', { consentedBy: '王秀英', consentedAt: this.clock.now, scope: ['water-monitoring'] });
    const p = s.meters.provision('m-1', 'hh-1', this.clock.now);
    if ('error' in p) throw new Error(p.message);
    for (const c of contacts) s.contacts.add('hh-1', c);
    return this;
  }

  contact(role: string) {
    return this.app.store.contacts.list('hh-1').find((c) => c.role === role)!;
  }

  /** As the monitor does: persist, then tell the listeners (here: the notifier). */
  raise(type: AlertType = 'no-usage', over: Partial<Alert> = {}): Alert {
    const alert: Alert = {
      id: `al-${type}-${this.clock.now}`,
      meterId: 'm-1',
      type,
      status: 'open',
      openedAt: this.clock.now,
      observedAt: this.clock.now - 3 * 60 * MIN,
      reason: { zh: '平时 07:10 前会用水，今天到 09:40 仍未用水', en: 'usually first uses water by 07:10; none by 09:40', facts: {} },
      ...over,
    };
    this.change({ kind: 'opened', alert });
    return alert;
  }

  change(c: AlertChange): void {
    this.app.store.alerts.record(c);
    this.app.notify!.onAlert(c);
  }

  /** Minute by minute to `until`, planning and sending as the tick job would. */
  async advance(until: number): Promise<void> {
    for (let t = this.clock.now; t <= until; t += MIN) {
      this.clock.now = t;
      await this.app.notify!.settle();
    }
    this.clock.now = until;
  }

  rows(alertId: string) {
    return this.app.store.outbox.forAlert(alertId);
  }
}
