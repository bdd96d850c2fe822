// Faults of the meter and its data path, applied to the stream of reports: the register
// itself is fine, what reaches the server is not.
import type { Report, SimReading } from './meter.ts';
import type { Rng } from './rng.ts';
import { MINUTE } from './sim-time.ts';

export type ReportFault =
  /** No report is sent in [from, to): dead battery, no signal, a cellar door closed. */
  | { kind: 'offline'; from: number; to: number }
  /** One reading is off by `jump` litres, the next is fine (another meter's value slipped in). */
  | { kind: 'glitch'; at: number; jump: number }
  /** From `at` the register restarts near `restartAt` litres (a replaced meter). */
  | { kind: 'reset'; at: number; restartAt: number }
  /** Reports sent in [from, to) are re-sent with probability `share` a few minutes later. */
  | { kind: 'duplicates'; from: number; to: number; share: number };

/** Where a fault actually showed in the data, for its label. */
export interface FaultHit {
  fault: ReportFault;
  start: number;
  end: number;
}

export function* applyReportFaults(
  reports: Iterable<Report>,
  faults: readonly ReportFault[],
  rng: Rng,
  onHit: (hit: FaultHit) => void,
): Generator<Report> {
  const state = new ValueFaults(faults, onHit);
  const resends: Report[] = [];
  const offlineHit = new Set<ReportFault>();
  for (const report of reports) {
    while (resends.length > 0 && (resends[0] as Report).sendAt <= report.sendAt) yield resends.shift() as Report;
    const shown: Report = { ...report, readings: report.readings.map((r) => state.apply(r)) };
    const offline = faults.find((f) => f.kind === 'offline' && report.sendAt >= f.from && report.sendAt < f.to);
    if (offline && offline.kind === 'offline') {
      if (!offlineHit.has(offline)) onHit({ fault: offline, start: report.sendAt, end: offline.to });
      offlineHit.add(offline);
      continue;
    }
    const dup = faults.find((f) => f.kind === 'duplicates' && report.sendAt >= f.from && report.sendAt < f.to);
    if (dup && dup.kind === 'duplicates' && rng.chance(dup.share)) {
      // A lost PUBACK or a modem retry: the same content arrives again 1–15 min later.
      resends.push({ ...shown, sendAt: shown.sendAt + Math.round(rng.float(1, 15) * MINUTE), resend: true });
      resends.sort((a, b) => a.sendAt - b.sendAt);
    }
    yield shown;
  }
  yield* resends;
}

/** Glitches and resets change values; they need the raw register and the next reading. */
class ValueFaults {
  private resetBase: number | undefined;
  private readonly done = new Set<ReportFault>();
  private closeOnNext: { fault: ReportFault; start: number } | undefined;

  constructor(
    private readonly faults: readonly ReportFault[],
    private readonly onHit: (hit: FaultHit) => void,
  ) {}

  apply(r: SimReading): SimReading {
    if (this.closeOnNext) {
      this.onHit({ ...this.closeOnNext, end: r.ts });
      this.closeOnNext = undefined;
    }
    let value = r.totalLiters;
    for (const f of this.faults) {
      if (f.kind === 'reset' && r.ts >= f.at) {
        if (this.resetBase === undefined) {
          this.resetBase = value - f.restartAt;
          this.closeOnNext = { fault: f, start: r.ts };
        }
        value = round3(value - this.resetBase);
      }
    }
    for (const f of this.faults) {
      if (f.kind === 'glitch' && r.ts >= f.at && !this.done.has(f)) {
        this.done.add(f);
        this.closeOnNext = { fault: f, start: r.ts };
        value = round3(value + f.jump);
      }
    }
    return value === r.totalLiters ? r : { ts: r.ts, totalLiters: value };
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
