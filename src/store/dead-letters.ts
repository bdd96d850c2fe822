// Messages ingest could not use, kept for an operator to inspect and replay. A letter is kept
// whole up to MAX_PAYLOAD_BYTES (above the broker's default packet limit of 512 KiB: a full
// batch refused for its envelope is 215–500 KB, and cut at 64 KiB it could not be replayed,
// its readings lost for good), and the table is bounded per meter and in total (rows and
// bytes), the oldest dropped first and counted, so no meter can fill the disk with many
// (issue 11: bad payloads grew the database at 39–79 MiB/s). Lists carry a preview of each
// payload (PREVIEW_BYTES); the whole letter is read one at a time (`get`).
import type { Database } from 'better-sqlite3';

export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** A listed letter's payload is cut to this: a page of 500 whole letters could be 500 MiB. */
export const PREVIEW_BYTES = 4096;
/**
 * A reason is made bounded where it is made (wire.ts clips each zod issue), but it is text
 * from the payload, logged and served in every GET /api/dead-letters: the store holds it to
 * this too, and counts it with the payload against the byte bound.
 */
export const MAX_REASON_BYTES = 2048;

export interface NewDeadLetter {
  topic: string;
  meterId?: string;
  /** Raw MQTT payload; bytes are decoded as UTF-8 (invalid sequences become U+FFFD). */
  payload: string | Uint8Array;
  reason: string;
  receivedAt: number;
}

export interface DeadLetter {
  id: number;
  topic: string;
  meterId?: string;
  payload: string;
  /** True when the payload was cut at MAX_PAYLOAD_BYTES when it was stored. */
  truncated: boolean;
  /** The stored payload's size in UTF-8 bytes. */
  payloadBytes: number;
  /** True when `payload` is only its first PREVIEW_BYTES (a list); `get` gives it whole. */
  preview: boolean;
  reason: string;
  receivedAt: number;
}

interface Row {
  id: number;
  topic: string;
  meter_id: string | null;
  payload: string;
  truncated: number;
  reason: string;
  received_at: number;
  payload_bytes: number;
}

