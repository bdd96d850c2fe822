// Raising and clearing a condition: each alert type is raised once per episode and cleared
// once, so the lifecycle downstream sees clean open/close pairs.
import type { AlertStage, AlertType, Explanation } from '../domain/alert.ts';
import type { DetectorEvent } from './events.ts';
import type { MeterState } from './meter-state.ts';

export function raise(m: MeterState, out: DetectorEvent[], type: AlertType, at: number, observedAt: number, reason: Explanation, stage?: AlertStage): void {
  if (m.active.has(type)) return;
  m.active.add(type);
  out.push({ kind: 'raise', meterId: m.meterId, type, at, observedAt, reason, ...(stage && { stage }) });
}

export function clear(m: MeterState, out: DetectorEvent[], type: AlertType, at: number, observedAt: number): void {
  if (!m.active.delete(type)) return;
  out.push({ kind: 'clear', meterId: m.meterId, type, at, observedAt });
}
