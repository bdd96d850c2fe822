// README, Notifications, "Messages": they "say what happened, where, since when", e.g.
// "王秀英（莲花路 12 号）长时间未用水…". The 12-character cut is for provider TEMPLATE PARAMS
// ("Params for providers with registered templates: name, place … (≤ 12 characters each)"); the
// full text (a WeCom group's markdown, the outbox, anything sending OutgoingMessage.text) only
// has to fit the 480-character total. But the full text is built from the clipped params, so a
// real address loses exactly the part that finds the door: building and flat number. A grid
// worker of one estate reads "福田区莲花路 12 号 …" for every flat of the block.
import { describe, expect, it } from 'vitest';
import { AppRun, MIN, T0 } from '../notify/app-harness.ts';

describe('the text of an alert message', () => {
  it('names the whole address, not its first 11 characters', async () => {
    const r = new AppRun(undefined, { config: { notify: { policy: { checkIn: { enabled: false } } } } });
    const s = r.app.store;
    const address = '福田区莲花路 12 号 3 栋 501 室';
    s.households.create({ id: 'hh-1', name: '王秀英', address, gridId: 'futian-01' }, r.clock.now);
    s.households.giveConsent('hh-1', { consentedBy: '王秀英', consentedAt: r.clock.now, scope: ['water-monitoring'] });
    s.meters.provision('m-1', 'hh-1', r.clock.now);
    s.contacts.add('hh-1', { name: '陈网格', role: 'grid-worker', wecomKey: 'group-key-0001', channels: ['wecom'] });
    r.raise('data-fault');
    await r.advance(T0 + 2 * MIN);
    expect(r.rec.sent).toHaveLength(1);
    expect(r.rec.sent[0]!.text).toContain(address);
    await r.app.stop();
  });
});
