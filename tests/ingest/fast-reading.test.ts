// The fast path for reading payloads (src/ingest/fast-reading.ts) against zod's ReadingPayload:
// whatever the fast path accepts, zod accepts and yields the same reading (the same keys in the
// same order, the same values, -0 included); whatever zod rejects, the fast path leaves to zod.
// And it does take the common payloads, or it would be no fast path at all.
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../src/domain/reading.ts';
import { ReadingPayload } from '../../src/domain/wire.ts';
import { fastReading } from '../../src/ingest/fast-reading.ts';
import { parseMessage } from '../../src/ingest/index.ts';

const RECEIVED = Date.UTC(2025, 5, 1, 12, 0, 0);
const T0 = RECEIVED - 60_000;

/** What the zod path makes of `json`: the reading, or undefined when zod rejects it. */
function viaZod(json: unknown): Reading | undefined {
  const r = ReadingPayload.safeParse(json);
  return r.success ? { meterId: 'm-1', receivedAt: RECEIVED, ...r.data } : undefined;
}

/** Same keys in the same order and the same values (Object.is: -0 is not 0). */
function expectSame(fast: Reading, zod: Reading | undefined, input: unknown): void {
  expect(zod, `zod rejects what the fast path took: ${String(JSON.stringify(input))}`).toBeDefined();
  expect(Object.keys(fast)).toEqual(Object.keys(zod!));
  for (const k of Object.keys(fast) as (keyof Reading)[]) expect(Object.is(fast[k], zod![k]), `${k} of ${JSON.stringify(input)}`).toBe(true);
}

/** The verdict both ways: the fast path either agrees with zod or leaves the input to it. */
function check(input: unknown): 'fast' | 'zod' {
  const fast = fastReading('m-1', RECEIVED, input);
  if (fast) expectSame(fast, viaZod(input), input);
  return fast ? 'fast' : 'zod';
}

const ABSENT = Symbol('absent');
const VALUES: unknown[] = [ABSENT, 0, -0, 1, 42, 99.5, 100, 100.5, 1.5, -1, -0.5, 2 ** 53 - 1, 2 ** 53, 1e300, Number.NaN, Infinity, -Infinity, '5', '', null, true, [], {}, [1], '2025-06-01T11:59:00Z', '2025-06-01T19:59:00.5+08:00', '2025-06-01T11:59:00', '2025-13-01T11:59:00Z', '2025-02-29T11:59:00Z', T0];
const FIELDS = ['ts', 'totalLiters', 'seq', 'flowLpm', 'battery'] as const;

function build(values: Record<string, unknown>, extra?: [string, unknown]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (v !== ABSENT) o[k] = v;
  if (extra) o[extra[0]] = extra[1];
  return o;
}

