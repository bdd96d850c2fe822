// Messages ingest could not use, kept for an operator to inspect. Payloads are capped so a
// misbehaving meter cannot fill the disk with one message.
import type { Database } from 'better-sqlite3';

export const MAX_PAYLOAD_BYTES = 64 * 1024;

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
  /** True when the payload was cut at MAX_PAYLOAD_BYTES. */
  truncated: boolean;
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
}

/** Cuts at a byte limit without leaving half a multi-byte character at the end. */
export function capPayload(payload: string | Uint8Array): { text: string; truncated: boolean } {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  if (bytes.length <= MAX_PAYLOAD_BYTES) return { text: bytes.toString('utf8'), truncated: false };
  let end = MAX_PAYLOAD_BYTES;
  // UTF-8 continuation bytes are 10xxxxxx: step back to the start of the cut character.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

const toDeadLetter = (r: Row): DeadLetter => ({
  id: r.id,
  topic: r.topic,
  ...(r.meter_id !== null && { meterId: r.meter_id }),
  payload: r.payload,
  truncated: r.truncated === 1,
  reason: r.reason,
  receivedAt: r.received_at,
});

export function deadLettersRepo(db: Database) {
  const insert = db.prepare(
    'INSERT INTO dead_letters (topic, meter_id, payload, truncated, reason, received_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM dead_letters');
  const countMeter = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM dead_letters WHERE meter_id = ?');

  return {
    add(d: NewDeadLetter): number {
      const { text, truncated } = capPayload(d.payload);
      const info = insert.run(d.topic, d.meterId ?? null, text, truncated ? 1 : 0, d.reason, d.receivedAt);
      return Number(info.lastInsertRowid);
    },

    /** Newest first. */
    list(q: { limit: number; offset: number; meterId?: string }): DeadLetter[] {
      const where = q.meterId === undefined ? '' : 'WHERE meter_id = @meterId';
      return db
        .prepare<typeof q, Row>(`SELECT * FROM dead_letters ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
        .all(q)
        .map(toDeadLetter);
    },

    count(meterId?: string): number {
      return (meterId === undefined ? countAll.get() : countMeter.get(meterId))!.n;
    },

    /** Retention: deletes letters received before `before` (epoch ms); returns how many. */
    prune(before: number): number {
      return db.prepare('DELETE FROM dead_letters WHERE received_at < ?').run(before).changes;
    },
  };
}

export type DeadLettersRepo = ReturnType<typeof deadLettersRepo>;
