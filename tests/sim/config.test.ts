import { describe, expect, it } from 'vitest';
import { parseMetersFile, parseScenarioArg } from '../../device-sim/fleet-config.ts';
import { makeMetersFile } from '../../device-sim/meters-file.ts';
import { traceMessages } from '../../device-sim/trace-messages.ts';
import { parseJsonl, toJsonl } from '../../device-sim/trace.ts';
import { parseDuration, parseWhen, toEpochMs } from '../../device-sim/sim-time.ts';

const START = Date.parse('2026-01-05T00:00:00Z');

describe('scenario arguments', () => {
  it.each([
    ['incapacitation@m-001@+2h', { name: 'incapacitation', meterId: 'm-001', at: START + 2 * 3_600_000 }],
    ['burst-pipe@m-002@2026-01-06T03:00:00Z@6h', { name: 'burst-pipe', meterId: 'm-002', at: Date.parse('2026-01-06T03:00:00Z'), durationMs: 6 * 3_600_000 }],
    ['slow-leak@m-3@+1d@3d', { name: 'slow-leak', meterId: 'm-3', at: START + 86_400_000, durationMs: 3 * 86_400_000 }],
  ])('%s', (text, expected) => {
    expect(parseScenarioArg(text, START)).toEqual(expected);
  });

  it.each([
    ['flood@m-001@+1h', /known name/],
    ['incapacitation@bad id@+1h', /expected a meter id/],
    ['incapacitation@m-001', /expected a time/],
    ['incapacitation@m-001@+1h@soon', /expected a duration/],
  ])('rejects %s', (text, message) => {
    expect(() => parseScenarioArg(text, START)).toThrow(message);
  });
});

describe('meters file', () => {
  it('round-trips a generated file with unique ids and strong tokens', () => {
    const file = makeMetersFile(12, 'm-', '15min');
    expect(parseMetersFile(JSON.stringify(file))).toEqual(file);
    expect(new Set(file.map((m) => m.token)).size).toBe(12);
    for (const m of file) expect(m.token.length).toBeGreaterThanOrEqual(22);
  });

  it.each([
    ['not json', /expected JSON/],
    ['[]', /meters file/],
    ['[{"meterId": "m-1"}]', /token/],
    ['[{"meterId": "m-1", "token": "a"}, {"meterId": "m-1", "token": "b"}]', /unique meter ids/],
    ['[{"meterId": "m-1", "token": "a", "cadence": "7min"}]', /cadence/],
  ])('rejects %s', (text, message) => {
    expect(() => parseMetersFile(text)).toThrow(message);
  });
});

describe('trace files and messages', () => {
  const lines = [
    { meterId: 'a', ts: '2026-01-05T00:00:00Z', totalLiters: 1 },
    { meterId: 'b', ts: '2026-01-05T00:15:00Z', totalLiters: 5, receivedAt: '2026-01-05T01:00:20Z' },
    { meterId: 'b', ts: '2026-01-05T00:30:00Z', totalLiters: 6, receivedAt: '2026-01-05T01:00:20Z' },
    { meterId: 'b', ts: '2026-01-05T00:10:00Z', totalLiters: 4, receivedAt: '2026-01-05T01:05:00Z' },
  ];

  it('round-trips JSONL through the service schema', () => {
    expect(parseJsonl(toJsonl(lines))).toEqual(lines);
    expect(() => parseJsonl('{"meterId": "a", "ts": "2026-01-05T00:00:00Z"}\n')).toThrow(/trace line 1: totalLiters/);
    expect(() => parseJsonl('{oops\n')).toThrow(/trace line 1: expected JSON/);
  });

  it('groups consecutive lines of one meter sharing a receivedAt into one batch', () => {
    const msgs = traceMessages(lines);
    expect(msgs.map((m) => [m.meterId, m.kind, m.readings.length])).toEqual([['a', 'reading', 1], ['b', 'batch', 2], ['b', 'reading', 1]]);
    expect(msgs[1]!.arrival).toBe(Date.parse('2026-01-05T01:00:20Z'));
  });
});

describe('time arguments', () => {
  it('reads a bare date as local China midnight', () => {
    expect(new Date(toEpochMs('2026-01-05')).toISOString()).toBe('2026-01-04T16:00:00.000Z');
    expect(parseWhen('+90m', START)).toBe(START + 90 * 60_000);
    expect(parseDuration('2d')).toBe(2 * 86_400_000);
    expect(() => toEpochMs('tomorrow')).toThrow(/expected an ISO-8601/);
  });
});
