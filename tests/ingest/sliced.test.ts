// Issue 11.3: a large batch is validated and deduplicated a slice per task, through an
// injected scheduler (here a plain queue the test drains by hand), with the same verdict
// and the same readings, in the same order, as all at once.
import { describe, expect, it } from 'vitest';
import { createIngest, type IngestOutcome } from '../../src/ingest/index.ts';
import { FakeSinks } from './fakes.ts';

const RECEIVED = Date.UTC(2025, 5, 1, 12);
const MIN = 60_000;
const N = 5000;

/** A 5,000-reading batch ending a minute before receipt, in order unless `shuffle`. */
function bigBatch(shuffle = false): { readings: { ts: number; totalLiters: number }[] } {
  const readings = Array.from({ length: N }, (_, k) => ({ ts: RECEIVED - (N - k) * MIN, totalLiters: 1000 + k * 0.5 }));
  if (shuffle) readings.reverse();
  return { readings };
}

function rig() {
  const sinks = new FakeSinks();
  const ingest = createIngest(sinks);
  const queue: (() => void)[] = [];
  const defer = (task: () => void) => void queue.push(task);
  /** Runs queued tasks one by one (each one "turn"); returns how many ran. */
  const drain = () => {
    let turns = 0;
    for (let t = queue.shift(); t; t = queue.shift()) {
      t();
      turns++;
    }
    return turns;
  };
  return { sinks, ingest, queue, defer, drain };
}

