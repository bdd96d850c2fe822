// DIVERGENCE: a redelivered reading (QoS 1 redelivery / re-sent batch: same ts and totalLiters,
// arriving later) postpones "offline" in replay but not live.
// Live: ingest's edge dedupe (src/ingest/ingest.ts:97, RecentReadings in src/ingest/dedupe.ts)
// drops the repeat before the detector, so the meter's last arrival stays at its last real reading
// and offline opens at ~T0+68 min. Replay: src/replay/engine.ts:152-153 (push) hands every trace line to
// onReading, which records the repeat as an arrival (src/detect/detector.ts:63 lastArrival, :64
// clears offline) before advanceRegister calls it a duplicate: offline opens 40 min later
// (and a redelivery after the alert would clear it in replay only).
// README "Wire contract": "Duplicates (QoS 1 redelivery, a re-sent batch) are dropped" -> live is
// right; replay (and so eval, fed sim traces with --duplicates) lacks the ingest dedupe stage.
import { expect, it } from 'vitest';
import { T0 } from '../../dashboard/helpers.ts';
import { HOUR, MIN, expectSameAlerts, live, replay } from './both.ts';
import { trace } from './trace.ts';

it('a redelivered reading gives the same offline alert in replay as live', async () => {
  const lines = trace(T0);
  lines.push({ ...lines.at(-1)!, receivedAt: T0 + 40 * MIN }); // the last reading, redelivered
  const until = T0 + 6 * HOUR;
  const r = replay('m-1', lines, until);
  const l = await live('m-1', lines, until, lines[0]!.receivedAt);
  expectSameAlerts(r, l, ['offline']);
}, 60_000);
