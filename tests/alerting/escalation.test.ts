// Timeline tests of the pure escalation policy on a manual clock: a loop plays the role of the
// dispatcher (every planned send is recorded as sent at once, or as failed for the contacts told
// to fail) and wakes the planner exactly when it asked to be woken. Times are local (UTC+8).
import { describe, expect, it } from 'vitest';
import { planEscalation, type LadderContact, type NotificationRecord } from '../../src/alerting/escalation.ts';
import { PolicySchema, type EscalationPolicy } from '../../src/alerting/policy.ts';
import type { Alert, AlertType } from '../../src/domain/alert.ts';

const MIN = 60_000;
const OFFSET = 480;
const DAY0 = Date.parse('2026-03-02T00:00:00+08:00');
const t = (hhmm: string, day = 0) => DAY0 + day * 1440 * MIN + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * MIN;
const hm = (ms: number) => new Date(ms + OFFSET * MIN).toISOString().slice(11, 16);

const LADDER: LadderContact[] = [
  { id: 'elder', role: 'elder', rung: 0, channels: ['sms'] },
  { id: 'grid', role: 'grid-worker', rung: 1, channels: ['sms', 'wechat'] },
  { id: 'son', role: 'family', rung: 2, channels: ['sms'] },
  { id: 'duty', role: 'duty-officer', rung: 3, channels: ['wecom'] },
];

const alertOf = (type: AlertType, openedAt: number, over: Partial<Alert> = {}): Alert => ({
  id: 'al-1',
  meterId: 'm-1',
  type,
  status: 'open',
  openedAt,
  observedAt: openedAt,
  reason: { zh: '', en: '', facts: {} },
  ...over,
});

interface Script {
  policy?: EscalationPolicy;
  ladder?: LadderContact[];
  /** Changes to the alert at given times (ack, resolve, escalate). */
  at?: [number, (a: Alert) => Alert][];
  /** When the detector confirmed the alert: the planner hears of it from then on. */
  escalatedAt?: number;
  /** Contacts whose sends fail for good. */
  failing?: string[];
  /** Contacts whose sends stay pending for a while (minutes). */
  slow?: Record<string, number>;
}

/** Plays the planner from `from` to `until`; returns "HH:MM step→contact" lines. */
function play(alert0: Alert, from: number, until: number, s: Script = {}): { log: string[]; history: NotificationRecord[]; lastWake?: number } {
  const policy = s.policy ?? PolicySchema.parse({});
  let alert = alert0;
  const history: NotificationRecord[] = [];
  const log: string[] = [];
  const changes = [...(s.at ?? [])].sort((a, b) => a[0] - b[0]);
  let now = from;
  let wake: number | undefined = from;
  while (now <= until) {
    while (changes.length && changes[0]![0] <= now) alert = changes.shift()![1](alert);
    for (const h of history)
      if (h.status === 'pending' && h.createdAt + (s.slow?.[h.contactId] ?? 0) * MIN <= now) {
        h.status = alert.status !== 'open' && h.purpose !== 'all-clear' ? 'cancelled' : s.failing?.includes(h.contactId) ? 'failed' : 'sent';
        h.settledAt = now;
      }
    const p = planEscalation({ alert, history, ladder: s.ladder ?? LADDER, policy, now, offsetMin: OFFSET, ...(s.escalatedAt !== undefined && now >= s.escalatedAt && { escalatedAt: s.escalatedAt }) });
    for (const send of p.sends) {
      history.push({ ...send, createdAt: now, status: 'pending' });
      log.push(`${hm(now)} ${send.step}→${send.contactId}${send.channels[0] === 'voice' ? ' (voice)' : ''}`);
    }
    if (p.nextWakeAt !== undefined) expect(p.nextWakeAt).toBeGreaterThan(now);
    wake = p.nextWakeAt;
    // Advance to the next minute that matters: a wake-up, a change, or a pending send settling.
    const next = [wake, changes[0]?.[0], ...history.filter((h) => h.status === 'pending').map((h) => Math.max(now + MIN, h.createdAt + (s.slow?.[h.contactId] ?? 0) * MIN))].filter(
      (x): x is number => x !== undefined && x > now,
    );
    if (!next.length) break;
    now = Math.min(...next);
  }
  return { log, history, ...(wake !== undefined && { lastWake: wake }) };
}