/** A small deterministic PRNG (mulberry32), so the sampled inputs are the same every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fastReading agrees with zod', () => {
  it('takes the common payloads: epoch ts, litres and any of the optional fields', () => {
    const common = [
      { ts: T0, totalLiters: 12.5 },
      { ts: T0, totalLiters: 0 },
      { ts: T0, totalLiters: 1, seq: 7 },
      { ts: T0, totalLiters: 1, flowLpm: 0.4, battery: 88 },
      { battery: 0, flowLpm: 0, seq: 0, totalLiters: 3, ts: T0 }, // any key order in, the schema's out
    ];
    for (const c of common) expect(check(c)).toBe('fast');
    expect(Object.keys(fastReading('m-1', RECEIVED, common[4])!)).toEqual(['meterId', 'receivedAt', 'ts', 'totalLiters', 'seq', 'flowLpm', 'battery']);
  });

  it('leaves to zod what it must word: wrong types, NaN, strings, negatives, huge numbers, missing and extra fields, malformed times', () => {
    const zodOnes: unknown[] = [
      { ts: '2025-06-01 11:59:00Z', totalLiters: 1 }, // not the wire's ISO form: zod words why
      { ts: '2025-06-01T11:59:00', totalLiters: 1 }, // no zone
      { ts: '2025-06-01T25:61:00Z', totalLiters: 1 }, // no such time (Date.parse: NaN)
      { ts: T0, totalLiters: '5' },
      { ts: T0, totalLiters: Number.NaN },
      { ts: T0, totalLiters: -1 },
      { ts: T0, totalLiters: Infinity },
      { ts: 1.5, totalLiters: 1 },
      { ts: 2 ** 53, totalLiters: 1 },
      { ts: -1, totalLiters: 1 },
      { ts: T0, totalLiters: 1, seq: 1.5 },
      { ts: T0, totalLiters: 1, seq: -1 },
      { ts: T0, totalLiters: 1, battery: 101 },
      { ts: T0, totalLiters: 1, battery: -1 },
      { ts: T0, totalLiters: 1, flowLpm: -0.1 },
      { ts: T0, totalLiters: 1, temp: 3 },
      { ts: T0, totalLiters: 1, seq: undefined }, // not from JSON, but zod's to judge
      { ts: T0 },
      { totalLiters: 1 },
      {},
      null,
      [],
      [T0, 1],
      'reading',
      42,
      JSON.parse(`{"ts":${T0},"totalLiters":1,"__proto__":{"x":1}}`),
      JSON.parse(`{"ts":${T0},"totalLiters":1e400}`), // JSON's own Infinity
      Object.create({ seq: 1 }, { ts: { value: T0, enumerable: true }, totalLiters: { value: 1, enumerable: true } }),
    ];
    for (const z of zodOnes) expect(check(z), JSON.stringify(z)).toBe('zod');
  });

  it('takes ISO times with a zone, as zod converts them (the load bench meters send these)', () => {
    const isos = ['2025-06-01T11:59:00Z', '2025-06-01T11:59:00.123Z', '2025-06-01T19:59:00+08:00', '2025-06-01T19:59+0800', '1969-12-31T23:59:59Z'];
    for (const ts of isos) expect(check({ ts, totalLiters: 1, seq: 2, flowLpm: 0.5, battery: 80 }), ts).toBe('fast');
    expect(fastReading('m-1', RECEIVED, { ts: '2025-06-01T19:59:00+08:00', totalLiters: 1 })!.ts).toBe(Date.UTC(2025, 5, 1, 11, 59));
  });

  it('agrees on every field alone taking every awkward value', () => {
    const base = { ts: T0, totalLiters: 10, seq: ABSENT, flowLpm: ABSENT, battery: ABSENT };
    let fast = 0;
    for (const f of FIELDS) for (const v of VALUES) if (check(build({ ...base, [f]: v })) === 'fast') fast++;
    expect(fast).toBeGreaterThan(10);
  });

  it('agrees on 20,000 random combinations, with and without an extra key', () => {
    const rand = rng(12);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const counts = { fast: 0, zod: 0 };
    for (let n = 0; n < 20_000; n++) {
      const values: Record<string, unknown> = {};
      // Mostly good values, so that both verdicts are common.
      for (const f of FIELDS) values[f] = rand() < 0.6 ? pick<unknown>(f === 'ts' ? [T0, 0, 2 ** 53 - 1, '2025-06-01T11:59:00.250Z'] : f === 'battery' ? [ABSENT, 0, 55.5, 100] : [ABSENT, 0, 3, 1e9]) : pick(VALUES);
      if (values.ts === ABSENT && rand() < 0.9) values.ts = T0;
      if (values.totalLiters === ABSENT && rand() < 0.9) values.totalLiters = 1;
      const extra = rand() < 0.1 ? ([pick(['temp', 'TS', 'meterId', 'receivedAt', '']), pick(VALUES.slice(1))] as [string, unknown]) : undefined;
      const input = build(values, extra);
      // Through JSON too, as the meters send it (NaN and Infinity become null there).
      counts[check(input)]++;
      counts[check(JSON.parse(JSON.stringify(input)))]++;
    }
    expect(counts.fast).toBeGreaterThan(5_000);
    expect(counts.zod).toBeGreaterThan(5_000);
  });

  it('gives parseMessage the same outcome as the zod path, accepted or rejected, single or in a batch', () => {
    const payloads = [
      { ts: T0, totalLiters: 12.5 },
      { ts: T0, totalLiters: 1, seq: 3, battery: 20 },
      { ts: T0, totalLiters: -1 },
      { ts: T0, totalLiters: 1, extra: true },
      { ts: 0, totalLiters: 1 }, // valid schema, implausible time
      { ts: RECEIVED + 25 * 3_600_000, totalLiters: 1 },
    ];
    for (const p of payloads) {
      const got = parseMessage('m-1', 'meters/m-1/reading', JSON.stringify(p), RECEIVED);
      const zod = viaZod(p);
      if (got.ok) expect(got).toEqual({ ok: true, kind: 'readings', readings: [zod] });
      else expect(zod === undefined ? 'schema' : 'implausible-time').toBe(got.code);
    }
    const batch = parseMessage('m-1', 'meters/m-1/batch', JSON.stringify({ readings: [payloads[1], { ts: '2025-06-01T11:59:00Z', totalLiters: 2 }, payloads[0]] }), RECEIVED);
    expect(batch).toEqual({ ok: true, kind: 'readings', readings: [viaZod(payloads[1]), viaZod({ ts: '2025-06-01T11:59:00Z', totalLiters: 2 }), viaZod(payloads[0])] });
  });
});
