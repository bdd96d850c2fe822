// Ground truth for the evaluation harness: what really happened in a labelled trace.
// Written by the simulator's dataset generator (device-sim) and by the real-data converters.

export type LabelType = 'no-usage' | 'surge' | 'leak' | 'offline' | 'data-fault';

export interface LabelledEvent {
  meterId: string;
  /** The kind of alert this event should raise. */
  type: LabelType;
  /** Scenario name, e.g. "incapacitation", "burst-pipe", "tap-left-running", "glitch-jump". */
  scenario: string;
  /**
   * When the condition began, ISO-8601 UTC. Detection delay is measured from here:
   * incapacitation → the moment the person was incapacitated; surge → when flow became
   * abnormal; leak → leak start; offline → the meter's first missed report.
   */
  start: string;
  /** When it ended (rescue, pipe fixed, meter back), ISO-8601 UTC. */
  end: string;
  /** Other alert types that are also a correct response (e.g. a burst pipe may raise leak too). */
  alsoAccept?: LabelType[];
}

/** Periods that are normal but look unusual (outing, trip, late waking): alerts here are false alarms. */
export interface LabelledNormal {
  meterId: string;
  what: string;
  start: string;
  end: string;
}

export interface DatasetLabels {
  name: string;
  /** Per meter: cadence and the simulated span, so false alarms can be rated per household-month. */
  meters: { meterId: string; cadence: '1min' | '5min' | '15min' | 'hourly-batch' | 'hourly'; from: string; to: string; profile?: string }[];
  events: LabelledEvent[];
  normals: LabelledNormal[];
}
