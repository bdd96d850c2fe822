// Each notification step on an alert's timeline carries its recipient as data — masked name and
// role — in GET /api/board's `notified[]` and GET /api/alerts/:id's `history`, so the board can say
// who was told (the steps' `by` is the notifier, 'notify'). Derived in src/http/notified.ts from
// the step's outbox row; the phone stays only in the (masked) note.
import { afterEach, describe, expect, it } from 'vitest';
import { T0, household, rig, type Rig } from './helpers.ts';

let r: Rig;
afterEach(async () => r?.close());

describe('notification steps name their recipient', () => {
  it('the board and the alert timeline give the masked name and role of each person told', async () => {
    r = await rig();
    household(r, 'h1', 'g1', 'm1');
    r.app.store.contacts.add('h1', { name: '王芳', role: 'grid-worker', phone: '13800138000' });
    r.app.store.contacts.add('h1', { name: '李建国', role: 'neighbour', phone: '13900139000' });
    r.feed('m1', T0, 100, { battery: 5 }); // battery-low: rung 1 (grid worker and neighbour), in daytime
    await r.app.notify!.settle();

    const board = await r.api('GET', '/api/board');
    const card = board.body.items[0];
    const steps = card.notified as { kind: string; by: string; recipient?: { name: string; role: string } }[];
    const sent = steps.filter((n) => n.kind === 'notification-sent').map((n) => n.recipient);
    expect(sent).toEqual(expect.arrayContaining([{ name: '王*', role: 'grid-worker' }, { name: '李**', role: 'neighbour' }]));
    expect(sent).toHaveLength(2);
    expect(steps.filter((n) => n.kind === 'notification-queued').every((n) => n.recipient !== undefined)).toBe(true);
    expect(JSON.stringify(steps.map((n) => n.recipient))).not.toMatch(/1380013|0138000|王芳|李建国/);

    const alert = await r.api('GET', `/api/alerts/${encodeURIComponent(card.id)}`);
    const history = alert.body.history as { kind: string; recipient?: unknown }[];
    expect(history.filter((e) => e.kind === 'notification-sent').map((e) => e.recipient)).toEqual(sent);
    expect(history.find((e) => e.kind === 'opened')).not.toHaveProperty('recipient');
  });
});
