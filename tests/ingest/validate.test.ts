import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAUSIBILITY, implausibility, parseMessage } from '../../src/ingest/index.ts';

const RECEIVED = Date.UTC(2025, 5, 1, 12, 0, 0);
const T0 = RECEIVED - 60_000;
const MIN = 60_000;

describe('parseMessage rejections', () => {
  it.each([
    // [case, topic, payload, code, reason (substring)]
    ['topic outside meters/', 'alerts/m-1/reading', '{}', 'bad-topic', 'topic is not meters/{meterId}/reading|batch|status'],
    ['unknown kind', 'meters/m-1/config', '{}', 'bad-topic', 'topic is not'],
    ["another meter's topic", 'meters/m-2/reading', '{}', 'bad-topic', 'topic names meter m-2, but the sender is m-1'],
    ['not JSON', 'meters/m-1/reading', '{ts:1', 'invalid-json', 'invalid JSON: '],
    ['empty payload', 'meters/m-1/reading', '', 'invalid-json', 'invalid JSON: '],
    ['litres as a string', 'meters/m-1/reading', `{"ts":${T0},"totalLiters":"5"}`, 'schema', 'totalLiters: Invalid input: expected number, received string'],
    ['negative litres', 'meters/m-1/reading', `{"ts":${T0},"totalLiters":-1}`, 'schema', 'totalLiters: '],
    ['unknown key (strict schema)', 'meters/m-1/reading', `{"ts":${T0},"totalLiters":1,"temp":3}`, 'schema', 'Unrecognized key: "temp"'],
    ['unparseable ts', 'meters/m-1/reading', '{"ts":"yesterday","totalLiters":1}', 'schema', 'ts: '],
    ['array instead of object', 'meters/m-1/reading', '[]', 'schema', '(root): '],
    ['every reading of a batch bad', 'meters/m-1/batch', `{"readings":[{"ts":${T0},"totalLiters":-1},{"ts":${T0},"totalLiters":"x"}]}`, 'schema', 'readings.1.totalLiters: '],
    ['empty batch', 'meters/m-1/batch', '{"readings":[]}', 'schema', 'readings: '],
    ['battery over 100 in status', 'meters/m-1/status', `{"ts":${T0},"battery":101}`, 'schema', 'battery: '],
    ['reading 25 h in the future (a fast clock within a day is corrected by the detector)', 'meters/m-1/reading', `{"ts":${RECEIVED + 25 * 60 * MIN},"totalLiters":1}`, 'implausible-time', 'ts: 2025-06-02T13:00:00.000Z is 1500 min after receipt'],
    ['reading before 2000', 'meters/m-1/reading', '{"ts":0,"totalLiters":1}', 'implausible-time', 'ts: 1970-01-01T00:00:00.000Z is before 2000-01-01'],
    ['every reading of a batch in the future', 'meters/m-1/batch', `{"readings":[{"ts":${RECEIVED + 26 * 60 * MIN},"totalLiters":1},{"ts":${RECEIVED + 25 * 60 * MIN},"totalLiters":2}]}`, 'implausible-time', 'readings.1.ts: '],
    ['future status', 'meters/m-1/status', `{"ts":${RECEIVED + 25 * 60 * MIN}}`, 'implausible-time', 'ts: '],
    ['ts beyond the Date range', 'meters/m-1/reading', '{"ts":9007199254740991,"totalLiters":1}', 'implausible-time', 'ts: 9007199254740991 is '],
  ] as const)('%s → %s', (_case, topic, payload, code, reason) => {
    const r = parseMessage('m-1', topic, payload, RECEIVED);
    expect(r).toMatchObject({ ok: false, code });
    expect(r.ok === false && r.reason).toContain(reason);
  });
});

describe('parseMessage acceptances', () => {
  it('normalises a single reading, ISO or epoch, keeping optional fields only when present', () => {
    expect(parseMessage('m-1', 'meters/m-1/reading', `{"ts":"2025-06-01T11:59:00Z","totalLiters":12.5,"flowLpm":0}`, RECEIVED)).toEqual({
      ok: true,
      kind: 'readings',
      readings: [{ meterId: 'm-1', ts: T0, totalLiters: 12.5, flowLpm: 0, receivedAt: RECEIVED }],
    });
  });

  it('sorts a batch into ts order, stably for equal ts', () => {
    const batch = { readings: [
      { ts: T0, totalLiters: 3 },
      { ts: T0 - 2 * MIN, totalLiters: 1, seq: 7 },
      { ts: T0 - MIN, totalLiters: 2 },
      { ts: T0, totalLiters: 4 },
    ] };
    const r = parseMessage('m-1', 'meters/m-1/batch', JSON.stringify(batch), RECEIVED);
    expect(r.ok && r.kind === 'readings' && r.readings.map((x) => [x.ts - T0, x.totalLiters])).toEqual([
      [-2 * MIN, 1], [-MIN, 2], [0, 3], [0, 4],
    ]);
  });

  it('keeps the good readings of a batch and returns the bad ones, as sent, with their reasons', () => {
    const bad = { ts: T0, totalLiters: 'x', battery: 50 };
    const future = { ts: RECEIVED + 25 * 60 * MIN, totalLiters: 3, seq: 9 };
    const r = parseMessage('m-1', 'meters/m-1/batch', JSON.stringify({ readings: [{ ts: T0 - MIN, totalLiters: 1 }, bad, future, { ts: T0, totalLiters: 2 }] }), RECEIVED);
    expect(r).toEqual({
      ok: true,
      kind: 'readings',
      readings: [
        { meterId: 'm-1', receivedAt: RECEIVED, ts: T0 - MIN, totalLiters: 1 },
        { meterId: 'm-1', receivedAt: RECEIVED, ts: T0, totalLiters: 2 },
      ],
      rejected: [
        { code: 'schema', count: 1, reason: '1 of 4 readings rejected, the other 2 accepted: readings.1.totalLiters: Invalid input: expected number, received string', payload: JSON.stringify({ readings: [bad] }) },
        { code: 'implausible-time', count: 1, reason: expect.stringMatching(/^1 of 4 readings rejected, the other 2 accepted: readings\.2\.ts: 2025-06-02T13:00:00\.000Z is 1500 min after receipt/), payload: JSON.stringify({ readings: [future] }) },
      ],
    });
  });

  it('accepts a status', () => {
    expect(parseMessage('m-1', 'meters/m-1/status', `{"ts":${T0},"tamper":true,"battery":40}`, RECEIVED)).toEqual({
      ok: true,
      kind: 'status',
      status: { meterId: 'm-1', ts: T0, receivedAt: RECEIVED, tamper: true, battery: 40 },
    });
  });

  it('accepts readings right at the limits and old batched readings', () => {
    const p = DEFAULT_PLAUSIBILITY;
    expect(implausibility(RECEIVED + p.maxFutureMs, RECEIVED, p)).toBeNull();
    expect(implausibility(p.earliestTs, RECEIVED, p)).toBeNull();
    expect(implausibility(RECEIVED - 30 * 24 * 60 * MIN, RECEIVED, p)).toBeNull(); // NB-IoT backlog
  });
});
