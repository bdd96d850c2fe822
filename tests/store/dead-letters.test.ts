import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES, MAX_REASON_BYTES, PREVIEW_BYTES, capPayload } from '../../src/store/dead-letters.ts';
import { T0, tempStore } from './temp-store.ts';

describe('dead letters repository', () => {
  it('lists newest first, filters by meter and counts', () => {
    const { store } = tempStore();
    store.deadLetters.add({ topic: 'meters/m-1/reading', meterId: 'm-1', payload: '{"ts":', reason: 'invalid JSON', receivedAt: T0 });
    store.deadLetters.add({ topic: 'meters/m-2/reading', meterId: 'm-2', payload: new TextEncoder().encode('{}'), reason: 'ts: required', receivedAt: T0 + 1 });
    store.deadLetters.add({ topic: 'junk', payload: 'x', reason: 'unknown topic', receivedAt: T0 + 2 });

    expect(store.deadLetters.count()).toBe(3);
    expect(store.deadLetters.count('m-1')).toBe(1);
    expect(store.deadLetters.list({ limit: 2, offset: 0 }).map((d) => d.topic)).toEqual(['junk', 'meters/m-2/reading']);
    expect(store.deadLetters.list({ limit: 10, offset: 0, meterId: 'm-2' })).toEqual([
      { id: 2, topic: 'meters/m-2/reading', meterId: 'm-2', payload: '{}', truncated: false, payloadBytes: 2, preview: false, reason: 'ts: required', receivedAt: T0 + 1 },
    ]);
    expect(store.deadLetters.prune(T0 + 1)).toBe(1);
    expect(store.deadLetters.count()).toBe(2);
  });

  it('caps a payload at MAX_PAYLOAD_BYTES without splitting a character', () => {
    const { store } = tempStore();
    // '水' is 3 bytes in UTF-8, so 1 MiB is not a character boundary.
    const big = '水'.repeat(400_000);
    const id = store.deadLetters.add({ topic: 't', payload: big, reason: 'too big', receivedAt: T0 });
    const d = store.deadLetters.get(id);
    expect(d?.truncated).toBe(true);
    expect(Buffer.byteLength(d!.payload)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(d!.payload).toBe('水'.repeat(Math.floor(MAX_PAYLOAD_BYTES / 3)));
    expect(d!.payloadBytes).toBe(Buffer.byteLength(d!.payload));
  });

  it('lists a preview of each payload (without splitting a character) and gets one whole', () => {
    const { store } = tempStore();
    const big = `{"readings":[${'"水",'.repeat(20_000)}0]}`;
    const id = store.deadLetters.add({ topic: 'meters/m-1/batch', meterId: 'm-1', payload: big, reason: 'bad envelope', receivedAt: T0 });
    const [d] = store.deadLetters.list({ limit: 1, offset: 0 });
    expect(d).toMatchObject({ id, truncated: false, preview: true, payloadBytes: Buffer.byteLength(big) });
    expect(Buffer.byteLength(d!.payload)).toBeLessThanOrEqual(PREVIEW_BYTES);
    expect(Buffer.byteLength(d!.payload)).toBeGreaterThan(PREVIEW_BYTES - 4);
    expect(big.startsWith(d!.payload)).toBe(true);
    expect(store.deadLetters.get(id)).toMatchObject({ payload: big, preview: false, truncated: false });
    expect(store.deadLetters.get(id + 1)).toBeUndefined();
  });

  it('caps a reason at MAX_REASON_BYTES, whoever wrote it (the reason is from the payload)', () => {
    const { store } = tempStore();
    store.deadLetters.add({ topic: 't', payload: '{}', reason: `(root): Unrecognized key: "${'水'.repeat(100_000)}"`, receivedAt: T0 });
    const [d] = store.deadLetters.list({ limit: 1, offset: 0 });
    expect(Buffer.byteLength(d!.reason)).toBeLessThanOrEqual(MAX_REASON_BYTES);
    expect(d!.reason).toMatch(/^\(root\): Unrecognized key: "水+…\[truncated\]$/);
  });

  it.each([
    ['short text', 'abc', 'abc', false],
    ['exactly the limit', 'a'.repeat(MAX_PAYLOAD_BYTES), 'a'.repeat(MAX_PAYLOAD_BYTES), false],
    ['one byte over', 'a'.repeat(MAX_PAYLOAD_BYTES + 1), 'a'.repeat(MAX_PAYLOAD_BYTES), true],
  ])('capPayload: %s', (_name, input, text, truncated) => {
    expect(capPayload(input)).toEqual({ text, truncated });
  });
});