describe('handleSliced', () => {
  it('spreads a 5,000-reading batch over many tasks and hands on the same readings, in order, once it is all checked', async () => {
    const { sinks, ingest, queue, defer, drain } = rig();
    const payload = JSON.stringify(bigBatch(true)); // reversed: sorted by ingest
    const pending = ingest.handleSliced('m-001', 'meters/m-001/batch', payload, RECEIVED, defer);
    expect(pending).toBeInstanceOf(Promise);
    expect(queue).toHaveLength(1); // the first slice ran now, the next waits for a later turn
    expect(sinks.readings).toHaveLength(0); // nothing reaches the core before the whole batch is checked

    const turns = 1 + drain();
    // 5,000 / 250 validation slices + 5,000 / 250 dedupe slices, about
    expect(turns).toBeGreaterThanOrEqual(30);
    await expect(pending).resolves.toEqual({ status: 'accepted', accepted: N, duplicates: 0 });
    expect(sinks.readings).toHaveLength(1);
    expect(sinks.readings[0]!.map((r) => r.totalLiters)).toEqual(bigBatch().readings.map((r) => r.totalLiters)); // in ts order
    expect(sinks.readings[0]![0]).toEqual({ meterId: 'm-001', receivedAt: RECEIVED, ts: RECEIVED - N * MIN, totalLiters: 1000 });
    // exactly what handling it in one go gives
    const once = new FakeSinks();
    expect(createIngest(once).handle('m-001', 'meters/m-001/batch', payload, RECEIVED)).toEqual({ status: 'accepted', accepted: N, duplicates: 0 });
    expect(once.readings).toEqual(sinks.readings);
  });

  it('lets another meter be handled between two slices of a batch', async () => {
    const { sinks, ingest, queue, defer } = rig();
    const pending = ingest.handleSliced('m-001', 'meters/m-001/batch', JSON.stringify(bigBatch()), RECEIVED, defer);
    queue.shift()!(); // one more slice of m-001's batch
    // m-002's reading, handled in full in the gap: the loop was not held by m-001
    expect(ingest.handle('m-002', 'meters/m-002/reading', JSON.stringify({ ts: RECEIVED - MIN, totalLiters: 5 }), RECEIVED)).toMatchObject({ status: 'accepted', accepted: 1 });
    expect(sinks.readings.map((b) => b[0]!.meterId)).toEqual(['m-002']);
    for (let t = queue.shift(); t; t = queue.shift()) t();
    await pending;
    expect(sinks.readings.map((b) => [b[0]!.meterId, b.length])).toEqual([['m-002', 1], ['m-001', N]]);
  });

  it('drops a re-sent batch as duplicates, deduplicating in slices too', async () => {
    const { sinks, ingest, defer, drain } = rig();
    // Remembered readings are the last 256 per meter (DEFAULT_DEDUPE.perMeter): resend those.
    const tail = { readings: bigBatch().readings.slice(-256) };
    expect(ingest.handle('m-001', 'meters/m-001/batch', JSON.stringify(bigBatch()), RECEIVED)).toMatchObject({ accepted: N });
    const resend = JSON.stringify({ readings: [...tail.readings, ...tail.readings] });
    const out = ingest.handleSliced('m-001', 'meters/m-001/batch', resend, RECEIVED + MIN, defer);
    drain();
    expect(await out).toEqual({ status: 'accepted', accepted: 0, duplicates: 512 });
    expect(sinks.readings).toHaveLength(1);
  });

  it('keeps the good readings of a batch whose last reading is bad, dead-letters that one, the same as in one go', async () => {
    const { sinks, ingest, defer, drain } = rig();
    const b = bigBatch() as { readings: unknown[] };
    b.readings[N - 1] = { ts: RECEIVED, totalLiters: 'x' };
    const payload = JSON.stringify(b);
    const out = ingest.handleSliced('m-001', 'meters/m-001/batch', payload, RECEIVED, defer);
    expect(drain()).toBeGreaterThan(10);
    const expected: IngestOutcome = { status: 'accepted', accepted: N - 1, duplicates: 0, rejected: 1 };
    expect(await out).toEqual(expected);
    expect(createIngest(new FakeSinks()).handle('m-001', 'meters/m-001/batch', payload, RECEIVED)).toEqual(expected);
    expect(sinks.readings.flat()).toHaveLength(N - 1);
    expect(sinks.dead).toEqual([
      {
        topic: 'meters/m-001/batch',
        meterId: 'm-001',
        payload: JSON.stringify({ readings: [{ ts: RECEIVED, totalLiters: 'x' }] }),
        reason: `1 of ${N} readings rejected, the other ${N - 1} accepted: readings.${N - 1}.totalLiters: Invalid input: expected number, received string`,
        receivedAt: RECEIVED,
      },
    ]);
    expect(sinks.counts.rejected).toEqual({ schema: 1 });
  });

  it('names at most five issues of each kind across slices, a schema issue before an implausible time', () => {
    const { ingest, sinks } = rig();
    const b = bigBatch() as { readings: unknown[] };
    b.readings[10] = { ts: RECEIVED + 48 * 60 * MIN, totalLiters: 1 }; // implausible, but…
    for (const i of [300, 301, 2600, 4000, 4500, 4999]) b.readings[i] = { ts: RECEIVED, totalLiters: -1 };
    const out = ingest.handle('m-001', 'meters/m-001/batch', JSON.stringify(b), RECEIVED);
    expect(out).toEqual({ status: 'accepted', accepted: N - 7, duplicates: 0, rejected: 7 });
    const [schema, late] = sinks.dead.map((d) => d.reason.split(': ').slice(1).join(': '));
    expect(schema!.split('; ').map((x) => x.split(':')[0])).toEqual(['readings.300.totalLiters', 'readings.301.totalLiters', 'readings.2600.totalLiters', 'readings.4000.totalLiters', 'readings.4500.totalLiters']);
    expect(late).toMatch(/^readings\.10\.ts: /);
    expect(sinks.counts.rejected).toEqual({ schema: 6, 'implausible-time': 1 });
  });

  it('answers a small message at once, without a deferred task', () => {
    const { ingest, queue, defer } = rig();
    const out = ingest.handleSliced('m-001', 'meters/m-001/reading', JSON.stringify({ ts: RECEIVED - MIN, totalLiters: 5 }), RECEIVED, defer);
    expect(out).toEqual({ status: 'accepted', accepted: 1, duplicates: 0 });
    expect(queue).toHaveLength(0);
  });
});
