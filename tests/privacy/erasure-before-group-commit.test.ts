// Regression (a bug hunt found it; fixed): readings processed but still waiting in the group commit when the household is erased
// are committed after the erasure: the erased household's readings are back in SQLite, with no
// household row and no way to erase them again through the API.
// Cause: the erasure transaction (src/store/erasure.ts:68-93, called from
// src/service/consent-lifecycle.ts:87-91) deletes what is committed so far; the rows already queued in
// the write queue (src/store/write-queue.ts, queued by src/service/monitor.ts:202) are neither
// dropped nor flushed first, and commit afterwards (with `limits.store.commitMs` > 0, or during a
// storage fault / checkpoint hold, when rows wait longer).
// Correct: README PIPL "none is written after it"; erasure must flush or drop the household's queued rows.
import { describe, expect, it } from 'vitest';
import { startApp, until } from './app-harness.ts';

describe('erasure while readings wait for the group commit', () => {
  it('leaves none of the erased household\'s readings in SQLite', async () => {
    // A long commit window, so that the reading surely still waits when the erasure comes (a busy CI machine).
    const h = await startApp({ limits: { store: { commitMs: 1000 } } });
    const { api, app, clock, connect } = h;
    await api('POST', '/api/households', { id: 'hh-1', name: '王奶奶', address: '幸福路 3 号', gridId: 'g1' });
    await api('POST', '/api/households/hh-1/consent', { consentedBy: '女儿 李梅', scope: ['water-monitoring'] });
    const { token } = (await api('POST', '/api/meters', { meterId: 'm-1', householdId: 'hh-1' })).body;
    const c = await connect('m-1', token);

    clock.now += 60_000;
    void c.publishAsync('meters/m-1/reading', JSON.stringify({ ts: clock.now, totalLiters: 321 }), { qos: 1 }).catch(() => {});
    // Processed, not committed yet (an MQTT round trip: bounded by count, as the harness waits).
    await until(() => app.store.writes.pendingRows > 0, 1000);
    expect(app.store.writes.pendingRows).toBeGreaterThan(0);

    const w = await api('DELETE', '/api/households/hh-1');
    expect(w.status).toBe(200);
    await app.store.writes.barrier();

    expect(app.store.readings.between('m-1', 0, clock.now + 1).map((r) => r.totalLiters), 'reading of an erased household written after the erasure').toEqual([]);
  });
});
