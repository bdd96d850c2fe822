// Dead letters are "kept for inspection" (and, per validate.ts, for replay). Those written by the
// monitor — implausible-time after the clock correction, late-inconsistent — are not the message
// the meter sent but a re-serialisation of two fields (monitor.ts deadLetter:
// JSON.stringify({ts, totalLiters}) under topic meters/{id}/reading): seq, flowLpm and battery are
// dropped, and a reading that came in a batch is filed under the /reading topic. The battery level
// and flow a meter reported are lost with no trace.
// Guards the fix: the monitor files such a letter under the topic the reading came by, with
// every wire field, in that topic's shape (a batch of one for /batch), so it can be replayed.
// (The hunt's test read the reading at the payload's top level; under /batch it is
// readings[0]: a letter is what to publish again to its topic.)
import { afterEach, describe, expect, it } from 'vitest';
import { appRig, until, type AppRig } from '../fixtures/app-rig.ts';

let r: AppRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('hostile payloads: what a monitor dead letter keeps', () => {
  it('keeps seq, flowLpm and battery of a reading dead-lettered as implausible-time', async () => {
    r = await appRig();
    const token = await r.meter('h1', 'm1');
    const meter = await r.connect('m1', token);
    const sent = { ts: Date.now() + 20 * 3_600_000, totalLiters: 50, seq: 9, flowLpm: 1.5, battery: 77 };
    await meter.publishAsync('meters/m1/batch', JSON.stringify({ readings: [sent] }), { qos: 1 });
    await until(() => r!.app.store.deadLetters.count('m1') === 1, 10_000, 'the dead letter');
    const [letter] = r.app.store.deadLetters.list({ limit: 1, offset: 0, meterId: 'm1' });
    expect(letter!.reason).toMatch(/^implausible-time: /);
    // Was: {"ts":…,"totalLiters":50} under topic meters/m1/reading.
    expect(letter!.topic).toBe('meters/m1/batch');
    const kept = (JSON.parse(letter!.payload) as { readings: Record<string, unknown>[] }).readings;
    expect(kept).toEqual([sent]);
  });

  it('keeps every field of a single reading under its /reading topic, as sent', async () => {
    r = await appRig();
    const token = await r.meter('h1', 'm1');
    const meter = await r.connect('m1', token);
    const sent = { ts: Date.now() + 20 * 3_600_000, totalLiters: 50, seq: 9, flowLpm: 1.5, battery: 77 };
    await meter.publishAsync('meters/m1/reading', JSON.stringify(sent), { qos: 1 });
    await until(() => r!.app.store.deadLetters.count('m1') === 1, 10_000, 'the dead letter');
    const [letter] = r.app.store.deadLetters.list({ limit: 1, offset: 0, meterId: 'm1' });
    expect(letter!.topic).toBe('meters/m1/reading');
    expect(JSON.parse(letter!.payload)).toEqual(sent);
  });
});
