// JSON that round-trips what the detector's state is made of. Plain JSON turns NaN and
// ±Infinity (the detector's "unknown" / "none yet") into null and a Set into {}, so those are
// written as tagged objects {"$": tag, "v"?: …}; so are -0, Map and typed arrays. Anything
// JSON would silently lose (a function, a Date, a class instance, a plain object with a "$"
// key) throws instead, so a new kind of field is found by the round-trip test rather than by
// a relearning fleet. Properties holding undefined are omitted, as in JSON (an absent optional
// field).
// Decoding walks the tree after the native JSON.parse instead of using a reviver, which calls
// back for every value and made restoring a fleet 4× slower; encoding tags a copy for the
// native JSON.stringify, about as fast as a bare JSON.stringify (bench/snapshot.ts).

const TYPED_ARRAYS = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;
const isTypedArrayName = (s: unknown): s is TypedArrayName => typeof s === 'string' && Object.hasOwn(TYPED_ARRAYS, s);

export class SnapshotFormatError extends Error {}

const numberTag = (n: number): { $: string } => ({ $: Number.isNaN(n) ? 'NaN' : n === Infinity ? 'Infinity' : n === -Infinity ? '-Infinity' : '-0' });

/** A copy with every value JSON would lose replaced by its tag, for the native JSON.stringify. */
function tagged(v: unknown, key: string): unknown {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0) ? v : numberTag(v);
    case 'string':
    case 'boolean':
    case 'undefined': // dropped from objects by JSON.stringify
      return v;
    case 'object': {
      if (v === null) return v;
      if (Array.isArray(v)) return taggedArray(v, key);
      const proto = Object.getPrototypeOf(v);
      if (v instanceof Set || v instanceof Map) return { $: proto.constructor.name, v: taggedArray([...v], key) };
      if (ArrayBuffer.isView(v) && isTypedArrayName(proto?.constructor?.name)) return { $: proto.constructor.name, v: taggedArray(v as unknown as ArrayLike<number>, key) };
      if (proto !== Object.prototype && proto !== null) throw new TypeError(`cannot snapshot a ${proto?.constructor?.name ?? 'object'} at "${key}"`);
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        if (k === '$') throw new TypeError(`"$" is reserved for tags (in "${key}")`);
        out[k] = tagged((v as Record<string, unknown>)[k], k);
      }
      return out;
    }
    default:
      throw new TypeError(`cannot snapshot a ${typeof v} at "${key}"`);
  }
}

function taggedArray(a: ArrayLike<unknown>, key: string): unknown[] {
  const out = new Array<unknown>(a.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === undefined) throw new TypeError(`cannot snapshot undefined in the array "${key}"`); // JSON would make it null
    out[i] = tagged(a[i], key);
  }
  return out;
}

/** Turn tags back into values, in place (the tree comes fresh from JSON.parse). */
function untagTree(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] === 'object') v[i] = untagTree(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  if (Object.hasOwn(o, '$')) return untag(o);
  for (const k of Object.keys(o)) if (o[k] !== null && typeof o[k] === 'object') o[k] = untagTree(o[k]);
  return o;
}

function untag(o: Record<string, unknown>): unknown {
  const tag = o.$;
  const v = Array.isArray(o.v) ? (untagTree(o.v) as unknown[]) : undefined;
  switch (tag) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    case 'Set':
      if (v) return new Set(v);
      break;
    case 'Map':
      if (v?.every((e) => Array.isArray(e) && e.length === 2)) return new Map(v as [unknown, unknown][]);
      break;
    default:
      if (isTypedArrayName(tag) && v?.every((x) => typeof x === 'number')) return new TYPED_ARRAYS[tag](v);
  }
  throw new SnapshotFormatError(`bad tagged value ${JSON.stringify(o).slice(0, 80)}`);
}

/** Throws a TypeError for a value that would not come back as it went in. */
export const encodeSnapshot = (value: unknown): string => JSON.stringify(tagged(value, '(root)'));

/** Throws (SyntaxError, SnapshotFormatError) on text that is not a snapshot. */
export const decodeSnapshot = (text: string): unknown => untagTree(JSON.parse(text));