/** Cuts at a byte limit without leaving half a multi-byte character at the end. */
export function capBytes(payload: string | Uint8Array, max: number): { text: string; truncated: boolean } {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  if (bytes.length <= max) return { text: bytes.toString('utf8'), truncated: false };
  let end = max;
  // UTF-8 continuation bytes are 10xxxxxx: step back to the start of the cut character.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

export const capPayload = (payload: string | Uint8Array): { text: string; truncated: boolean } => capBytes(payload, MAX_PAYLOAD_BYTES);

/** The reason as stored: at most MAX_REASON_BYTES, its end marked when cut. */
export function capReason(reason: string): string {
  if (reason.length <= MAX_REASON_BYTES / 4) return reason; // surely within, the usual case
  const { text, truncated } = capBytes(reason, MAX_REASON_BYTES - 16);
  return truncated ? `${text}…[truncated]` : text;
}

const toDeadLetter = (r: Row, previewBytes: number): DeadLetter => {
  const { text, truncated: cut } = capBytes(r.payload, previewBytes);
  return {
    id: r.id,
    topic: r.topic,
    ...(r.meter_id !== null && { meterId: r.meter_id }),
    payload: text,
    truncated: r.truncated === 1,
    payloadBytes: r.payload_bytes,
    preview: cut,
    reason: r.reason,
    receivedAt: r.received_at,
  };
};

export interface DeadLetterBounds {
  perMeter: number;
  totalRows: number;
  totalBytes: number;
}

export const DEFAULT_DEAD_LETTER_BOUNDS: DeadLetterBounds = { perMeter: 200, totalRows: 20_000, totalBytes: 64 * 1024 * 1024 };

export function deadLettersRepo(db: Database, bounds: DeadLetterBounds = DEFAULT_DEAD_LETTER_BOUNDS) {
  const insert = db.prepare(
    'INSERT INTO dead_letters (topic, meter_id, payload, truncated, reason, received_at, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM dead_letters');
  const countMeter = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM dead_letters WHERE meter_id = ?');
  const countNoMeter = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM dead_letters WHERE meter_id IS NULL');
  const totals = db.prepare<[], { n: number; bytes: number | null }>('SELECT count(*) AS n, sum(bytes) AS bytes FROM dead_letters');
  // Oldest first, by the (meter_id, id) index; RETURNING keeps the running totals exact.
  const dropOldestOfMeter = db.prepare<[string], { bytes: number }>(
    'DELETE FROM dead_letters WHERE id = (SELECT min(id) FROM dead_letters WHERE meter_id = ?) RETURNING bytes',
  );
  const dropOldestNoMeter = db.prepare<[], { bytes: number }>(
    'DELETE FROM dead_letters WHERE id = (SELECT min(id) FROM dead_letters WHERE meter_id IS NULL) RETURNING bytes',
  );
  const dropOldest = db.prepare<[], { bytes: number }>('DELETE FROM dead_letters WHERE id = (SELECT min(id) FROM dead_letters) RETURNING bytes');
  const getOne = db.prepare<[number], Row>(
    'SELECT id, topic, meter_id, payload, truncated, reason, received_at, length(CAST(payload AS BLOB)) AS payload_bytes FROM dead_letters WHERE id = ?',
  );
  let dropped = 0;
  const start = totals.get()!;
  let approxRows = start.n;
  let approxBytes = start.bytes ?? 0;

  const ofMeter = (meterId: string | undefined) => (meterId === undefined ? countNoMeter.get()! : countMeter.get(meterId)!).n;

  return {
    /** Stores one letter, then drops the oldest beyond the bounds; returns the new id. */
    add(d: NewDeadLetter): number {
      const { text, truncated } = capPayload(d.payload);
      const reason = capReason(d.reason);
      // The row's share of totalBytes: everything variable it holds, the reason with the payload.
      const bytes = Buffer.byteLength(text) + Buffer.byteLength(reason);
      const info = insert.run(d.topic, d.meterId ?? null, text, truncated ? 1 : 0, reason, d.receivedAt, bytes);
      // Counted in SQL inside the caller's transaction (a rolled-back batch cannot leave a
      // count wrong), from the indexes; the per-meter count is at most perMeter + 1 rows.
      for (let n = ofMeter(d.meterId); n > bounds.perMeter; n--) {
        void (d.meterId === undefined ? dropOldestNoMeter.get() : dropOldestOfMeter.get(d.meterId));
        dropped++;
      }
      // The table's total: an upper estimate kept in memory (a rollback only makes it too
      // high) decides when to count exactly; trimming to 95 % leaves room before the next count.
      approxRows++;
      approxBytes += bytes;
      if (approxRows > bounds.totalRows || approxBytes > bounds.totalBytes) {
        const t = totals.get()!;
        let rows = t.n;
        let total = t.bytes ?? 0;
        if (rows > bounds.totalRows || total > bounds.totalBytes) {
          while (rows > 1 && (rows > bounds.totalRows * 0.95 || total > bounds.totalBytes * 0.95)) {
            const gone = dropOldest.get();
            if (!gone) break;
            rows--;
            total -= gone.bytes;
            dropped++;
          }
        }
        approxRows = rows;
        approxBytes = total;
      }
      return Number(info.lastInsertRowid);
    },

    /** Letters dropped to stay within the bounds since this store was opened. */
    droppedCount(): number {
      return dropped;
    },

    /** Newest first, each payload a preview (its first PREVIEW_BYTES; `preview` says when cut). */
    list(q: { limit: number; offset: number; meterId?: string }): DeadLetter[] {
      const where = q.meterId === undefined ? '' : 'WHERE meter_id = @meterId';
      // Only the preview's characters leave SQLite (PREVIEW_BYTES characters hold at least
      // PREVIEW_BYTES bytes; cut to bytes in JS), and the size from the stored count.
      return db
        .prepare<typeof q, Row>(
          `SELECT id, topic, meter_id, substr(payload, 1, ${PREVIEW_BYTES + 1}) AS payload, truncated, reason, received_at,
             length(CAST(payload AS BLOB)) AS payload_bytes
           FROM dead_letters ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`,
        )
        .all(q)
        .map((r) => toDeadLetter(r, PREVIEW_BYTES));
    },

    /** One letter with its whole payload (undefined: no such letter, or dropped by the bounds). */
    get(id: number): DeadLetter | undefined {
      const r = getOne.get(id);
      return r && toDeadLetter(r, Infinity);
    },

    count(meterId?: string): number {
      return (meterId === undefined ? countAll.get() : countMeter.get(meterId))!.n;
    },

    /** Retention: deletes letters received before `before` (epoch ms); returns how many. */
    prune(before: number): number {
      const n = db.prepare('DELETE FROM dead_letters WHERE received_at < ?').run(before).changes;
      const t = totals.get()!;
      approxRows = t.n;
      approxBytes = t.bytes ?? 0;
      return n;
    },
  };
}

export type DeadLettersRepo = ReturnType<typeof deadLettersRepo>;
