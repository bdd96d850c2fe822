import { describe, expect, it } from 'vitest';
import { createIngest, MAX_DEAD_LETTER_PAYLOAD } from '../../src/ingest/index.ts';
import { FakeSinks } from './fakes.ts';

const RECEIVED = Date.UTC(2025, 5, 1, 12);
const MIN = 60_000;
const at = (minutesBefore: number) => RECEIVED - minutesBefore * MIN;
const batch = (...rs: Array<[number, number]>) => JSON.stringify({ readings: rs.map(([ts, totalLiters]) => ({ ts, totalLiters })) });

function rig() {
  const sinks = new FakeSinks();
  const { handle } = createIngest(sinks);
  return { sinks, handle };
}

describe('ingest', () => {
  it('hands a batch to the core in ts order', () => {
    const { sinks, handle } = rig();
    const out = handle('m-001', 'meters/m-001/batch', Buffer.from(batch([at(1), 30], [at(3), 10], [at(2), 20])), RECEIVED);
    expect(out).toEqual({ status: 'accepted', accepted: 3, duplicates: 0 });
    expect(sinks.readings).toHaveLength(1);
    expect(sinks.readings[0]!.map((r) => r.totalLiters)).toEqual([10, 20, 30]);
    expect(sinks.readings[0]!.every((r) => r.meterId === 'm-001' && r.receivedAt === RECEIVED)).toBe(true);
    expect(sinks.counts.accepted).toBe(3);
  });

  it('drops a re-sent batch as duplicates and passes only the new readings of an overlapping one', () => {
    const { sinks, handle } = rig();
    const first = batch([at(3), 10], [at(2), 20]);
    handle('m-001', 'meters/m-001/batch', first, RECEIVED);
    expect(handle('m-001', 'meters/m-001/batch', first, RECEIVED + MIN)).toEqual({ status: 'accepted', accepted: 0, duplicates: 2 });
    expect(sinks.readings).toHaveLength(1); // nothing reached the core for the resend

    handle('m-001', 'meters/m-001/batch', batch([at(2), 20], [at(1), 30]), RECEIVED + 2 * MIN);
    expect(sinks.readings[1]!.map((r) => r.totalLiters)).toEqual([30]);
    expect(sinks.counts).toMatchObject({ accepted: 3, duplicate: 3 });
  });

  it('drops a QoS 1 redelivery of a single reading', () => {
    const { sinks, handle } = rig();
    const p = JSON.stringify({ ts: at(1), totalLiters: 5 });
    handle('m-001', 'meters/m-001/reading', p, RECEIVED);
    handle('m-001', 'meters/m-001/reading', p, RECEIVED + 1000);
    expect(sinks.readings).toHaveLength(1);
    expect(sinks.counts.duplicate).toBe(1);
  });

  it('passes a late reading older than the newest one it saw (the core decides)', () => {
    const { sinks, handle } = rig();
    handle('m-001', 'meters/m-001/reading', JSON.stringify({ ts: at(1), totalLiters: 5 }), RECEIVED);
    handle('m-001', 'meters/m-001/reading', JSON.stringify({ ts: at(9), totalLiters: 4 }), RECEIVED);
    expect(sinks.readings.map((b) => b[0]!.totalLiters)).toEqual([5, 4]);
  });

  it('drops, counts and does not keep data of a household without consent, valid or not', () => {
    const { sinks, handle } = rig();
    sinks.consented.delete('m-001');
    expect(handle('m-001', 'meters/m-001/batch', batch([at(2), 1], [at(1), 2]), RECEIVED)).toEqual({ status: 'no-consent' });
    handle('m-001', 'meters/m-001/status', JSON.stringify({ ts: at(1), tamper: true }), RECEIVED);
    handle('m-001', 'meters/m-001/reading', 'not json', RECEIVED);
    expect(sinks.readings).toEqual([]);
    expect(sinks.statuses).toEqual([]);
    expect(sinks.dead).toEqual([]);
    expect(sinks.counts.rejected).toEqual({ 'no-consent': 4 }); // 2 readings + 1 status + 1 unparseable

    // Dropped readings were not remembered: once consent is given they are processed.
    sinks.consented.add('m-001');
    handle('m-001', 'meters/m-001/batch', batch([at(2), 1], [at(1), 2]), RECEIVED);
    expect(sinks.readings).toHaveLength(1);
  });

  it('dead-letters a reading more than a day in the future with a reason and counts it', () => {
    const { sinks, handle } = rig();
    const payload = JSON.stringify({ ts: RECEIVED + 25 * 60 * MIN, totalLiters: 1 });
    const out = handle('m-001', 'meters/m-001/reading', payload, RECEIVED);
    expect(out).toMatchObject({ status: 'rejected', code: 'implausible-time' });
    expect(sinks.dead).toEqual([{ topic: 'meters/m-001/reading', meterId: 'm-001', payload, reason: expect.stringContaining('1500 min after receipt'), receivedAt: RECEIVED }]);
    expect(sinks.counts.rejected).toEqual({ 'implausible-time': 1 });
    expect(sinks.readings).toEqual([]);
  });

  it.each([
    ['invalid-json', 'meters/m-001/reading', '{"ts":'],
    ['schema', 'meters/m-001/batch', '{"readings":"all of them"}'],
    ['bad-topic', 'meters/m-002/reading', '{}'],
  ])('dead-letters %s', (code, topic, payload) => {
    const { sinks, handle } = rig();
    expect(handle('m-001', topic, payload, RECEIVED)).toMatchObject({ status: 'rejected', code });
    expect(sinks.dead).toMatchObject([{ topic, meterId: 'm-001', payload, receivedAt: RECEIVED }]);
    expect(sinks.dead[0]!.reason.length).toBeGreaterThan(5);
    expect(sinks.counts.rejected).toEqual({ [code]: 1 });
  });

  it('hands a status to the core', () => {
    const { sinks, handle } = rig();
    handle('m-002', 'meters/m-002/status', JSON.stringify({ ts: at(1), valveClosed: true }), RECEIVED);
    expect(sinks.statuses).toEqual([{ meterId: 'm-002', ts: at(1), receivedAt: RECEIVED, valveClosed: true }]);
    expect(sinks.counts.accepted).toBe(1);
  });

  it('turns a throw downstream into an internal-error dead letter, and the readings stay replayable', () => {
    const { sinks, handle } = rig();
    const onReadings = sinks.onReadings;
    sinks.onReadings = () => { throw new Error('bug in the core'); };
    const payload = batch([at(1), 5]);
    expect(handle('m-001', 'meters/m-001/batch', payload, RECEIVED)).toEqual({ status: 'rejected', code: 'internal-error', reason: 'internal error' });
    expect(sinks.dead).toMatchObject([{ reason: 'internal error', payload, meterId: 'm-001' }]);
    expect(sinks.counts.rejected).toEqual({ 'internal-error': 1 });

    sinks.onReadings = onReadings;
    handle('m-001', 'meters/m-001/batch', payload, RECEIVED); // replay is not taken for a duplicate
    expect(sinks.readings).toHaveLength(1);
  });

  it('never throws, even when the dead-letter sink fails too', () => {
    const { sinks, handle } = rig();
    sinks.deadLetters.add = () => { throw new Error('disk full'); };
    expect(handle('m-001', 'meters/m-001/reading', 'garbage', RECEIVED)).toMatchObject({ code: 'internal-error' });
  });

  it('bounds the payload kept in a dead letter', () => {
    const { sinks, handle } = rig();
    handle('m-001', 'meters/m-001/reading', 'x'.repeat(MAX_DEAD_LETTER_PAYLOAD + 10), RECEIVED);
    expect(sinks.dead[0]!.payload.length).toBeLessThan(MAX_DEAD_LETTER_PAYLOAD + 100);
    expect(sinks.dead[0]!.payload).toMatch(/truncated from \d+ chars\]$/);
  });
});
