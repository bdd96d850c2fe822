// A minimal Prometheus registry: counters and gauges with labels, rendered in the text
// exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
// Small enough that a client library would be more code to audit than to own.

type Labels<L extends string> = [L] extends [never] ? Record<string, never> : Record<L, string>;

interface Series {
  labels: Record<string, string>;
  value: number;
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  labelNames: readonly string[];
  series: Map<string, Series>;
}

export interface Counter<L extends string = never> {
  inc(labels?: Labels<L>, by?: number): void;
  get(labels?: Labels<L>): number;
  /** Hear every increment (e.g. to mirror rejections into the time-series store). */
  onInc(listener: (labels: Labels<L> | undefined, by: number) => void): void;
}

export interface Gauge<L extends string = never> {
  set(labels: Labels<L>, value: number): void;
  inc(labels?: Labels<L>, by?: number): void;
  dec(labels?: Labels<L>, by?: number): void;
  get(labels?: Labels<L>): number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// Exposition format: label values escape \ " and newline; HELP escapes \ and newline.
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function createRegistry() {
  const families = new Map<string, Family>();

  function register(name: string, help: string, type: Family['type'], labelNames: readonly string[]): Family {
    if (!NAME.test(name)) throw new Error(`expected a metric name matching ${NAME}, got "${name}"`);
    if (families.has(name)) throw new Error(`metric "${name}" is already registered`);
    for (const l of labelNames) if (!LABEL.test(l)) throw new Error(`expected a label name matching ${LABEL}, got "${l}"`);
    const family: Family = { name, help, type, labelNames, series: new Map() };
    families.set(name, family);
    if (labelNames.length === 0) family.series.set('', { labels: {}, value: 0 });
    return family;
  }

  function seriesOf(f: Family, labels?: Record<string, string>): Series {
    // A family without labels has its one series from the start: no key to build (the readings
    // counters are incremented once per reading).
    if (labels === undefined && f.labelNames.length === 0) return f.series.get('')!;
    labels ??= {};
    const keys = Object.keys(labels);
    if (keys.length !== f.labelNames.length || !f.labelNames.every((l) => typeof labels[l] === 'string')) {
      throw new Error(`${f.name}: expected labels {${f.labelNames.join(', ')}}, got {${keys.join(', ')}}`);
    }
    const key = f.labelNames.map((l) => labels[l]).join('\u0000');
    let s = f.series.get(key);
    if (!s) f.series.set(key, (s = { labels: { ...labels }, value: 0 }));
    return s;
  }

  return {
    counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
      const f = register(name, help, 'counter', labelNames);
      const listeners: ((labels: Labels<L> | undefined, by: number) => void)[] = [];
      return {
        inc(labels, by = 1) {
          if (!(by >= 0)) throw new Error(`${name}: a counter only goes up, got inc(${by})`);
          seriesOf(f, labels).value += by;
          if (by > 0) for (const l of listeners) l(labels, by);
        },
        get: (labels) => seriesOf(f, labels).value,
        onInc: (l) => void listeners.push(l),
      };
    },

    gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
      const f = register(name, help, 'gauge', labelNames);
      return {
        set(labels, value) {
          seriesOf(f, labels).value = value;
        },
        inc(labels, by = 1) {
          seriesOf(f, labels).value += by;
        },
        dec(labels, by = 1) {
          seriesOf(f, labels).value -= by;
        },
        get: (labels) => seriesOf(f, labels).value,
      };
    },

    /** Families in registration order; a labelled family with no series yet still gets HELP/TYPE. */
    render(): string {
      const lines: string[] = [];
      for (const f of families.values()) {
        lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
        for (const s of f.series.values()) {
          const pairs = f.labelNames.map((l) => `${l}="${escapeLabel(s.labels[l]!)}"`).join(',');
          lines.push(`${f.name}${pairs ? `{${pairs}}` : ''} ${formatValue(s.value)}`);
        }
      }
      return lines.join('\n') + '\n';
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
