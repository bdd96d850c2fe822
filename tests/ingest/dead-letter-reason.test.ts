// Dead letters are bounded (README "Broker limits": store.deadLetterBytesTotal; dead-letters.ts caps
// each payload at 64 KiB "so a misbehaving meter cannot fill the disk with one message"). The
// reason stored beside the payload is not: zod names every unrecognised key in full, so a reading
// with one 300 KB key name is kept with a 300 KB reason, which the byte accounting (the `bytes`
// column, payload only) never sees, and the same text goes into one warn log line and into every
// GET /api/dead-letters answer (500 such rows: ~150 MB of JSON).
// Guards the fix: each zod issue is clipped where the reason is made (wire.ts), the store caps
// the reason at MAX_REASON_BYTES and counts it in the row's bytes, and the log line is short.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES, MAX_REASON_BYTES } from '../../src/store/dead-letters.ts';
import { appRig, until, type AppRig } from '../fixtures/app-rig.ts';

let r: AppRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('hostile payloads: dead-letter reasons', () => {
  it('bounds the stored reason of a reading with a 300 KB unknown key, and counts it against the byte bound', async () => {
    r = await appRig();
    const token = await r.meter('h1', 'm1');
    const meter = await r.connect('m1', token);
    const o: Record<string, unknown> = { ts: Date.now() - 60_000, totalLiters: 10 };
    o['k'.repeat(300_000)] = 1;
    await meter.publishAsync('meters/m1/reading', JSON.stringify(o), { qos: 1 });
    await until(() => r!.app.store.deadLetters.count('m1') === 1, 10_000, 'the dead letter');
    expect(meter.connected).toBe(true);

    const db = new Database(r.app.config.dbPath, { readonly: true });
    const row = db.prepare('SELECT length(CAST(payload AS BLOB)) AS payload, length(CAST(reason AS BLOB)) AS reason, bytes FROM dead_letters').get() as { payload: number; reason: number; bytes: number };
    db.close();
    expect(row.payload).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES); // the payload is capped…
    // …the reason should be too (it is 300,028 bytes), or at least be counted in what the
    // deadLetterBytesTotal bound adds up (the row is accounted as its payload's 65,536 bytes).
    expect(row.reason).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(row.bytes).toBeGreaterThanOrEqual(row.payload + row.reason);
    expect(row.reason).toBeLessThanOrEqual(MAX_REASON_BYTES);
    const logged = r.lines.filter((l) => l.includes('message rejected'));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.length).toBeLessThan(4096);
  });
});