const ack = (at: number) => (a: Alert): Alert => ({ ...a, status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: 'grid' });
const resolve = (at: number, over: Partial<Alert> = {}) => (a: Alert): Alert => ({ ...a, status: 'resolved', resolvedAt: at, resolution: 'auto', ...over });

describe('escalation policy (pure, manual clock)', () => {
  it('no-usage: check-in to the elder, no reply → grid worker → family → duty officer → reminders, until acknowledged; then all-clear', () => {
    const opened = t('09:40');
    const { log, lastWake } = play(alertOf('no-usage', opened), opened, t('18:00'), { at: [[t('11:20'), ack(t('11:20'))], [t('12:10'), resolve(t('12:10'))]] });
    expect(log).toEqual([
      '09:40 check-in→elder',
      '10:10 rung-1→grid', // window 30 min unanswered: escalates at once
      '10:30 rung-2→son', // 20 min without acknowledgement
      '10:50 rung-3→duty',
      '11:05 reminder-1→grid',
      '11:05 reminder-1→son',
      '11:05 reminder-1→duty',
      // acknowledged at 11:20: nothing more until the condition clears
      '12:10 all-clear→grid',
      '12:10 all-clear→son',
      '12:10 all-clear→duty', // the elder got only the check-in: no all-clear to her
    ]);
    expect(lastWake).toBeUndefined();
  });

  it('reminders stop after maxReminders; nothing is ever sent twice', () => {
    const opened = t('09:00');
    const { log, history, lastWake } = play(alertOf('no-usage', opened), opened, t('08:00', 1));
    expect(log.filter((l) => l.includes('reminder') && l.endsWith('grid'))).toEqual([
      '10:25 reminder-1→grid', // check-in 09:00, rungs 09:30, 09:50, 10:10, then every 15 min
      '10:40 reminder-2→grid',
      '10:55 reminder-3→grid',
      '11:10 reminder-4→grid',
    ]);
    // Still unacknowledged when night falls: one voice call per rung told that has a phone.
    expect(log.filter((l) => l.includes('voice'))).toEqual(['22:00 voice-1→grid (voice)', '22:00 voice-2→son (voice)']);
    const keys = history.map((h) => `${h.step}|${h.contactId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(lastWake).toBeUndefined();
  });

  it('关怀确认: the elder replies within the window (resolved elder-fine) → nobody else is disturbed', () => {
    const opened = t('09:40');
    const { log, lastWake } = play(alertOf('no-usage', opened), opened, t('18:00'), {
      at: [[t('09:52'), resolve(t('09:52'), { resolution: 'manual', outcome: 'elder-fine' })]],
    });
    expect(log).toEqual(['09:40 check-in→elder']);
    expect(lastWake).toBeUndefined();
  });

  it('a check-in-stage alert asks only the elder; the detector confirming it escalates before the window ends', () => {
    const opened = t('08:30');
    const escalatedAt = t('08:45');
    const { log } = play(alertOf('no-usage', opened, { stage: 'check-in' }), opened, t('09:10'), {
      escalatedAt,
      at: [[escalatedAt, (a) => ({ ...a, stage: 'confirmed' })]],
    });
    expect(log).toEqual(['08:30 check-in→elder', '08:45 rung-1→grid', '09:05 rung-2→son']);
  });

  it('a check-in-stage alert with no elder to ask disturbs nobody until it is confirmed', () => {
    const opened = t('08:30');
    const ladder = LADDER.filter((c) => c.role !== 'elder');
    const quiet = play(alertOf('no-usage', opened, { stage: 'check-in' }), opened, t('12:00'), { ladder });
    expect(quiet.log).toEqual([]);
    expect(quiet.lastWake).toBeUndefined();
    const confirmed = play(alertOf('no-usage', opened, { stage: 'confirmed' }), t('09:00'), t('09:00'), { ladder, escalatedAt: t('09:00') });
    expect(confirmed.log).toEqual(['09:00 rung-1→grid']);
  });

  it('check-ins off: the walk starts with the grid worker at once', () => {
    const policy = PolicySchema.parse({ checkIn: { enabled: false } });
    const { log } = play(alertOf('no-usage', t('09:00')), t('09:00'), t('09:25'), { policy });
    expect(log).toEqual(['09:00 rung-1→grid', '09:20 rung-2→son']);
  });

  it('a check-in that fails for good (no such number) escalates at once, not after the window', () => {
    const { log } = play(alertOf('no-usage', t('09:00')), t('09:00'), t('09:10'), { failing: ['elder'] });
    expect(log).toEqual(['09:00 check-in→elder', '09:01 rung-1→grid']);
  });

  it('a rung whose contacts all fail for good hands over to the next rung at once', () => {
    const policy = PolicySchema.parse({ checkIn: { enabled: false } });
    const { log } = play(alertOf('no-usage', t('09:00')), t('09:00'), t('09:30'), { policy, failing: ['grid'] });
    expect(log).toEqual(['09:00 rung-1→grid', '09:01 rung-2→son', '09:21 rung-3→duty']);
  });

  it('quiet hours delay a non-urgent alert (leak at 23:10) to the morning, then the day goes on', () => {
    const { log } = play(alertOf('leak', t('23:10')), t('23:10'), t('12:00', 1));
    expect(log.slice(0, 2)).toEqual(['07:00 rung-0→elder', '11:00 rung-1→grid']); // 240 min later
    expect(log).toHaveLength(2);
  });

  it('quiet hours never delay an urgent alert: a surge at 23:10 goes at once and the voice call follows at night', () => {
    const { log } = play(alertOf('surge', t('23:10')), t('23:10'), t('23:40'), {
      ladder: LADDER.map((c) => (c.id === 'duty' ? { ...c, channels: ['sms' as const] } : c)),
    });
    expect(log).toEqual([
      '23:10 rung-0→elder',
      '23:20 voice-0→elder (voice)', // 10 min unacknowledged at night → a voice call
      '23:25 rung-1→grid',
      '23:35 voice-1→grid (voice)',
      '23:40 rung-2→son',
    ]);
  });

  it('a critical alert told in the daytime rings by voice when night falls, if still unacknowledged', () => {
    const policy = PolicySchema.parse({ checkIn: { enabled: false }, rules: { 'no-usage': { rungs: [1], maxReminders: 0 } } });
    const { log, lastWake } = play(alertOf('no-usage', t('20:00')), t('20:00'), t('23:00'), { policy });
    expect(log).toEqual(['20:00 rung-1→grid', '22:00 voice-1→grid (voice)']);
    expect(lastWake).toBeUndefined();
  });

  it('no voice call in the daytime, and none once acknowledged', () => {
    const opened = t('10:00');
    const day = play(alertOf('surge', opened), opened, t('11:20'));
    expect(day.log.some((l) => l.includes('voice'))).toBe(false);
    const night = play(alertOf('surge', t('01:00')), t('01:00'), t('02:00'), { at: [[t('01:05'), ack(t('01:05'))]] });
    expect(night.log).toEqual(['01:00 rung-0→elder']);
  });

  it('an all-clear waits for a message still in flight, then goes only to those it reached', () => {
    const policy = PolicySchema.parse({ checkIn: { enabled: false } });
    const { log } = play(alertOf('no-usage', t('09:00')), t('09:00'), t('10:00'), {
      policy,
      slow: { son: 5 },
      at: [[t('09:22'), resolve(t('09:22'))]],
    });
    // The family SMS queued at 09:20 was still pending at 09:22: cancelled, no all-clear to them.
    expect(log).toEqual(['09:00 rung-1→grid', '09:20 rung-2→son', '09:22 all-clear→grid']);
  });

  it('the all-clear of a non-urgent alert respects quiet hours', () => {
    const { log } = play(alertOf('offline', t('20:00')), t('20:00'), t('08:00', 1), { at: [[t('23:30'), resolve(t('23:30'))]] });
    expect(log).toEqual(['20:00 rung-1→grid', '07:00 all-clear→grid']);
  });

  it('each rung told at most once though a contact is added later (the newcomer is told too)', () => {
    const policy = PolicySchema.parse({ checkIn: { enabled: false }, rules: { 'no-usage': { rungs: [1], maxReminders: 0, voiceAtNight: false } } });
    const a = alertOf('no-usage', t('09:00'));
    const history: NotificationRecord[] = [{ step: 'rung-1', purpose: 'alert', rung: 1, contactId: 'grid', createdAt: t('09:00'), status: 'sent' }];
    const ladder = [...LADDER, { id: 'grid2', role: 'grid-worker' as const, rung: 1, channels: ['sms' as const] }];
    const p = planEscalation({ alert: a, history, ladder, policy, now: t('09:05'), offsetMin: OFFSET });
    expect(p.sends.map((s) => `${s.step}→${s.contactId}`)).toEqual(['rung-1→grid2']);
  });

  it('config: bad quiet hours are a clear error; critical rules ignore quietHours: true', () => {
    expect(() => PolicySchema.parse({ quietHours: { start: '25:00' } })).toThrow(/HH:MM/);
    const policy = PolicySchema.parse({ rules: { surge: { quietHours: true } } });
    const { log } = play(alertOf('surge', t('23:10')), t('23:10'), t('23:10'), { policy });
    expect(log).toEqual(['23:10 rung-0→elder']);
  });
});

describe('escalation policy: switches', () => {
  it('allClear: false tells nobody at the end; a rule without reminders stops after its last rung', () => {
    const policy = PolicySchema.parse({ allClear: false });
    const { log, lastWake } = play(alertOf('data-fault', t('10:00')), t('10:00'), t('20:00'), { policy, at: [[t('12:00'), resolve(t('12:00'))]] });
    expect(log).toEqual(['10:00 rung-1→grid']);
    expect(lastWake).toBeUndefined();
  });

  it('a ladder with nobody reachable plans nothing and asks for no wake-up', () => {
    const p = planEscalation({ alert: alertOf('surge', t('10:00')), history: [], ladder: [], policy: PolicySchema.parse({}), now: t('10:00'), offsetMin: OFFSET });
    expect(p).toEqual({ sends: [] });
  });

  it('the all-clear goes to whoever may have been told: a send that failed after an attempt of unknown outcome counts', () => {
    const policy = PolicySchema.parse({});
    const history = (inDoubt: boolean): NotificationRecord[] => [
      { step: 'rung-1', purpose: 'alert', rung: 1, contactId: 'grid', createdAt: t('10:00'), status: 'failed', settledAt: t('10:20'), ...(inDoubt && { inDoubt: true as const }) },
      { step: 'rung-2', purpose: 'alert', rung: 2, contactId: 'son', createdAt: t('10:20'), status: 'sent', settledAt: t('10:20') },
    ];
    const resolved = alertOf('no-usage', t('10:00'), { status: 'resolved', resolvedAt: t('12:00'), resolution: 'auto' });
    const clears = (inDoubt: boolean) =>
      planEscalation({ alert: resolved, history: history(inDoubt), ladder: LADDER, policy, now: t('12:00'), offsetMin: OFFSET }).sends.map((x) => `${x.step}→${x.contactId}`);
    expect(clears(true)).toEqual(['all-clear→grid', 'all-clear→son']); // timed out each try: the SMS may be on his phone
    expect(clears(false)).toEqual(['all-clear→son']); // refused each time (say, a bad number): never told
  });

  it('consent withdrawn: nothing is planned for any state of the alert, not even the all-clear', () => {
    const policy = PolicySchema.parse({});
    const told: NotificationRecord[] = [{ step: 'rung-1', purpose: 'alert', rung: 1, contactId: 'grid', createdAt: t('10:00'), status: 'sent', settledAt: t('10:00') }];
    const cases: [Alert, NotificationRecord[]][] = [
      [alertOf('no-usage', t('10:00')), []],
      [alertOf('surge', t('10:00')), told],
      [alertOf('no-usage', t('10:00'), { status: 'resolved', resolvedAt: t('12:00'), resolution: 'auto' }), told],
    ];
    for (const [alert, history] of cases) {
      expect(planEscalation({ alert, history, ladder: LADDER, policy, now: t('12:00'), offsetMin: OFFSET, consentWithdrawn: true })).toEqual({ sends: [] });
      expect(planEscalation({ alert, history, ladder: LADDER, policy, now: t('12:00'), offsetMin: OFFSET }).sends.length).toBeGreaterThan(0);
    }
  });
});
