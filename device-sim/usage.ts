// Turns a planned activity into water flow: a few segments of constant flow (litres/minute).
// Volumes follow typical Chinese fixtures: 6/3 L dual-flush cisterns, 6–9 L/min shower heads,
// top-loading (波轮) washing machines that fill 30–50 L per wash or rinse.
import type { Activity } from './day-plan.ts';
import type { Profile } from './profile.ts';
import type { Rng } from './rng.ts';
import { MINUTE, SECOND } from './sim-time.ts';

export interface FlowSegment {
  start: number;
  end: number;
  lpm: number;
  /** What causes the flow: an activity kind or a scenario name (for tests and debugging). */
  source: string;
}

/** A segment drawing `litres` at `lpm`, starting at `start`. */
function draw(start: number, litres: number, lpm: number, source: string): FlowSegment {
  return { start, end: start + Math.round((litres / lpm) * MINUTE), lpm, source };
}

/** Intermittent tap use: `n` short bursts spread over `spanMin` minutes. */
function bursts(rng: Rng, start: number, n: number, spanMin: number, litres: number, source: string): FlowSegment[] {
  const out: FlowSegment[] = [];
  let t = start;
  for (let i = 0; i < n; i++) {
    out.push(draw(t, litres / n, rng.float(4, 7), source));
    t = (out.at(-1) as FlowSegment).end + rng.float(0.3, (2 * spanMin) / n) * MINUTE;
  }
  return out;
}

export function activityToSegments(a: Activity, profile: Profile, rng: Rng): FlowSegment[] {
  const { at, scale, kind } = a;
  switch (kind) {
    case 'toilet':
      // Dual flush: mostly full (6 L), sometimes half (3 L); the cistern refills at 8–12 L/min.
      return [draw(at, rng.chance(0.7) ? 6 : 3, rng.float(8, 12), kind)];
    case 'handwash':
      return [draw(at, rng.float(0.5, 1.5), rng.float(3, 5), kind)];
    case 'washup':
      return bursts(rng, at, rng.int(2, 3), 3, rng.float(2, 5), kind);
    case 'kettle':
      return [draw(at, rng.float(1, 2), rng.float(5, 6), kind)];
    case 'cooking':
      return bursts(rng, at, rng.int(3, 6), 25, rng.float(4, 9) * scale, kind);
    case 'dishes':
      return bursts(rng, at, rng.int(3, 6), 12, rng.float(3, 8) * scale, kind);
    case 'footbath':
      return [draw(at, rng.float(3, 6), rng.float(5, 7), kind)];
    case 'cleaning':
      return [draw(at, rng.float(8, 12), rng.float(8, 10), kind), draw(at + rng.float(10, 25) * MINUTE, rng.float(2, 4), 6, kind)];
    case 'shower':
      return shower(a, profile, rng);
    case 'laundry':
      return laundry(a, rng);
  }
}

function shower(a: Activity, profile: Profile, rng: Rng): FlowSegment[] {
  const minutes = rng.float(profile.showerMinutes[0], profile.showerMinutes[1]);
  const lpm = rng.float(profile.showerLpm[0], profile.showerLpm[1]);
  const end = a.at + minutes * MINUTE;
  if (!rng.chance(0.5)) return [{ start: a.at, end, lpm, source: 'shower' }];
  // Many older people turn the water off while soaping: a 1–2 min pause in the middle.
  const pauseAt = a.at + minutes * rng.float(0.4, 0.6) * MINUTE;
  const pause = rng.float(60, 120) * SECOND;
  return [
    { start: a.at, end: pauseAt, lpm, source: 'shower' },
    { start: pauseAt + pause, end: end + pause, lpm, source: 'shower' },
  ];
}

/** Wash and two rinses (three fills) spread over about an hour. */
function laundry(a: Activity, rng: Rng): FlowSegment[] {
  const fills = [0, rng.float(18, 25), rng.float(38, 50)];
  return fills.map((offset) => draw(a.at + offset * MINUTE, rng.float(30, 50), rng.float(10, 14), 'laundry'));
}
