// The household's water flow as one lazy stream of segments ordered by start time,
// with scenario effects (use stops, a tap stays open) applied on the way.
import type { DayPlan } from './day-plan.ts';
import type { Interval } from './intervals.ts';
import type { Profile } from './profile.ts';
import type { Rng } from './rng.ts';
import { activityToSegments, type FlowSegment } from './usage.ts';

/** What a scenario does to the flow: stop all use in a window, and/or add a flow. */
export interface FlowEffect {
  suppress?: Interval;
  add?: FlowSegment;
}

const byStart = (a: FlowSegment, b: FlowSegment) => a.start - b.start;

/**
 * Expands day plans into segments sorted by start. A day's segments are held back until the
 * next day is planned, because a late activity (a night toilet visit) may start after the
 * next day's first one would if habits shifted; merging one day ahead keeps the order exact.
 */
export function* householdSegments(plans: Iterator<DayPlan>, profile: Profile, rng: Rng): Generator<FlowSegment> {
  let pending: FlowSegment[] = [];
  for (;;) {
    const next = plans.next();
    if (next.done) break;
    const day = next.value.activities.flatMap((a) => activityToSegments(a, profile, rng));
    if (day.length === 0) continue;
    const firstOfDay = Math.min(...day.map((s) => s.start));
    pending = [...pending, ...day].sort(byStart);
    while (pending.length > 0 && (pending[0] as FlowSegment).start < firstOfDay) yield pending.shift() as FlowSegment;
  }
  yield* pending;
}

/** Applies scenario effects to an ordered segment stream; the output stays ordered. */
export function* applyFlowEffects(segments: Iterable<FlowSegment>, effects: readonly FlowEffect[]): Generator<FlowSegment> {
  const added = effects.flatMap((e) => (e.add ? [e.add] : [])).sort(byStart);
  const windows = effects.flatMap((e) => (e.suppress ? [e.suppress] : []));
  for (const seg of segments) {
    while (added.length > 0 && (added[0] as FlowSegment).start <= seg.start) yield added.shift() as FlowSegment;
    const cut = trim(seg, windows);
    if (cut) yield cut;
  }
  yield* added;
}

/** A segment that starts inside a suppressed window vanishes; one running into it stops at its start. */
function trim(seg: FlowSegment, windows: readonly Interval[]): FlowSegment | undefined {
  let end = seg.end;
  for (const w of windows) {
    if (seg.start >= w.start && seg.start < w.end) return undefined;
    if (seg.start < w.start && end > w.start) end = w.start;
  }
  return end > seg.start ? { ...seg, end } : undefined;
}
