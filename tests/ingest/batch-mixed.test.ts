// "Nothing is lost: a malformed payload is rejected with a reason, counted and kept for
// inspection." A batch is accepted or rejected whole (validate.ts: "the dead letter keeps the
// batch for replay"), but a dead letter's payload is cut at 64 KiB (dead-letters.ts) while the
// wire contract allows 5,000 readings, 215–500 KB. So one bad reading at the end of a full NB-IoT
// batch throws away the other 4,999: none reaches the store, and the dead letter holds an
// unparseable first fifth of the message, from which they cannot be replayed.
// Guards the fix: a batch's readings are judged one by one (validate.ts); the 4,999 good ones
// are stored and the bad one is dead-lettered alone, as a batch of just it, with its reason.
import { afterEach, describe, expect, it } from 'vitest';
import { appRig, until, type AppRig } from '../fixtures/app-rig.ts';

let r: AppRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const recoverable = (payload: string): number => {
  try {
    const j = JSON.parse(payload) as { readings?: unknown[] };
    return Array.isArray(j.readings) ? j.readings.length : 0;
  } catch {
    return 0;
  }
};

describe('hostile payloads: a 5,000-reading batch with one bad reading', () => {
  it('keeps the 4,999 valid readings: stored, or recoverable from the dead letter', async () => {
    r = await appRig();
    const token = await r.meter('h1', 'm1');
    const meter = await r.connect('m1', token);
    const now = Date.now();
    const readings: Record<string, number>[] = Array.from({ length: 5000 }, (_, i) => ({ ts: now - (5000 - i) * 60_000, totalLiters: 1000 + i * 0.5, flowLpm: 0.5, battery: 90 }));
    readings[4999]!.totalLiters = -1; // one bad register value, the last of the batch
    const payload = JSON.stringify({ readings });
    expect(payload.length).toBeLessThan(512 * 1024); // within mqtt.maxPacketBytes
    await meter.publishAsync('meters/m1/batch', payload, { qos: 1 });
    await until(() => r!.app.store.deadLetters.count('m1') >= 1, 10_000, 'the dead letter');

    const [letter] = r.app.store.deadLetters.list({ limit: 1, offset: 0, meterId: 'm1' });
    expect(letter!.reason).toMatch(/readings\.4999\.totalLiters/);
    const stored = r.app.store.readings.between('m1', 0, now + 1).length;
    const kept = stored + recoverable(letter!.payload);
    // Actual: 0 stored, and the dead letter is truncated at 65,536 bytes (not JSON).
    expect(kept, `stored ${stored}, dead letter truncated=${letter!.truncated} (${letter!.payload.length} chars)`).toBeGreaterThanOrEqual(4999);
    expect(stored).toBe(4999);
    expect(JSON.parse(letter!.payload)).toEqual({ readings: [readings[4999]] });
    expect(r.app.store.deadLetters.count('m1')).toBe(1);
  });
});
