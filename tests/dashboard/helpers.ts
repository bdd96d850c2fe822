// A real app (SQLite file, fastify) on a manual clock, with households fed readings through
// the monitor exactly as ingest does. For the dashboard's API tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.ts';
import type { Logger } from 'pino';
import { parseConfig, type ConfigInput } from '../../src/config.ts';
import type { Reading } from '../../src/domain/reading.ts';

export const MIN = 60_000;
export const HOUR = 3_600_000;
/** 2026-03-02 08:00 CST. */
export const T0 = Date.parse('2026-03-02T08:00:00+08:00');

export interface Rig {
  app: App;
  clock: { now: number };
  feed(meterId: string, ts: number, totalLiters: number, extra?: Partial<Reading>): void;
  /** Readings every `stepMs` from `from` to `to` (inclusive) at a constant register: a silence. */
  silence(meterId: string, from: number, to: number, total: number, stepMs?: number): void;
  api(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** `config`: settings over the rig's own (a grace period, say); `logger`: to read the log. */
export async function rig(opts: { listen?: boolean; config?: ConfigInput; logger?: Logger } = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'anxin-dash-'));
  const clock = { now: T0 };
  const config = parseConfig({ log: { level: 'silent' }, ...opts.config, dbPath: join(dir, 'anxin.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' } });
  const app = createApp(config, { clock: () => clock.now, jobs: false, ...(opts.logger && { logger: opts.logger }) });
  if (opts.listen) await app.start();
  const feed = (meterId: string, ts: number, totalLiters: number, extra: Partial<Reading> = {}) => {
    clock.now = Math.max(clock.now, ts);
    app.monitor.onReadings([{ meterId, ts, totalLiters, receivedAt: ts, ...extra }]);
    // Readings are group-committed; the rig commits at once so a read right after sees them.
    app.store.writes.flushSync();
  };
  return {
    app,
    clock,
    feed,
    silence(meterId, from, to, total, stepMs = 15 * MIN) {
      for (let t = from; t <= to; t += stepMs) feed(meterId, t, total);
    },
    async api(method, url, body, headers = {}) {
      const res = await app.http.inject({ method: method as 'GET', url, headers, ...(body === undefined ? {} : { payload: body as object }) });
      return { status: res.statusCode, body: res.body ? (() => { try { return res.json(); } catch { return res.body; } })() : undefined, headers: res.headers };
    },
    async close() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A consented household in a grid with one provisioned meter. */
export function household(r: Rig, id: string, gridId: string, meterId: string, scope: string[] = ['water-monitoring']) {
  const s = r.app.store;
  const h = s.households.create({ id, name: `住户 ${id}`, address: `福田区 ${id} 号`, gridId }, r.clock.now);
  if ('error' in h) throw new Error(h.message);
  s.households.giveConsent(id, { consentedBy: '本人', consentedAt: r.clock.now, scope });
  const p = s.meters.provision(meterId, id, r.clock.now);
  if ('error' in p) throw new Error(p.message);
}

/** Water used at T0 (10 L), then a silence read every 15 min up to `until` (nothing else used):
 *  while the routine is unlearned, the 12 h backstop decides. */
export function silentAfterT0(r: Rig, meterId: string, until: number) {
  r.feed(meterId, T0 - 15 * MIN, 1000);
  r.feed(meterId, T0, 1010);
  r.silence(meterId, T0 + 15 * MIN, until, 1010);
}
