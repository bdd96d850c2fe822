// README "Wire contract": rejected messages are dead-lettered with the reason and
// "anxin_readings_rejected_total{reason} counts it"; "a reading still in the future after
// correction is dead-lettered (implausible-time)". The monitor does dead-letter such a reading
// (monitor.ts, verdict 'implausible') but never increments anxin_readings_rejected_total, unlike
// its sibling late-inconsistent: the rejection is invisible to the metric operators alert on.
// Guards the fix: the monitor's dead letters (implausible-time, late-inconsistent) are counted
// under their code where they are written (monitor.ts deadLetter).
import { afterEach, describe, expect, it } from 'vitest';
import { appRig, until, type AppRig } from '../fixtures/app-rig.ts';

let r: AppRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const rejected = (metrics: string, reason: string): number => {
  const line = metrics.split('\n').find((l) => l.startsWith(`anxin_readings_rejected_total{reason="${reason}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
};

describe('hostile payloads: a meter clock 20 h fast', () => {
  it('counts the implausible-time dead letter in anxin_readings_rejected_total', async () => {
    r = await appRig();
    const token = await r.meter('h1', 'm1');
    const meter = await r.connect('m1', token);
    // 20 h ahead: inside ingest's 24 h limit, beyond the detector's 12 h clock correction.
    await meter.publishAsync('meters/m1/reading', JSON.stringify({ ts: Date.now() + 20 * 3_600_000, totalLiters: 50 }), { qos: 1 });
    await until(() => r!.app.store.deadLetters.count('m1') === 1, 10_000, 'the dead letter');
    const [letter] = r.app.store.deadLetters.list({ limit: 1, offset: 0, meterId: 'm1' });
    expect(letter!.reason).toMatch(/^implausible-time: /); // kept, with its reason…

    const m = await r.api('GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.raw).toMatch(/^anxin_dead_letters_total 1$/m);
    // …but not counted as rejected.
    expect(rejected(m.raw, 'implausible-time')).toBe(1);
  });
});
