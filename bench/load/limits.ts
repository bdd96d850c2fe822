// Broker limits for the bench. The service may have a `limits` config key (issue 11: per-address
// socket caps, per-meter publish budgets…) whose defaults are right for a fleet behind many
// addresses but would refuse 10,000 meters from one loopback address, or throttle a simulated
// meter sending far faster than a real one. The key is found from the config schema at run
// time (`ConfigSchema.shape`), so the bench works before and after that change: every numeric
// cap on how much ONE address or ONE meter may do is set to the largest value the schema
// allows. Timeouts, delays, failure counters and lockouts (what protects against bad
// credentials) are left at their defaults: the bench only ever uses good credentials.
import { ConfigSchema } from '../../src/config.ts';

/** A cap on volume per address or per meter (opened up), not a delay or an auth failure rule. */
const GENEROUS = /connections|unauthenticated|perAddress|ratePerSecond|burst|bytesPerSecond|backlog/i;
const KEEP = /failure|lockout|delay|timeout|ms$|seconds$/i;

interface ZodLike {
  _zod?: { def?: { type?: string; innerType?: ZodLike; in?: ZodLike; shape?: Record<string, ZodLike> } };
  maxValue?: number | null;
}

/** Through .default()/.prefault()/.optional()… to the schema that holds the shape or the number. */
function unwrap(s: ZodLike): ZodLike {
  for (let i = 0; i < 10; i++) {
    const def = s._zod?.def;
    if (!def) return s;
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
  return s;
}

function walk(s: ZodLike, path: string[], applied: string[]): Record<string, unknown> | undefined {
  const inner = unwrap(s);
  const shape = inner._zod?.def?.shape;
  if (!shape) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(shape)) {
    const c = unwrap(child);
    const type = c._zod?.def?.type;
    if (type === 'object') {
      const sub = walk(c, [...path, key], applied);
      if (sub && Object.keys(sub).length) out[key] = sub;
    } else if (type === 'number' && GENEROUS.test(key) && !KEEP.test(key)) {
      const max = typeof c.maxValue === 'number' && Number.isFinite(c.maxValue) ? c.maxValue : 1_000_000;
      out[key] = max;
      applied.push(`${[...path, key].join('.')}=${max}`);
    }
  }
  return out;
}

/** `{ limits: {…} }` to merge into the service config, or {} when there is no such key. */
export function benchLimits(): { config: Record<string, unknown>; applied: string[] } {
  const shape = (ConfigSchema as unknown as { shape: Record<string, ZodLike> }).shape;
  const limits = shape.limits;
  if (!limits) return { config: {}, applied: [] };
  const applied: string[] = [];
  const l = walk(limits, ['limits'], applied);
  return { config: l && Object.keys(l).length ? { limits: l } : {}, applied };
}

/** Plain-object deep merge: `b` wins. For the `--config` JSON override. */
export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
