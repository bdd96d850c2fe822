// "Nothing is lost: a malformed payload is rejected with a reason, counted and kept for
// inspection." A batch refused whole because its envelope is bad (here a top-level key the
// contract does not have, as a firmware update might add) holds readings nobody else has. Its
// dead letter used to be cut at 64 KiB: a full batch is 215–500 KB, so the letter was not JSON
// and its readings could not be replayed once the firmware was fixed. The letter is now kept
// whole up to MAX_PAYLOAD_BYTES (above the broker's packet limit); a list shows a 4 KiB
// preview of each (500 whole letters would be a response of hundreds of MiB), and
// GET /api/dead-letters/:id gives one whole.
import { afterEach, describe, expect, it } from 'vitest';
import { appRig, until, type AppRig } from '../fixtures/app-rig.ts';
import { PREVIEW_BYTES } from '../../src/store/dead-letters.ts';

let r: AppRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('a full batch refused for its envelope', () => {
  it('is kept whole, listed as a preview and served whole by id', async () => {
    r = await appRig();
    const token = await r.meter('h1', 'm1');
    const meter = await r.connect('m1', token);
    const now = Date.now();
    const readings = Array.from({ length: 5000 }, (_, i) => ({ ts: now - (5000 - i) * 60_000, totalLiters: 1000 + i * 0.5, flowLpm: 0.5, battery: 90 }));
    const payload = JSON.stringify({ fw: '2.1.0', readings });
    expect(payload.length).toBeGreaterThan(200 * 1024);
    expect(payload.length).toBeLessThan(512 * 1024); // within mqtt.maxPacketBytes
    await meter.publishAsync('meters/m1/batch', payload, { qos: 1 });
    await until(() => r!.app.store.deadLetters.count('m1') >= 1, 10_000, 'the dead letter');
    expect(r.app.store.readings.between('m1', 0, now + 1)).toHaveLength(0);

    const list = await r.api('GET', '/api/dead-letters?meterId=m1');
    expect(list.status).toBe(200);
    const [item] = list.body.items;
    expect(item).toMatchObject({ meterId: 'm1', truncated: false, preview: true, payloadBytes: Buffer.byteLength(payload) });
    expect(item.reason).toMatch(/fw/);
    expect(Buffer.byteLength(item.payload)).toBeLessThanOrEqual(PREVIEW_BYTES);
    expect(payload.startsWith(item.payload)).toBe(true);

    const one = await r.api('GET', `/api/dead-letters/${item.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: item.id, truncated: false, preview: false, payloadBytes: Buffer.byteLength(payload) });
    expect(one.body.payload).toBe(payload); // replayable: the readings, as the meter sent them
    expect(JSON.parse(one.body.payload).readings).toHaveLength(5000);
  });

  it('answers a bad or unknown id with a 4xx that says what was expected', async () => {
    r = await appRig();
    const bad = await r.api('GET', '/api/dead-letters/abc');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'invalid-params', message: expect.stringMatching(/positive integer/) });
    const none = await r.api('GET', '/api/dead-letters/99');
    expect(none.status).toBe(404);
    expect(none.body.error).toBe('not-found');
  });
});
