// The product targets Anxin is held to, checked on a (pooled) score.
import type { Cadence, EventOutcome, Score } from './score.ts';
import { HOUR, MINUTE } from './trace.ts';

export interface TargetCheck {
  id: string;
  label: string;
  /** The measured value, printable. */
  value: string;
  /** null: nothing to measure (no such events in the data). */
  ok: boolean | null;
}

/** The interval at which a meter of this cadence is expected to report (an hourly batch reports hourly). */
export const EXPECTED_INTERVAL_MS: Record<Cadence, number> = {
  '1min': MINUTE,
  '5min': 5 * MINUTE,
  '15min': 15 * MINUTE,
  'hourly-batch': HOUR,
  hourly: HOUR,
};

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const fraction = (ok: number, n: number): string => (n ? `${ok}/${n}` : '—');

function within(outcomes: readonly EventOutcome[], limit: (o: EventOutcome) => number): { ok: number; n: number } {
  const ok = outcomes.filter((o) => o.delayMs !== undefined && o.delayMs <= limit(o)).length;
  return { ok, n: outcomes.length };
}

export function checkTargets(score: Score): TargetCheck[] {
  const nu = score.byType['no-usage'];
  const su = score.byType.surge;
  const leaks = score.outcomes.filter((o) => o.event.type === 'leak');
  const offline = score.outcomes.filter((o) => o.event.type === 'offline');
  const leak = within(leaks, () => 24 * HOUR);
  const off = within(offline, (o) => 3 * EXPECTED_INTERVAL_MS[o.cadence ?? 'hourly']);
  const faults = score.dataFaults;
  const fa = score.falseAlarms.perHouseholdMonth;
  return [
    { id: 'no-usage-recall', label: 'no-usage recall = 100 %', value: pct(nu.recall), ok: nu.events ? nu.detected === nu.events : null },
    {
      id: 'no-usage-delay',
      label: 'no-usage mean delay ≤ 4 h',
      value: nu.delay ? `${(nu.delay.mean / HOUR).toFixed(2)} h` : '—',
      ok: nu.delay ? nu.delay.mean <= 4 * HOUR : null,
    },
    {
      id: 'false-alarms',
      label: 'false alarms ≤ 1 / household-month',
      value: fa === null ? '—' : fa.toFixed(2),
      ok: fa === null ? null : fa <= 1,
    },
    { id: 'surge-recall', label: 'surge recall = 100 %', value: pct(su.recall), ok: su.events ? su.detected === su.events : null },
    {
      id: 'surge-delay',
      label: 'surge median delay ≤ 30 min',
      value: su.delay ? `${(su.delay.median / MINUTE).toFixed(1)} min` : '—',
      ok: su.delay ? su.delay.median <= 30 * MINUTE : null,
    },
    { id: 'leak-24h', label: 'leaks detected within 24 h', value: fraction(leak.ok, leak.n), ok: leak.n ? leak.ok === leak.n : null },
    {
      id: 'offline-3-intervals',
      label: 'offline detected within 3 intervals',
      value: fraction(off.ok, off.n),
      ok: off.n ? off.ok === off.n : null,
    },
    {
      id: 'offline-false',
      label: 'false offline ≤ 0.1 / hh-month, every meter type',
      value: Object.entries(score.falseOfflineByCadence).map(([c, v]) => `${c} ${v.toFixed(2)}`).join(', ') || '—',
      ok: Object.keys(score.falseOfflineByCadence).length ? Object.values(score.falseOfflineByCadence).every((v) => v <= 0.1) : null,
    },
    {
      id: 'no-fault-surges',
      label: 'surge alerts on glitches/resets/dups = 0',
      value: `${score.dataFaultSurges} (in ${faults} faults)`,
      ok: faults ? score.dataFaultSurges === 0 : null,
    },
  ];
}
