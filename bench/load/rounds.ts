// --rounds N: the table reports the median of each figure over the rounds.
import type { SystemReport } from './report.ts';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Each figure the median over the rounds; a marker (†, ‡) if any round had it. */
export function medianOf(runs: SystemReport[]): SystemReport {
  if (runs.length === 1) return runs[0]!;
  const m = <T>(pick: (s: T) => number | null | undefined, xs: T[]) => {
    const v = xs.map(pick).filter((x): x is number => typeof x === 'number');
    return v.length ? median(v) : null;
  };
  const first = runs[0]!;
  const conn = (k: 'connect' | 'reconnect') => {
    const c = first[k];
    return c && { ...c, ms: m((s) => s[k]?.ms, runs)!, connected: Math.min(...runs.map((s) => s[k]?.connected ?? 0)), failed: Math.max(...runs.map((s) => s[k]?.failed ?? 0)) };
  };
  return {
    ...first,
    connect: conn('connect')!,
    reconnect: conn('reconnect'),
    kibPerMeterConnected: m((s) => s.kibPerMeterConnected, runs)!,
    kibPerMeterAfterLoad: m((s) => s.kibPerMeterAfterLoad, runs)!,
    rssEndMiB: m((s) => s.rssEndMiB, runs)!,
    peakRssMiB: Math.max(...runs.map((s) => s.peakRssMiB)),
    phases: first.phases.map((p, i) => {
      const ps = runs.map((s) => s.phases[i]!);
      const lat = (k: 'p50' | 'p90' | 'p99' | 'max') => m((x) => x.latencyMs?.[k], ps);
      return {
        ...p,
        throughput: m((x) => x.throughput, ps)!,
        sentRate: m((x) => x.sentRate, ps)!,
        generatorShort: ps.some((x) => x.generatorShort),
        notSaturated: ps.some((x) => x.notSaturated),
        latencyMs: p.latencyMs && { p50: lat('p50')!, p90: lat('p90')!, p99: lat('p99')!, max: lat('max')! },
        unhandled: Math.max(...ps.map((x) => x.unhandled)),
        serviceCpuPct: m((x) => x.serviceCpuPct, ps)!,
        generatorCpuPct: m((x) => x.generatorCpuPct, ps)!,
        cpuUsPerReading: m((x) => x.cpuUsPerReading, ps),
        serviceRssMiB: m((x) => x.serviceRssMiB, ps)!,
        healthMaxMs: m((x) => x.healthMaxMs, ps),
      };
    }),
  };
}
