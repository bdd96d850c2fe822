// No meter can fill the disk with rejected payloads (issue 11: 39–79 MiB/s): dead letters
// are bounded per meter and in total, rows and bytes, the oldest dropped first and counted.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { T0, tempDir } from './temp-store.ts';
import { join } from 'node:path';

function storeWith(deadLetters: { perMeter: number; totalRows: number; totalBytes: number }) {
  return openStore(join(tempDir(), 'anxin.db'), { deadLetters });
}
const letter = (meterId: string | undefined, i: number, payload = `{"bad":${i}}`) => ({ topic: `meters/${meterId ?? 'x'}/reading`, meterId, payload, reason: 'invalid JSON', receivedAt: T0 + i });

describe('dead-letter bounds', () => {
  it('keeps the newest per meter; another meter keeps its own', () => {
    const store = storeWith({ perMeter: 3, totalRows: 1000, totalBytes: 1 << 30 });
    for (let i = 0; i < 10; i++) store.deadLetters.add(letter('m-noisy', i));
    store.deadLetters.add(letter('m-quiet', 100));
    store.deadLetters.add(letter(undefined, 200)); // an unknown topic has no meter: bounded as its own group
    expect(store.deadLetters.list({ limit: 10, offset: 0, meterId: 'm-noisy' }).map((d) => d.receivedAt - T0)).toEqual([9, 8, 7]);
    expect(store.deadLetters.count('m-quiet')).toBe(1);
    expect(store.deadLetters.count()).toBe(5);
    expect(store.deadLetters.droppedCount()).toBe(7);
    store.close();
  });

  it('bounds the table by rows and by bytes, oldest first', () => {
    const store = storeWith({ perMeter: 1000, totalRows: 100, totalBytes: 1 << 30 });
    for (let i = 0; i < 250; i++) store.deadLetters.add(letter(`m-${i % 50}`, i));
    expect(store.deadLetters.count()).toBeLessThanOrEqual(100);
    expect(store.deadLetters.list({ limit: 1, offset: 0 })[0]!.receivedAt).toBe(T0 + 249);
    const oldest = store.db.prepare('SELECT min(received_at) AS t FROM dead_letters').get() as { t: number };
    expect(oldest.t - T0).toBeGreaterThanOrEqual(150); // the oldest went first
    store.close();

    const big = storeWith({ perMeter: 1000, totalRows: 100_000, totalBytes: 256 * 1024 });
    const payload = 'x'.repeat(60 * 1024);
    for (let i = 0; i < 50; i++) big.deadLetters.add(letter(`m-${i}`, i, payload));
    const bytes = big.db.prepare('SELECT sum(bytes) AS b FROM dead_letters').get() as { b: number };
    expect(bytes.b).toBeLessThanOrEqual(256 * 1024);
    expect(big.deadLetters.count()).toBeGreaterThanOrEqual(3);
    expect(big.deadLetters.droppedCount()).toBe(50 - big.deadLetters.count());
    big.close();
  });
});
