// The snapshot codec: the values plain JSON loses (NaN and ±Infinity are the detector's
// "unknown" and "none yet", Set is its raised conditions) come back exactly; values it cannot
// bring back are refused when saving, and text that is not a snapshot is refused when reading.
import { describe, expect, it } from 'vitest';
import { SnapshotFormatError, decodeSnapshot, encodeSnapshot } from '../../src/service/snapshot-codec.ts';

const roundTrip = <T>(v: T): T => decodeSnapshot(encodeSnapshot(v)) as T;

describe('snapshot codec', () => {
  it('round-trips NaN, ±Infinity and -0 exactly, at any depth and inside arrays', () => {
    const back = roundTrip({ a: NaN, b: Infinity, c: -Infinity, z: -0, list: [1.5, NaN, -Infinity, 0, -0], deep: { x: { y: [Infinity] } } });
    expect(back.a).toBeNaN();
    expect(back.b).toBe(Infinity);
    expect(back.c).toBe(-Infinity);
    expect(Object.is(back.z, -0)).toBe(true);
    expect(back.list).toHaveLength(5);
    expect(back.list[0]).toBe(1.5);
    expect(back.list[1]).toBeNaN();
    expect(back.list[2]).toBe(-Infinity);
    expect(Object.is(back.list[3], 0)).toBe(true);
    expect(Object.is(back.list[4], -0)).toBe(true);
    expect(back.deep.x.y[0]).toBe(Infinity);
  });

  it('round-trips Set, Map and typed arrays, including the special numbers inside them', () => {
    const v = {
      active: new Set(['no-usage', 'leak']),
      empty: new Set(),
      nums: new Set([NaN, 1]),
      byDay: new Map<number, { n: number }>([[20463, { n: Infinity }]]),
      f64: new Float64Array([1.25, NaN, -Infinity]),
      u8: new Uint8Array([0, 255]),
    };
    const back = roundTrip(v);
    expect(back.active).toBeInstanceOf(Set);
    expect([...back.active]).toEqual(['no-usage', 'leak']);
    expect(back.empty).toEqual(new Set());
    expect([...back.nums][0]).toBeNaN();
    expect(back.byDay).toBeInstanceOf(Map);
    expect(back.byDay.get(20463)?.n).toBe(Infinity);
    expect(back.f64).toBeInstanceOf(Float64Array);
    expect([...back.f64]).toEqual([1.25, NaN, -Infinity]);
    expect(back.u8).toEqual(new Uint8Array([0, 255]));
  });

  it('keeps plain data as it was (strings, booleans, null, nesting, key order) and stays readable JSON', () => {
    const v = { meterId: 'm-1 "王"', ok: true, pending: null, days: [{ day: 1, silences: [1, 2] }], n: 0.1 + 0.2 };
    expect(roundTrip(v)).toEqual(v);
    expect(Object.keys(roundTrip(v))).toEqual(Object.keys(v));
    expect(JSON.parse(encodeSnapshot({ a: NaN, s: new Set([1]) }))).toEqual({ a: { $: 'NaN' }, s: { $: 'Set', v: [1] } });
  });

  it('omits undefined properties, as JSON does', () => {
    expect(roundTrip({ a: 1, b: undefined })).toEqual({ a: 1 });
  });

  it.each([
    ['a function', { f: () => 1 }, /function at "f"/],
    ['a Date (JSON would make it a string)', { when: new Date(0) }, /Date at "when"/],
    ['a class instance', { x: new (class Thing {})() }, /Thing at "x"/],
    ['a key "$" (reserved for tags)', { inner: { $: 'NaN' } }, /"\$" is reserved/],
    ['undefined in an array (JSON would make it null)', { xs: [1, undefined] }, /undefined in the array "xs"/],
    ['a bigint', { big: 1n }, /bigint at "big"/],
  ])('refuses to save %s rather than lose it', (_name, value, message) => {
    expect(() => encodeSnapshot(value)).toThrow(message);
  });

  it.each([
    ['truncated text', '{"meterId":"m-1","register":{'],
    ['an unknown tag', '{"a":{"$":"Date","v":[1]}}'],
    ['a Set without its values', '{"a":{"$":"Set"}}'],
    ['a Map with malformed entries', '{"a":{"$":"Map","v":[[1]]}}'],
    ['a typed array holding strings', '{"a":{"$":"Float64Array","v":["x"]}}'],
  ])('refuses to read %s', (_name, text) => {
    expect(() => decodeSnapshot(text)).toThrow(text.startsWith('{"meterId"') ? SyntaxError : SnapshotFormatError);
  });
});
