// The load bench's report: the table of issue 12 (rows: aedes + empty handler, Anxin, ratio)
// as Markdown, a detail table per phase, and the JSON record.
import type { ConnectStats, RunStats } from './generator.ts';
import type { PhaseResult } from './recorder.ts';
import type { OverloadReport } from './overload.ts';

export interface PhaseReport {
  name: string;
  qos: 0 | 1;
  mode: 'rate' | 'max';
  /** Offered readings/s (rate phases). */
  offered: number | null;
  windowSec: number;
  /** Readings the system handled per second while the window was open. */
  throughput: number;
  /** Publishes the generator issued per second in the window. */
  sentRate: number;
  /** Rate phase: the generator could not issue the offered rate (< 97 %). */
  generatorShort: boolean;
  /** Max phase: the service process was below 85 % of a core: held back by the generator or other load, or waiting on I/O. */
  notSaturated: boolean;
  latencyMs: PhaseResult['latencyMs'];
  /** Readings sent in the window that the system never handled before the drain deadline. */
  unhandled: number;
  gen: RunStats;
  serviceCpuPct: number;
  generatorCpuPct: number;
  /** Service CPU per handled reading in the window, µs. */
  cpuUsPerReading: number | null;
  serviceRssMiB: number;
  /** Slowest GET /health answer during the window (Anxin only). */
  healthMaxMs: number | null;
}

export interface SystemReport {
  system: 'aedes-empty' | 'anxin';
  label: string;
  meters: number;
  connect: ConnectStats;
  reconnect: ConnectStats | null;
  rssBaselineMiB: number;
  rssConnectedMiB: number;
  rssEndMiB: number;
  peakRssMiB: number;
  /** (RSS with N connected − RSS before they connected) / N. */
  kibPerMeterConnected: number;
  /** (RSS after all phases − RSS before connecting) / N: connection plus what the readings left. */
  kibPerMeterAfterLoad: number;
  provisionMs?: number;
  limitsApplied?: string[];
  metricsCheck?: Record<string, number>;
  phases: PhaseReport[];
  /** The overload scenario (overload.ts), unless --overload-seconds 0. */
  overload?: OverloadReport;
  /** Readings sent and not yet handled when the reconnect storm began (after --storm-drain-seconds). */
  backlogAtStorm?: number;
}

