// The wire accepts `ts` as "ISO-8601 … with a zone" (wire.ts isoWithZoneMs: a regex, then
// Date.parse). The regex checks only the shape, and V8's Date.parse rolls impossible calendar
// dates over instead of refusing them: "2026-02-30T06:00:00Z" becomes 2 March 06:00. A meter
// whose RTC produced 30 February (a real firmware bug class) is not told its timestamp is bad:
// the reading is stored and fed to the detector two days away from the date it carries.
// Guards the fix: the wire's timestamp rule (wire.ts, shared by the HTTP API's Timestamp fields,
// the ingest fast path and replay traces) checks the day against the month and answers
// "ts: expected a real calendar date: 2026-02-30 does not exist".
import { afterEach, describe, expect, it } from 'vitest';
import { Timestamp } from '../../src/domain/wire.ts';
import { appRig, until, type AppRig } from '../fixtures/app-rig.ts';

let r: AppRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('hostile payloads: impossible calendar dates', () => {
  it('rejects a reading stamped 2026-02-30 with a reason instead of storing it as 2 March', async () => {
    const now = Date.parse('2026-03-02T12:00:00Z');
    r = await appRig({ clock: () => now });
    const token = await r.meter('h1', 'm1');
    const meter = await r.connect('m1', token);
    await meter.publishAsync('meters/m1/reading', JSON.stringify({ ts: '2026-02-30T06:00:00Z', totalLiters: 12 }), { qos: 1 });
    // A control message after it, so that we know the first was handled either way.
    await meter.publishAsync('meters/m1/status', JSON.stringify({ ts: now, battery: 80 }), { qos: 1 });
    await until(() => r!.app.store.deadLetters.count('m1') > 0 || r!.app.store.readings.between('m1', 0, now + 1).length > 0, 10_000, 'the reading handled');

    const stored = r.app.store.readings.between('m1', 0, now + 1);
    expect(stored.map((x) => new Date(x.ts).toISOString()), 'stored as another day').toEqual([]);
    const [letter] = r.app.store.deadLetters.list({ limit: 1, offset: 0, meterId: 'm1' });
    expect(letter?.reason).toMatch(/^ts: /);
  });

  it('holds the HTTP API to the same rule (Timestamp is shared), and keeps 29 February of a leap year', () => {
    expect(Timestamp.safeParse('2026-04-31T00:00:00+08:00').error?.issues[0]?.message).toBe('expected a real calendar date: 2026-04-31 does not exist');
    expect(Timestamp.safeParse('2028-02-29T00:00:00Z').data).toBe(Date.UTC(2028, 1, 29));
  });
});
