// The same trace through the replay engine and through the live path (the real app on a manual
// clock, each message through createIngest wired as src/app.ts wires it, monitor.tick every
// tickSeconds = 30 s as the service's detector-tick job does).
import { expect } from 'vitest';
import { createIngest } from '../../../src/ingest/index.ts';
import { defaultDetectorConfig } from '../../../src/detect/config.ts';
import type { Alert } from '../../../src/domain/alert.ts';
import { createReplayEngine } from '../../../src/replay/engine.ts';
import { household, rig } from '../../dashboard/helpers.ts';

export interface Line { ts: number; totalLiters: number; receivedAt: number; battery?: number }
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const TICK = 30_000;

export function replay(meterId: string, lines: Line[], until: number) {
  const alerts: Alert[] = [];
  const e = createReplayEngine(defaultDetectorConfig, (a) => alerts.push(a));
  for (const l of lines) e.push({ meterId, ts: l.ts, totalLiters: l.totalLiters, receivedAt: l.receivedAt, ...(l.battery !== undefined && { battery: l.battery }) });
  e.advanceTo(until);
  return alerts.map((a) => ({ type: a.type, openedAt: a.openedAt }));
}

/** `batches`: lines with the same receivedAt go as one meters/{id}/batch message (as recorded). */
export async function live(meterId: string, lines: Line[], until: number, start: number, batches = false) {
  const r = await rig();
  household(r, 'h1', 'g1', meterId);
  const app = r.app;
  const ingest = createIngest({
    deadLetters: { add: () => {} },
    isProcessingAllowed: (id) => app.store.meters.isProcessingAllowed(id),
    onReadings: (rs, topic) => app.monitor.onReadings(rs, topic),
    onStatus: (s) => app.monitor.onStatus(s),
    counters: { accepted: () => {}, rejected: () => {}, duplicate: () => {} },
  });
  const opened: { type: string; openedAt: number }[] = [];
  app.monitor.onAlert((c) => c.kind === 'opened' && opened.push({ type: c.alert.type, openedAt: c.alert.openedAt }));
  let i = 0;
  const sorted = [...lines];
  for (let t = Math.ceil(start / TICK) * TICK; t <= until; t += TICK) {
    while (i < sorted.length && sorted[i]!.receivedAt <= t) {
      const l = sorted[i++]!;
      r.clock.now = l.receivedAt;
      if (batches) {
        const group = [l];
        while (i < sorted.length && sorted[i]!.receivedAt === l.receivedAt) group.push(sorted[i++]!);
        const readings = group.map((g) => ({ ts: new Date(g.ts).toISOString(), totalLiters: g.totalLiters, ...(g.battery !== undefined && { battery: g.battery }) }));
        ingest.handle(meterId, `meters/${meterId}/batch`, JSON.stringify({ readings }), l.receivedAt);
        app.store.writes.flushSync();
        continue;
      }
      const body: Record<string, unknown> = { ts: new Date(l.ts).toISOString(), totalLiters: l.totalLiters };
      if (l.battery !== undefined) body.battery = l.battery;
      ingest.handle(meterId, `meters/${meterId}/reading`, JSON.stringify(body), l.receivedAt);
      app.store.writes.flushSync();
    }
    r.clock.now = t;
    app.monitor.tick(t);
  }
  // Everything processed, committed and its alert changes stored (no wall-clock wait).
  await app.monitor.settled(meterId);
  await r.close();
  return opened;
}

/** Live raised `types`, and replay the same, each opened within one tick of live's. */
export function expectSameAlerts(r: { type: string; openedAt: number }[], l: { type: string; openedAt: number }[], types: string[]): void {
  expect(l.map((a) => a.type)).toEqual(types);
  expect(r.map((a) => a.type)).toEqual(l.map((a) => a.type));
  for (let i = 0; i < l.length; i++) expect(Math.abs(r[i]!.openedAt - l[i]!.openedAt)).toBeLessThanOrEqual(TICK);
}