export interface LoadReport {
  at: string;
  host: { cpus: number; loadAvg: number[]; node: string; ulimitN: number };
  options: Record<string, unknown>;
  /** The median of each figure over the rounds (or the one round). */
  systems: SystemReport[];
  /** With --rounds > 1: every round, per system. */
  rounds?: SystemReport[][];
  markdown: string;
}

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number | undefined | null) => (x == null ? 'n/a' : x < 1 ? '< 1 ms' : x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x < 10 ? x.toFixed(1) : n0(x)} ms`);
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);

function phase(s: SystemReport, name: string): PhaseReport | undefined {
  return s.phases.find((p) => p.name === name);
}

/** Meters that gave up, or connected and were dropped again before all were up, are shown. */
const connectCell = (c: SystemReport['connect'], meters: number) => `${ms(c.ms)}${c.connected < meters ? ` (${n0(c.connected)} of ${n0(meters)} up)` : ''}`;

const flagMax = (p: PhaseReport | undefined) => (p ? `${n0(p.throughput)}/s${p.notSaturated ? ' †' : ''}` : 'n/a');

/** Phase names of the fixed rates: a rate given twice (`--rates 5000,5000`: a fleet's first
 *  contact, then warm) gets `-2`, `-3`… so each phase keeps its own result. */
export const rateNames = (rates: number[]): string[] => rates.map((r, i) => {
  const k = rates.slice(0, i).filter((x) => x === r).length;
  return k ? `qos1-${r}-${k + 1}` : `qos1-${r}`;
});

export function markdown(systems: SystemReport[], rates: number[]): string {
  const [base, anxin] = [systems.find((s) => s.system === 'aedes-empty'), systems.find((s) => s.system === 'anxin')];
  const N = (anxin ?? base)?.meters ?? 0;
  const names = rateNames(rates);
  const head = [`${n0(N)} meters`, 'QoS 1 max', 'QoS 0 max', ...rates.map((r, i) => (i === 0 ? `p99 at ${n0(r)}/s QoS 1` : `at ${n0(r)}/s QoS 1 offered`)), `${n0(N)} meters connect`, 'reconnect storm', 'RSS per meter'];
  const cells = (s: SystemReport): string[] => [
    s.label,
    flagMax(phase(s, 'qos1-max')),
    flagMax(phase(s, 'qos0-max')),
    ...rates.map((_, i) => {
      const p = phase(s, names[i]!);
      if (!p) return 'n/a';
      const short =
        (p.generatorShort ? ` (generator sent only ${n0(p.sentRate)}/s ‡)` : '') +
        // Handling less than was sent in the window: the backlog (and the latency) grows.
        (p.throughput < 0.95 * p.sentRate ? ' (falling behind)' : '');
      return i === 0 ? `${ms(p.latencyMs?.p99)}${short}` : `${n0(p.throughput)}/s, p99 ${ms(p.latencyMs?.p99)}${short}`;
    }),
    connectCell(s.connect, s.meters),
    s.reconnect ? connectCell(s.reconnect, s.meters) : 'n/a',
    `${s.kibPerMeterAfterLoad.toFixed(1)} KiB`,
  ];
  const rows: string[][] = [];
  if (base) rows.push(cells(base));
  if (anxin) rows.push(cells(anxin));
  if (base && anxin) {
    const t = (name: string) => ratio(phase(anxin, name)?.throughput, phase(base, name)?.throughput);
    rows.push([
      'ratio Anxin / aedes',
      t('qos1-max'),
      t('qos0-max'),
      ...rates.map((_, i) => {
        const a = phase(anxin, names[i]!);
        const b = phase(base, names[i]!);
        return i === 0 ? `${ratio(a?.latencyMs?.p99, b?.latencyMs?.p99)} p99` : `${ratio(a?.throughput, b?.throughput)}, ${ratio(a?.latencyMs?.p99, b?.latencyMs?.p99)} p99`;
      }),
      ratio(anxin.connect.ms, base.connect.ms),
      ratio(anxin.reconnect?.ms, base.reconnect?.ms),
      ratio(anxin.kibPerMeterAfterLoad, base.kibPerMeterAfterLoad),
    ]);
  }
  const table = (h: string[], r: string[][]) => [`| ${h.join(' | ')} |`, `|${h.map(() => '---').join('|')}|`, ...r.map((x) => `| ${x.join(' | ')} |`)].join('\n');

  const detailHead = ['system', 'phase', 'offered', 'sent', 'handled', 'p50', 'p99', 'max', 'service CPU', 'CPU/reading', 'generator CPU', 'RSS', 'slowest /health', 'QoS 1 acked'];
  const detail: string[][] = [];
  for (const s of systems)
    for (const p of s.phases)
      detail.push([
        s.label,
        p.name,
        p.offered == null ? 'max' : `${n0(p.offered)}/s`,
        `${n0(p.sentRate)}/s${p.generatorShort ? ' ‡' : ''}`,
        `${n0(p.throughput)}/s${p.notSaturated ? ' †' : ''}`,
        ms(p.latencyMs?.p50),
        ms(p.latencyMs?.p99),
        ms(p.latencyMs?.max),
        `${p.serviceCpuPct.toFixed(0)} %`,
        p.cpuUsPerReading == null ? 'n/a' : `${p.cpuUsPerReading.toFixed(1)} µs`,
        `${p.generatorCpuPct.toFixed(0)} %`,
        `${p.serviceRssMiB.toFixed(0)} MiB`,
        ms(p.healthMaxMs),
        (p.qos === 1 ? `${n0(p.gen.acked)}/${n0(p.gen.sent)}${p.gen.unacked ? ` (${n0(p.gen.unacked)} unacked)` : ''}` : '—') + (p.gen.drops ? `, ${n0(p.gen.drops)} meters dropped` : ''),
      ]);
  const overHead = ['system', 'offered (2 × max)', 'delivered', 'share of max', 'p99 overloaded', 'held back by meters', 'RSS before → peak', 'queue max', 'recovery (queue, latency)'];
  const over = systems.filter((s) => s.overload).map((s) => {
    const v = s.overload!;
    const q = v.queue ? `${n0(v.queue.maxReadings)} readings, ${n0(v.queue.maxBytes / 1024)} KiB, ${n0(v.queue.maxPaused)} paused (heap ≤ ${n0(v.queue.maxHeapMiB)} MiB, Buffers ≤ ${n0(v.queue.maxExternalMiB)} MiB)` : 'n/a';
    const r = v.recovery;
    return [s.label, `${n0(v.offered)}/s`, `${n0(v.delivered)}/s`, `${(100 * v.deliveredShare).toFixed(0)} %`, ms(v.latencyMs?.p99), n0(v.gen.heldBack), `${v.rssBeforeMiB.toFixed(0)} → ${v.rssPeakMiB.toFixed(0)} MiB`, q, `${r.ms === null ? 'not within the window' : ms(r.ms)} (${ms(r.queueMs)}, ${ms(r.latencyMs)} to p99 ≤ ${ms(r.normalMs)})`];
  });
  return [
    table(head, rows),
    ...(over.length ? ['', 'Overload: 2 × the QoS 1 maximum above, then a light load; targets ≥ 80 % of the maximum delivered, bounded RSS, recovery ≤ 5 s.', '', table(overHead, over)] : []),
    '',
    '† the service process used < 85 % of a core: the generator or other load on the machine held it back (see generator CPU and the load average), or it waited on I/O; not a clean maximum.',
    '‡ the generator could not issue the offered rate; the figure is for what it did send.',
    'Latency: from the reading\'s `ts` (stamped at send) to the end of the handler — the detector in Anxin, the empty `published` hook in aedes; 1 ms resolution.',
    '',
    table(detailHead, detail),
  ].join('\n');
}
