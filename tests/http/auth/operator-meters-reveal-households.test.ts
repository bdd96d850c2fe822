// Regression (an audit found it; fixed): an operator's GET /api/meters and /api/meters/:id answer each meter whole, with its
// householdId and processingAllowed (= the household's consent is active), and
// ?householdId=<id> works for them as a probe of which households exist and own which meter.
// Cause: src/http/routes/meters.ts:24-26 (`visible` lets every non-grid-worker through) and :18
// (`view` spreads the whole Meter plus processingAllowed for every role).
// Correct (README role table): operator may read "/api/meters (ids and status only)" and sees
// "no household" — meter id and status, nothing that links a meter to a household.
import { afterEach, describe, expect, it } from 'vitest';
import { household, rig, type Rig } from '../../dashboard/helpers.ts';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('operator reading meters', () => {
  it('gets ids and status only, no household link or consent state', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    household(r, 'h3', 'g2', 'm3');
    await r.app.store.users.create({ username: 'ops', password: 'operator-pass-1', role: 'operator' });
    const login = await r.api('POST', '/api/session', { username: 'ops', password: 'operator-pass-1' });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;

    const list = await r.api('GET', '/api/meters', undefined, { cookie });
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: any) => m.id).sort()).toEqual(['m1', 'm3']);
    for (const m of list.body.items) {
      expect(m, JSON.stringify(m)).not.toHaveProperty('householdId');
      expect(m, JSON.stringify(m)).not.toHaveProperty('processingAllowed');
    }
    const one = await r.api('GET', '/api/meters/m3', undefined, { cookie });
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('householdId');
    // Filtering by household is a household lookup: it must not tell the operator that h3 owns m3.
    const probe = await r.api('GET', '/api/meters?householdId=h3', undefined, { cookie });
    expect(JSON.stringify(probe.body)).not.toContain('h3');
  });
});
