// DIVERGENCE: readings whose ts is more than 24 h in the future (or before 2000) are rejected by
// live ingest but fed to the detector by replay.
// Live: src/ingest/validate.ts:52 implausibility() (DEFAULT_PLAUSIBILITY maxFutureMs 24 h,
// earliestTs 2000) dead-letters them in parseSteps (:145, :170) before the detector: the meter whose RTC
// jumped 2 days ahead is, to the detector, silent -> "offline" at ~T0+68 min, nothing else.
// Replay: src/cli/replay.ts:150 / src/replay/engine.ts:152-153 push every parsed trace line straight
// into onReading (src/domain/trace.ts:57 accepts any ts >= 0), so the detector sees the arrivals,
// keeps the meter alive (no offline for 6 more hours) and raises a far-clock data-fault instead.
// README "Wire contract": "a ts more than 24 hours in the future or before 2000 ... rejected" ->
// live is what the service does; replay must apply the same plausibility check.
import { expect, it } from 'vitest';
import { T0 } from '../../dashboard/helpers.ts';
import { HOUR, expectSameAlerts, live, replay } from './both.ts';
import { trace } from './trace.ts';

it('a clock 48 h ahead gives the same alerts in replay as live', async () => {
  const lines = trace(T0 + 6 * HOUR, (t) => (t > T0 ? t + 48 * HOUR : t));
  const until = T0 + 30 * HOUR;
  const r = replay('m-1', lines, until);
  const l = await live('m-1', lines, until, lines[0]!.receivedAt);
  expectSameAlerts(r, l, ['offline']);
}, 60_000);
