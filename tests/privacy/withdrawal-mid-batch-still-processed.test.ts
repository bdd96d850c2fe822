// Regression (a bug hunt found it; fixed): a batch already being processed (sliced over several turns) when consent is withdrawn
// goes on being processed: the rest of its readings reach the detector and are written to SQLite
// after the household's erasure, and the detector holds the meter again after it "forgot" it.
// Cause: the consent check is done once per message, before any slice (src/ingest/ingest.ts:69);
// src/service/monitor.ts:185-206 (processSlice/sliceRest) never checks again, and the withdrawal
// (src/service/consent-lifecycle.ts:61-70) only revokes/forgets, it does not cancel queued slices.
// Correct (README "Readings of a household ... whose consent was withdrawn are dropped unprocessed";
// PIPL: "processing stops at once", erased data not written afterwards): the remaining readings are dropped.
import { describe, expect, it } from 'vitest';
import { startApp } from './app-harness.ts';

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('consent withdrawal while a batch is mid-processing', () => {
  it('stores and processes none of the batch after the withdrawal and erasure', async () => {
    const h = await startApp();
    const { api, app, clock, connect } = h;
    await api('POST', '/api/households', { id: 'hh-1', name: '王奶奶', address: '幸福路 3 号', gridId: 'g1' });
    await api('POST', '/api/households/hh-1/consent', { consentedBy: '女儿 李梅', scope: ['water-monitoring'] });
    const { token } = (await api('POST', '/api/meters', { meterId: 'm-1', householdId: 'hh-1' })).body;
    const c = await connect('m-1', token);

    const start = clock.now - 5000 * 30_000;
    const readings = Array.from({ length: 5000 }, (_, i) => ({ ts: start + i * 30_000, totalLiters: 1000 + i * 0.1, battery: 90 }));
    void c.publishAsync('meters/m-1/batch', JSON.stringify({ readings }), { qos: 1 }).catch(() => {});

    // Wait, by turns, until the detector has started on the batch (its readings are queued).
    let tries = 0;
    while (app.monitor.queuedReadings === 0 && tries++ < 5000) await turn();
    expect(app.monitor.queuedReadings).toBeGreaterThan(0);

    const w = await api('POST', '/api/households/hh-1/consent/withdraw', {});
    expect(w.status).toBe(200);
    expect(w.body.erased).toBeDefined();
    const storedAtWithdrawal = app.store.readings.between('m-1', 0, clock.now + 1).length;

    // Let whatever was queued run out (bounded by turns).
    tries = 0;
    while ((app.monitor.isBusy('m-1') || app.monitor.queuedReadings > 0) && tries++ < 20000) await turn();
    await app.store.writes.barrier();

    expect(storedAtWithdrawal).toBe(0);
    expect(app.store.readings.between('m-1', 0, clock.now + 1).length, 'readings of the erased household written after its erasure').toBe(0);
    expect(app.monitor.detector.meters.has('m-1'), 'detector holds the withdrawn meter again').toBe(false);
  });
});
