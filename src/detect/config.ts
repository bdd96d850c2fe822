// Detector settings: one zod schema with defaults. The same defaults serve the live
// service, replay and evaluation (the config file may override any of them).
import { z } from 'zod';

const minutes = (n: number) => n * 60_000;
const hours = (n: number) => n * 3_600_000;

export const DetectorConfigSchema = z.strictObject({
  /** Local time of the households (China: UTC+8, no DST). Routines are learned in local time. */
  utcOffsetMinutes: z.number().int().min(-720).max(840).default(480),
  /** Days of history the routine model keeps. */
  historyDays: z.number().int().min(7).max(120).default(28),
  /** Learned thresholds are used once this many complete days are known; before, the backstop. */
  minHistoryDays: z.number().int().min(2).max(60).default(7),

  noUsage: z
    .strictObject({
      /** Backstop while learning: silence that long raises no-usage at any hour. */
      backstopMs: z.number().positive().default(hours(12)),
      /** Never wait longer than this, whatever was learned (guarantees recall). */
      hardCapMs: z.number().positive().default(hours(14)),
      /** A day with a silence this long is not learned (absence or emergency, not routine). The
       *  hard cap: a silence the household ended before it would have been alerted at any rate is
       *  its own (DAIAD homes of working people: 13–14 h days are routine; 13 h → 14 h cut false
       *  alarms 1.22 → 1.12 per household-month for +0.2 h mean delay). */
      learnCapMs: z.number().positive().default(hours(14)),
      /** Margin beyond the latest precedent's end (or the latest first use): fixed part... */
      marginMs: z.number().nonnegative().default(minutes(60)),
      /** ...plus this fraction of the silence that would still be normal... */
      marginFraction: z.number().min(0).max(2).default(0.25),
      /** ...at most this much. */
      marginFractionCapMs: z.number().nonnegative().default(hours(1)),
      /** Margin after the latest morning first use seen (that latest morning already holds the
       *  household's late wakings, so a smaller margin than for a daytime silence). */
      morningMarginMs: z.number().nonnegative().default(minutes(75)),
      /** Never alert on a silence shorter than this. */
      minThresholdMs: z.number().positive().default(hours(2)),
      /** A register that steps in more litres than this (register-step.ts: 50 or 100 L a pulse)
       *  cannot show a day's small uses, and its silences say nothing: no-usage is not judged on
       *  it and a data-fault says why (sim-15min stepped in 20 L: 1.07 false alarms per
       *  household-month; 50 L: 12; 100 L: 25, for this detector and the fixed rule alike). */
      maxStepL: z.number().positive().default(20),
      /** A past silence is a precedent for the current one if it was already under way, or began
       *  at most this much later in the day (day-to-day jitter of the routine; ≥ a coarse interval). */
      precedentAfterMs: z.number().nonnegative().default(minutes(90)),
      /** The check-in stage (issue 7: ask the elder first): an earlier, lower-confidence deadline
       *  at which no-usage is raised with stage 'check-in' (only the elder is asked); the full
       *  deadline above then confirms it (grid workers are woken). */
      checkIn: z
        .strictObject({
          enabled: z.boolean().default(false),
          /** The check-in deadline uses the confirmed deadline's margins × this (0: the moment a
           *  silence is longer than every precedent). */
          marginScale: z.number().min(0).max(1).default(0.25),
          /** ...from the rank-th latest precedent end (1 = the latest, as confirmed) and, for a
           *  silence through the night, the usual (90th-percentile) first use, not the latest. */
          precedentRank: z.number().int().min(1).max(10).default(2),
          /** While learning: the check-in backstop (the confirmed one is backstopMs). */
          backstopMs: z.number().positive().default(hours(10)),
        })
        .prefault({}),
    })
    .prefault({}),

  surge: z
    .strictObject({
      /** Average flow that makes an interval count as "flowing" (fine cadence ≤ 5 min). */
      runLpmFine: z.number().positive().default(0.5),
      /** The same for coarse cadences, where one interval averages many uses. */
      runLpmCoarse: z.number().positive().default(2.5),
      /** A continuous run is abnormal past max(this, learned longest run × runFactor + 1 interval). */
      minRunMs: z.number().positive().default(minutes(25)),
      runFactor: z.number().min(1).default(1.3),
      /** Before the household is learned: a run this long is a surge (Utah's normal irrigation runs last 25 min);
       *  on coarse meters one interval longer, since a run's first interval may hold only its start. */
      coldRunMs: z.number().positive().default(minutes(45)),
      /** Coarse cadences cannot see continuity inside an interval: need at least this many intervals. */
      minRunIntervalsCoarse: z.number().int().min(1).default(3),
      /** A coarse run whose every interval after the first averaged at least this (a tap or shower
       *  head running, not a trickle of small uses) did not stop in between: once learned, one
       *  interval past the household's longest such run is a surge (other runs need two past the
       *  longest run). A 6–9 L/min shower of ≤ 15 min never fills two whole 15-min intervals. */
      sustainedLpm: z.number().positive().default(6),
      /** A coarse meter whose every interval holds at least this (L/min; 30 L per 15 min) is a tap
       *  or pipe running, whatever the run rule says: longer than the household's longest such
       *  streak plus steadyExtraIntervals, and at least steadyMinMs, is a surge. */
      steadyLpm: z.number().positive().default(2),
      steadyMinMs: z.number().positive().default(hours(2)),
      steadyExtraIntervals: z.number().int().min(0).default(2),
      /** Volume in any trailing hour above max(this, learned hourly max × hourFactor) is a surge. */
      minHourLiters: z.number().positive().default(500),
      hourFactor: z.number().min(1).default(2),
      /** Before the household is learned, only this much in an hour is a surge (irrigation, guests). */
      coldHourLiters: z.number().positive().default(900),
      /** Volume in the trailing short window (readings up to 1.5× as long are prorated) above
       *  max(shortLiters, learned short-window max × shortFactor) is a surge: a 15–30 L/min burst
       *  fills 15 min with 225–450 L, a 6–9 L/min shower head with at most ~135 L. Hourly meters
       *  cannot tell a burst from a busy hour this way; the trailing-hour rule covers them. */
      shortWindowMs: z.number().positive().default(minutes(15)),
      shortLiters: z.number().positive().default(250),
      shortFactor: z.number().min(1).default(1.5),
      /** Before the household is learned: a garden hose or a bath tap may run 30–46 L/min (Utah's
       *  irrigation puts 450 L in 15 min), so only a flow near the meter's limit counts. */
      coldShortLiters: z.number().positive().default(600),
      /** While the household is away, flow this long or this much in an hour is a surge. */
      awayRunMs: z.number().positive().default(minutes(15)),
      awayHourLiters: z.number().positive().default(40),
    })
    .prefault({}),

  leak: z
    .strictObject({
      /** Flow that never drops below this (L/min) for the whole window is a leak. */
      minLpm: z.number().positive().default(0.04),
      /** The window: at least this long and this many reporting intervals, so it spans quiet times;
       *  hourly meters need most of a day (busy households use water every hour for 20 h). */
      windowMs: z.number().positive().default(hours(4)),
      minIntervals: z.number().int().min(2).default(20),
      /** A meter read every 2–4 h needs minIntervals × 2–4 h (40–80 h) for the rule above. A
       *  streak whose every interval held at least this much (L/min) is also a leak after a day's
       *  worth of intervals, once longer than the household's own such streaks × wetFactor: 6 L/h
       *  is more than one flush of an old 12-L cistern in every 2-hour interval, day and night,
       *  which nights of toilet visits do not reach (2.5–3.6 L/h on sim-1min read every 2 h).
       *  Leaks read every 2 h: 35–40 h → 19–26 h, sim false alarms unchanged (eval/README.md).
       *  Slower leaks keep the full count of intervals. */
      fastLpm: z.number().positive().default(0.1),
      /** Learned: longer than the household's longest normal never-dry streak × this... */
      wetFactor: z.number().min(1).default(1.25),
      /** ...but never later than this (leaks are found within a day). */
      maxWindowMs: z.number().positive().default(hours(22)),
      /** Floor for any cadence before the household is learned (and for every coarse-step
       *  register, whose streaks span the waking day: register-step.ts). */
      coarseFloorMs: z.number().positive().default(hours(20)),
      /** On a coarse-step register (10 L a pulse), the longest the register may stand still
       *  inside a leak: a leak must move it at least this often (10 L / 2 h = 5 L/h), or it
       *  cannot be told from a night with one toilet visit. Slower leaks are not detectable there. */
      stepStillMaxMs: z.number().positive().default(hours(2)),
      /** A meter read less often than this cannot show water stopping: a household uses some in
       *  nearly every 6-hour interval, so every streak looks never-dry (sim-1min re-read every 6 h:
       *  0.64 false leaks per household-month, the real ones found after 79 h; every 4 h: 0.02).
       *  Such a meter gets no leak rule. */
      maxCadenceMs: z.number().positive().default(hours(4)),
    })
    .prefault({}),

  offline: z
    .strictObject({
      /** Silent for this many expected reporting intervals → offline. */
      intervals: z.number().positive().default(3),
      /** Floor, so a 1-min meter's network blip is not an outage. */
      minMs: z.number().positive().default(minutes(2.5)),
      /** Cadence assumed until one is learned. */
      defaultCadenceMs: z.number().positive().default(hours(1)),
      /** Until a meter's delivery pattern is known (one delivery so far) it is offline only
       *  after this: it may upload once a day (NB-IoT), and its first upload may hold part of a
       *  day or a single reading. A meter's second delivery teaches the interval. */
      unlearnedMs: z.number().positive().default(hours(26)),
      /** A meter that loses deliveries (radio, QoS 0) is offline only after a run of losses it
       *  shows by chance less often than this per month (delivery-loss.ts). */
      lossFalsePerMonth: z.number().positive().max(1).default(0.05),
    })
    .prefault({}),

  dataFault: z
    .strictObject({
      /** Faster than any domestic meter can turn (DN15 Q4 ≈ 52 L/min; the real Utah peak is 46). */
      maxFlowLpm: z.number().positive().default(100),
      /** How far a meter's timestamps may be off the moments it read its register (a clock that
       *  stamps at sending, NB-IoT wake-up jitter): maxFlowLpm is judged over the interval plus
       *  this. Without it, 1-minute readings stamped ±30 s apart (6 L "in 2 s") were absurd
       *  jumps: 1.09 false data-faults per household-month, ±60 s: 52 (retime.ts jitter:0.5/1). */
      clockSlackMs: z.number().nonnegative().default(30_000),
      /** Consecutive readings consistent with a new register value before it is adopted (meter swap). */
      rebaseConfirmations: z.number().int().min(1).default(3),
      /** A data-fault alert clears after this long of clean data. */
      clearAfterMs: z.number().positive().default(hours(2)),
    })
    .prefault({}),

  /** Delivery: arrival is not order. Readings are grouped into deliveries (messages whose
   *  arrivals are close together); a meter seen delivering out of order has each delivery held
   *  and released in event time once it is complete. */
  delivery: z
    .strictObject({
      /** Messages at most this far apart (and within half the data cadence) are one delivery. */
      groupGapMs: z.number().positive().default(minutes(2)),
      /** A held delivery is released at the latest this long after its first message (bounded lateness). */
      maxHoldMs: z.number().positive().default(minutes(10)),
      /** A reading older than the released watermark by more than this is not even counted as a re-sort candidate. */
      maxLatenessMs: z.number().positive().default(hours(2)),
    })
    .prefault({}),

  /** Meter clocks: the offset is estimated from arrival times and steady skew corrected. */
  clock: z
    .strictObject({
      /** A skew smaller than this is left alone (network latency, batching). */
      correctAboveMs: z.number().nonnegative().default(minutes(2)),
      /** A clock off by more than this raises data-fault (the readings are still corrected and used). */
      alertAboveMs: z.number().positive().default(minutes(30)),
      /** After correction, a reading still this far in the future is implausible (dead letter). */
      maxFutureMs: z.number().positive().default(minutes(10)),
      /**
       * A lag beyond this is not a clock to correct (a steady skew is minutes to hours): it is a
       * backlog being uploaded or a replay of old data, kept at its own timestamps as before.
       */
      maxCorrectionMs: z.number().positive().default(minutes(12 * 60)),
      /** Arrival samples (messages) the estimate looks at. */
      window: z.number().int().min(4).max(200).default(24),
    })
    .prefault({}),

  batteryLowPercent: z.number().min(0).max(100).default(15),
});

export type DetectorConfig = z.output<typeof DetectorConfigSchema>;
export const defaultDetectorConfig: DetectorConfig = DetectorConfigSchema.parse({});
