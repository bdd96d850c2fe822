// A small checker for the Flux shapes the dashboards use — not a Flux parser. It accepts
// one pipeline: optional `import "…"` lines, `from(bucket: …)`, `range(…)`, then known
// transformations joined by `|>`, and checks every name it can see against the writer's
// schema (src/timeseries/schema.ts): `r._measurement == "…"`, `r._field == "…"`, `r.<tag>`
// and `r["<tag>"]`, tag values with a known set (kind, period, type), columns named in
// keep/group/distinct/sort, Grafana's `v.*` and `${variable}` references, and balanced
// brackets and strings. Anything outside these shapes is reported, not guessed at.
import { ALERT_TYPES } from '../../src/domain/alert.ts';
import { HISTORY_EVENT_KINDS, MEASUREMENTS, USAGE_PERIODS } from '../../src/timeseries/schema.ts';

const FUNCTIONS = new Set(['range', 'filter', 'aggregateWindow', 'group', 'sum', 'count', 'mean', 'median', 'max', 'min', 'last', 'first', 'quantile', 'keep', 'drop', 'distinct', 'map', 'sort', 'limit', 'yield', 'fill', 'difference', 'pivot', 'window', 'rename', 'elapsed', 'toFloat']);
const GRAFANA_V = new Set(['timeRangeStart', 'timeRangeStop', 'windowPeriod', 'defaultBucket', 'organization']);
const SYSTEM_COLUMNS = new Set(['_time', '_value', '_field', '_measurement', '_start', '_stop']);
const IMPORTS = new Set(['influxdata/influxdb/schema', 'strings', 'date']);
const TAG_VALUES: Record<string, readonly string[]> = { kind: HISTORY_EVENT_KINDS, period: USAGE_PERIODS, type: ALERT_TYPES };

type M = { name: string; tags: readonly string[]; fields: Record<string, string> };
const BY_NAME = new Map<string, M>(Object.values(MEASUREMENTS).map((m) => [m.name, m as M]));

/** Splits at `sep` outside strings and brackets; throws on unbalanced input. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === '"') quote = false;
      continue;
    }
    if (ch === '"') quote = true;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      if (--depth < 0) throw new Error(`unbalanced "${ch}" at ${i}`);
    } else if (depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  if (quote) throw new Error('unterminated string');
  if (depth !== 0) throw new Error('unbalanced brackets');
  out.push(s.slice(start));
  return out.map((x) => x.trim());
}

export interface FluxCheck {
  errors: string[];
  measurements: string[];
  variables: string[];
}

export function checkFlux(query: string, declaredVariables: ReadonlySet<string> = new Set()): FluxCheck {
  const errors: string[] = [];
  const variables = [...query.matchAll(/\$\{(\w+)\}|\$(\w+)/g)].map((m) => m[1] ?? m[2]!);
  for (const v of variables) if (!declaredVariables.has(v)) errors.push(`\${${v}} is not a declared dashboard variable`);
  for (const m of query.matchAll(/\bv\.(\w+)/g)) if (!GRAFANA_V.has(m[1]!)) errors.push(`v.${m[1]} is not a Grafana Flux variable`);

  const lines = query.split('\n');
  const body = lines.filter((l) => !/^\s*import\s/.test(l)).join('\n');
  for (const l of lines.filter((x) => /^\s*import\s/.test(x))) {
    const pkg = /^\s*import\s+"([^"]+)"\s*$/.exec(l)?.[1];
    if (!pkg || !IMPORTS.has(pkg)) errors.push(`unexpected import: ${l.trim()}`);
  }
  let stages: string[];
  try {
    stages = splitTop(body.trim(), '|>');
  } catch (err) {
    return { errors: [...errors, (err as Error).message], measurements: [], variables };
  }
  if (!/^from\(bucket:\s*(v\.defaultBucket|"[^"]+")\)$/.test(stages[0]!)) errors.push(`expected from(bucket: …) first, got "${stages[0]}"`);
  if (!/^range\(start:\s*(v\.timeRangeStart|-\d+[smhdw]|0)(,\s*stop:\s*(v\.timeRangeStop|now\(\)))?\)$/.test(stages[1] ?? '')) errors.push(`expected range(start: …) second, got "${stages[1]}"`);

  const measurements = new Set<string>();
  const filters = stages.filter((s) => s.startsWith('filter('));
  for (const f of filters) for (const m of f.matchAll(/r\._measurement\s*==\s*"([^"]*)"/g)) measurements.add(m[1]!);
  if (!measurements.size) errors.push('no filter on r._measurement');
  const ms = [...measurements].map((n) => BY_NAME.get(n));
  for (const [i, n] of [...measurements].entries()) if (!ms[i]) errors.push(`measurement "${n}" is not written (schema.ts has ${[...BY_NAME.keys()].join(', ')})`);
  const known = ms.filter((m): m is M => !!m);
  const tags = new Set(known.flatMap((m) => m.tags));
  const fields = new Set(known.flatMap((m) => Object.keys(m.fields)));
  const column = (c: string, where: string) => {
    if (!SYSTEM_COLUMNS.has(c) && !tags.has(c)) errors.push(`${where}: column "${c}" is neither a tag of ${[...measurements].join('/')} nor a system column`);
  };

  for (const stage of stages.slice(1)) {
    const m = /^(\w+)\(([\s\S]*)\)$/.exec(stage);
    if (!m) {
      errors.push(`cannot read stage "${stage}"`);
      continue;
    }
    const [, fn, args] = m as unknown as [string, string, string];
    if (!FUNCTIONS.has(fn)) errors.push(`function ${fn}() is outside the checked shapes`);
    if (fn === 'filter' || fn === 'map') {
      if (!/^fn:\s*\(r\)\s*=>/.test(args)) errors.push(`${fn}: expected fn: (r) => …`);
      for (const f of args.matchAll(/r\._field\s*==\s*"([^"]*)"/g)) if (!fields.has(f[1]!)) errors.push(`${fn}: field "${f[1]}" is not written to ${[...measurements].join('/')}`);
      for (const r of args.matchAll(/\br(?:\.(\w+)|\["(\w+)"\])/g)) {
        const name = r[1] ?? r[2]!;
        if (name.startsWith('_') ? !SYSTEM_COLUMNS.has(name) : !tags.has(name)) errors.push(`${fn}: r.${name} is not a tag of ${[...measurements].join('/')}`);
      }
      for (const t of args.matchAll(/r\.(\w+)\s*==\s*"([^"$]*)"/g)) {
        const allowed = TAG_VALUES[t[1]!];
        if (allowed && !allowed.includes(t[2]!)) errors.push(`${fn}: ${t[1]} == "${t[2]}" is never written (${allowed.join(', ')})`);
      }
    }
    for (const list of args.matchAll(/columns:\s*\[([^\]]*)\]/g))
      for (const c of list[1]!.matchAll(/"([^"]*)"/g)) column(c[1]!, fn);
    for (const c of args.matchAll(/column:\s*"([^"]*)"/g)) column(c[1]!, fn);
  }
  return { errors, measurements: [...measurements], variables };
}
