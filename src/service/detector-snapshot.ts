// Detector state across restarts: each meter's MeterState (learned routine, flow maxima,
// cadences, register) is saved as a versioned tagged-JSON snapshot and restored at start-up,
// so a deploy does not send the fleet back to the learning backstop for a week. A snapshot
// that cannot be trusted (unknown version, unreadable, wrong shape) is skipped with a warning:
// that meter relearns, and start-up never fails because of one.
import type { Logger } from 'pino';
import type { DetectorState } from '../detect/detector.ts';
import type { MeterState } from '../detect/meter-state.ts';
import type { DetectorSnapshotRow } from '../store/index.ts';
import { SNAPSHOT_VERSION, parseMeterState, snapshotForm } from './meter-state-schema.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot-codec.ts';

export { SNAPSHOT_VERSION };

export function encodeMeterState(m: MeterState): string {
  return encodeSnapshot(snapshotForm(m));
}

export type Decoded = { ok: true; state: MeterState } | { ok: false; why: string };

/** Format SNAPSHOT_VERSION, or an older one converted (meter-state-schema.ts); anything else is refused. */
export function decodeMeterState(row: Pick<DetectorSnapshotRow, 'meterId' | 'version' | 'state'>): Decoded {
  let raw: unknown;
  try {
    raw = decodeSnapshot(row.state);
  } catch (err) {
    return { ok: false, why: `unreadable snapshot: ${(err as Error).message}` };
  }
  const parsed = parseMeterState(row.version, raw);
  if (!parsed.ok) return parsed;
  if (parsed.state.meterId !== row.meterId) return { ok: false, why: `snapshot holds meter "${parsed.state.meterId}"` };
  return parsed;
}

/** One meter's row. */
export function snapshotRow(m: MeterState, savedAt: number): DetectorSnapshotRow {
  return { meterId: m.meterId, version: SNAPSHOT_VERSION, state: encodeMeterState(m), savedAt };
}

/** Every meter the detector knows, ready for one transaction (the save at stop; see also saveSliced). */
export function snapshotRows(d: DetectorState, savedAt: number): DetectorSnapshotRow[] {
  const rows: DetectorSnapshotRow[] = [];
  for (const m of d.meters.values()) rows.push(snapshotRow(m, savedAt));
  return rows;
}

/**
 * Put the saved meters into a fresh detector, with the conditions they had raised. A condition
 * whose alert a person resolved while it still holds (a leak still running, a home still
 * silent, a meter still offline) has no open alert, yet must not alert again after a restart:
 * live, the detector holds it until its data clear it, and so it does after the restart. Keeping
 * one that cleared after the snapshot hides nothing: each clears from the meter's next data as
 * it would live (the cumulative register shows any use since; any reading ends offline). The
 * caller adds the store's open alerts (an alert may have been opened after the snapshot), and
 * releases the held offline conditions (`heldOffline`) that the store shows cleared since
 * (restored-conditions.ts).
 */
export function restoreDetector(
  d: DetectorState,
  rows: Iterable<DetectorSnapshotRow>,
  now: number,
  logger: Logger,
  /** PIPL: a meter whose household withdrew consent (or that was revoked) is not brought back,
   *  whatever its snapshot says: it would raise "offline" for a home nobody may watch. */
  mayProcess: (meterId: string) => boolean = () => true,
): { restored: number; ignored: number; skipped: number; heldOffline: { meterId: string; savedAt: number }[] } {
  const heldOffline: { meterId: string; savedAt: number }[] = [];
  let restored = 0;
  let ignored = 0;
  let skipped = 0;
  for (const row of rows) {
    if (!mayProcess(row.meterId)) {
      skipped++;
      continue;
    }
    const res = decodeMeterState(row);
    if (!res.ok) {
      ignored++;
      logger.warn({ meterId: row.meterId, version: row.version, savedAt: row.savedAt }, `detector snapshot ignored, the meter relearns: ${res.why}`);
      continue;
    }
    const m = res.state;
    // The time the service was down is not the meter's silence: without this shift every
    // meter would go "offline" at the first tick after a long deploy, before it reconnects.
    if (row.savedAt < now && Number.isFinite(m.lastArrival)) {
      m.lastArrival += now - row.savedAt;
      // Nor is it a gap in the meter's data: a register that did not move across it proves the
      // silence went on (a gap would restart the silence clock, and the no-usage alert of a home
      // silent since the morning came hours late, "since" the first reading after the restart).
      m.serviceDownMs += now - row.savedAt;
    }
    d.meters.set(m.meterId, m);
    if (m.active.has('offline')) heldOffline.push({ meterId: m.meterId, savedAt: row.savedAt });
    restored++;
  }
  return { restored, ignored, skipped, heldOffline };
}
