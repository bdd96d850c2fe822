import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertCsvToTrace, offlineGaps } from '../../device-sim/convert-real.ts';
import { zonedCandidates, zonedToUtc } from '../../device-sim/zoned-time.ts';
import { hasRealData, loadRealDataset, readRealCsv } from '../fixtures/real-data.ts';

describe('zonedToUtc', () => {
  it.each([
    ['2016-07-01 12:00:00', 'Europe/Madrid', '2016-07-01T10:00:00.000Z'], // summer, UTC+2
    ['2017-01-17 12:34:08', 'Europe/Madrid', '2017-01-17T11:34:08.000Z'], // winter, UTC+1
    ['2016-03-27 03:39:17', 'Europe/Madrid', '2016-03-27T01:39:17.000Z'], // just after spring forward
    ['2016-03-27 02:30:00', 'Europe/Madrid', '2016-03-27T01:30:00.000Z'], // skipped hour: moved forward
    ['2019-10-04 13:10:00', 'America/Denver', '2019-10-04T19:10:00.000Z'], // MDT, UTC-6
    ['2026-01-05 00:00:00', 'Asia/Shanghai', '2026-01-04T16:00:00.000Z'],
  ])('%s in %s is %s', (wall, zone, utc) => {
    expect(new Date(zonedToUtc(wall, zone)).toISOString()).toBe(utc);
  });

  it('knows both instants of the hour repeated when DST ends', () => {
    expect(zonedCandidates('2016-10-30 02:37:38', 'Europe/Madrid').map((t) => new Date(t).toISOString())).toEqual([
      '2016-10-30T00:37:38.000Z',
      '2016-10-30T01:37:38.000Z',
    ]);
    expect(new Date(zonedToUtc('2016-10-30 02:37:38', 'Europe/Madrid', 'later')).toISOString()).toBe('2016-10-30T01:37:38.000Z');
  });

  it('rejects a malformed wall time', () => {
    expect(() => zonedToUtc('30/10/2016', 'Europe/Madrid')).toThrow(/expected a local time/);
  });
});

describe('convertCsvToTrace', () => {
  it('picks the instant that keeps an hourly schedule across the DST change', () => {
    const csv = ['timestamp_local,meter_reading_L,diff_L', '2016-10-30 01:37:30,10,0', '2016-10-30 02:37:30,10,0', '2016-10-30 02:37:38,11,1', '2016-10-30 03:37:38,12,1'].join('\n');
    expect(convertCsvToTrace('daiad', csv, 'x').map((l) => l.ts)).toEqual([
      '2016-10-29T23:37:30Z', '2016-10-30T00:37:30Z', '2016-10-30T01:37:38Z', '2016-10-30T02:37:38Z',
    ]);
  });

  it('labels gaps of three or more intervals as offline from the first missed report', () => {
    const lines = ['00:00', '01:00', '04:00', '05:00', '07:00'].map((t) => ({ meterId: 'x', ts: `2016-01-01T${t}:00Z`, totalLiters: 1 }));
    expect(offlineGaps(lines, 3_600_000)).toEqual([{ meterId: 'x', type: 'offline', scenario: 'transmission-gap', start: '2016-01-01T02:00:00Z', end: '2016-01-01T04:00:00Z' }]);
  });

  it('names the column it could not find', () => {
    expect(() => convertCsvToTrace('ciws', 'a,b\n1,2', 'x')).toThrow(/expected columns timestamp_local and cumulative_litres/);
  });
});

describe.skipIf(!hasRealData)('real datasets', () => {
  it('DAIAD 1 person: every row, times in UTC, the glitch labelled as a data fault', () => {
    const { lines, labels } = loadRealDataset('daiad-alicante-1person');
    expect(lines).toHaveLength(readRealCsv('daiad/alicante-1person-age52-hourly.csv').trim().split('\n').length - 1);
    expect(lines).toHaveLength(8647);
    expect(lines[0]).toEqual({ meterId: 'daiad-1p', ts: '2016-02-29T23:39:38Z', totalLiters: 133700 });
    for (let i = 1; i < lines.length; i++) expect(lines[i]!.ts >= lines[i - 1]!.ts).toBe(true);
    const glitch = labels.events.find((e) => e.type === 'data-fault')!;
    expect(glitch).toMatchObject({ scenario: 'glitch-jump', start: '2017-01-17T11:34:08Z', end: '2017-01-17T14:37:03Z' });
    const jumps = lines.filter((l, i) => i > 0 && Math.abs(l.totalLiters - lines[i - 1]!.totalLiters) > 100_000);
    expect(jumps).toHaveLength(8);
    for (const j of jumps) expect(j.ts >= glitch.start && j.ts <= glitch.end).toBe(true);
  });

  it('DAIAD 2 people: the Christmas absence is normal; transmission gaps up to 17 h are offline events', () => {
    const { lines, labels } = loadRealDataset('daiad-alicante-2person');
    expect(lines).toHaveLength(7536);
    expect(labels.normals).toEqual([{ meterId: 'daiad-2p', what: 'absence: away for Christmas', start: '2016-12-23T10:47:50Z', end: '2016-12-27T15:06:39Z' }]);
    const offline = labels.events.filter((e) => e.type === 'offline');
    expect(offline.length).toBeGreaterThan(200);
    expect(offline).toContainEqual({ meterId: 'daiad-2p', type: 'offline', scenario: 'transmission-gap', start: '2016-08-07T01:52:10Z', end: '2016-08-07T17:52:07Z' });
    // Spring forward: 01:56 CET → 07:56 CEST is 5 h of real time (00:56Z → 05:56Z), not 6 h.
    expect(offline).toContainEqual(expect.objectContaining({ start: '2016-03-27T01:56:25Z', end: '2016-03-27T05:56:33Z' }));
    expect(labels.meters[0]).toMatchObject({ cadence: 'hourly', from: '2016-02-29T23:57:10Z' });
  });

  it('CIWS Utah: per-minute litres, no events, the irrigation day is a normal period', () => {
    const { lines, labels } = loadRealDataset('ciws-utah-site019');
    expect(lines).toHaveLength(7013);
    expect(lines[0]!.ts).toBe('2019-10-04T19:10:00Z');
    expect(lines.at(-1)).toEqual({ meterId: 'ciws-019', ts: '2019-10-09T16:02:00Z', totalLiters: 4571.17 });
    expect(labels.events).toEqual([]);
    const day = lines.filter((l) => l.ts >= labels.normals[0]!.start && l.ts < labels.normals[0]!.end);
    expect(day.at(-1)!.totalLiters - day[0]!.totalLiters).toBeGreaterThan(1400);
  });
});

describe.skipIf(!hasRealData)('committed fixtures (tests/fixtures/real)', () => {
  // The replay tests read these files; they must stay what the converter makes today.
  it.each([
    ['daiad-alicante-1person'],
    ['daiad-alicante-2person'],
    ['ciws-utah-site019'],
  ] as const)('%s equals a fresh conversion of ../shared/data', (name) => {
    const dir = new URL('../fixtures/real/', import.meta.url);
    const { lines, labels } = loadRealDataset(name);
    const committed = readFileSync(new URL(`${name}.trace.jsonl`, dir), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(committed).toEqual(lines);
    expect(JSON.parse(readFileSync(new URL(`${name}.labels.json`, dir), 'utf8'))).toEqual(labels);
  });
});
