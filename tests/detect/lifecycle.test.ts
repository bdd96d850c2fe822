// The alert lifecycle (src/alerting/lifecycle.ts): open → acknowledged → resolved, never
// duplicated while open, auto-resolved when the detector clears the condition.
import { describe, expect, it } from 'vitest';
import {
  acknowledge,
  applyDetectorEvent,
  createAlertBook,
  isTransitionError,
  recordInBook,
  resolveManually,
  type AlertChange,
} from '../../src/alerting/lifecycle.ts';
import type { Alert } from '../../src/domain/alert.ts';
import type { DetectorEvent } from '../../src/detect/events.ts';
import { HOUR, MIN, at } from './timeline.ts';

const reason = { zh: '测试', en: 'test', facts: {} };
const raise = (t: number, type: Alert['type'] = 'no-usage', meterId = 'm-1'): DetectorEvent => ({ kind: 'raise', meterId, type, at: t, observedAt: t - MIN, reason });
const clear = (t: number, type: Alert['type'] = 'no-usage', meterId = 'm-1'): DetectorEvent => ({ kind: 'clear', meterId, type, at: t, observedAt: t });
const opened = (chs: AlertChange[]): Alert => {
  expect(chs.map((c) => c.kind)).toEqual(['opened']);
  return chs[0]!.alert;
};
const ok = (x: ReturnType<typeof acknowledge>): Alert => {
  if (isTransitionError(x)) throw new Error(x.message);
  return x;
};

describe('alert lifecycle', () => {
  const t = at(3, '10:00');

  it('a condition raised twice opens one alert', () => {
    const book = createAlertBook();
    const a = opened(applyDetectorEvent(book, raise(t)));
    expect(a).toEqual({ id: expect.stringMatching(/^al-/), meterId: 'm-1', type: 'no-usage', status: 'open', openedAt: t, observedAt: t - MIN, reason });
    expect(applyDetectorEvent(book, raise(t + HOUR))).toEqual([]);
    expect([...book.active.values()]).toEqual([a]);
    // Other types and meters are separate alerts.
    opened(applyDetectorEvent(book, raise(t, 'surge')));
    opened(applyDetectorEvent(book, raise(t, 'no-usage', 'm-2')));
    expect(book.active.size).toBe(3);
  });

  it('acknowledge once; a second acknowledge is an error', () => {
    const book = createAlertBook();
    const a = opened(applyDetectorEvent(book, raise(t)));
    const acked = ok(acknowledge(a, 'worker-7', t + 5 * MIN));
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedAt: t + 5 * MIN, acknowledgedBy: 'worker-7' });
    const again = acknowledge(acked, 'worker-8', t + 6 * MIN);
    expect(again).toEqual({ error: 'already-acknowledged', message: expect.stringContaining('worker-7') });
  });

  it('manual resolve needs the alert not resolved; acknowledge after resolve is an error', () => {
    const book = createAlertBook();
    const a = opened(applyDetectorEvent(book, raise(t)));
    const acked = ok(acknowledge(a, 'w', t + MIN));
    const resolved = ok(resolveManually(acked, 'w', t + 2 * MIN, 'visited, all well'));
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'manual', resolvedBy: 'w', resolvedAt: t + 2 * MIN, note: 'visited, all well' });
    expect(ok(resolveManually(a, 'w', t + MIN, 'straight from open')).status).toBe('resolved');
    expect(resolveManually(resolved, 'w', t + 3 * MIN, 'again')).toMatchObject({ error: 'already-resolved' });
    expect(acknowledge(resolved, 'w', t + 3 * MIN)).toMatchObject({ error: 'already-resolved' });
    recordInBook(book, resolved);
    expect(book.active.size).toBe(0);
  });

  it('a clear auto-resolves the open alert; a clear with nothing open does nothing', () => {
    const book = createAlertBook();
    const a = opened(applyDetectorEvent(book, raise(t)));
    const chs = applyDetectorEvent(book, clear(t + HOUR));
    expect(chs).toEqual([{ kind: 'resolved', alert: { ...a, status: 'resolved', resolvedAt: t + HOUR, resolution: 'auto', resolvedBy: 'system' } }]);
    expect(book.active.size).toBe(0);
    expect(applyDetectorEvent(book, clear(t + 2 * HOUR))).toEqual([]);
  });

  it('a raise after resolve opens a new alert with a new id; ids are deterministic', () => {
    const run = () => {
      const book = createAlertBook();
      const first = opened(applyDetectorEvent(book, raise(t)));
      const resolved = ok(resolveManually(first, 'w', t + MIN, ''));
      recordInBook(book, resolved);
      const second = opened(applyDetectorEvent(book, raise(t + 2 * HOUR)));
      return [first, second];
    };
    const [first, second] = run();
    expect(second!.id).not.toBe(first!.id);
    expect(second).toMatchObject({ status: 'open', openedAt: t + 2 * HOUR });
    expect(run()).toEqual([first, second]);
  });

  it('a book rebuilt from stored alerts keeps open ones and skips resolved ones', () => {
    const book = createAlertBook();
    const a = opened(applyDetectorEvent(book, raise(t)));
    const b = ok(resolveManually(opened(applyDetectorEvent(book, raise(t, 'surge'))), 'w', t, ''));
    const rebuilt = createAlertBook([a, b], book.nextSeq);
    expect([...rebuilt.active.values()]).toEqual([a]);
    expect(applyDetectorEvent(rebuilt, raise(t + HOUR))).toEqual([]);
    expect(opened(applyDetectorEvent(rebuilt, raise(t + HOUR, 'surge'))).id).not.toBe(b.id);
  });

  it('a check-in-stage alert is confirmed once when the full deadline passes; a second check-in changes nothing', () => {
    const book = createAlertBook();
    const checkIn: DetectorEvent = { ...raise(t), stage: 'check-in' } as DetectorEvent;
    const a = opened(applyDetectorEvent(book, checkIn));
    expect(a.stage).toBe('check-in');
    expect(applyDetectorEvent(book, { ...checkIn, at: t + MIN } as DetectorEvent)).toEqual([]);
    const confirmedReason = { zh: '确认', en: 'confirmed', facts: {} };
    const chs = applyDetectorEvent(book, { ...raise(t + HOUR), reason: confirmedReason } as DetectorEvent);
    expect(chs).toEqual([{ kind: 'escalated', at: t + HOUR, alert: { ...a, stage: 'confirmed', reason: confirmedReason } }]);
    // Confirmed: later raises are duplicates again.
    expect(applyDetectorEvent(book, raise(t + 2 * HOUR))).toEqual([]);
    // A plain raise (no stage) opens a confirmed alert with no stage field.
    expect(opened(applyDetectorEvent(book, raise(t, 'surge'))).stage).toBeUndefined();
  });
});

