// Regression test (found by a review, 2026-12-07). The bug, as it was:
// The family link's token is its credential (README, Dashboard: "no sign-in; the token is
// <id>.<HMAC-SHA256>", valid 90 days). src/http/routes/notify.ts turns fastify's per-request
// info logs off for the acknowledgement links for exactly this reason ("The token in these URLs
// is a credential"); the family routes (/family/:token and /family/:token/status) do not, so
// every page view writes the working token into the service log at the default level (info).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.ts';
import { T0, rig, type Rig } from '../../dashboard/helpers.ts';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('family link token and the log', () => {
  it('is never written to the service log, nor a query string', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const level = parseConfig({}).log.level;
    expect(level).toBe('info'); // the default
    r = await rig({ logger: pino({ level }, sink) });
    const app = r.app;
    const s = app.store;
    s.households.create({ id: 'h1', name: '王秀英', gridId: 'g1' }, T0);
    s.households.giveConsent('h1', { consentedBy: '本人', consentedAt: T0, scope: ['water-monitoring', 'family-status'] });
    const { token } = s.familyLinks.create({ householdId: 'h1', createdBy: 'admin', now: T0, ttlMs: 90 * 86_400_000 });

    const page = await app.http.inject({ url: `/family/${token}` });
    const status = await app.http.inject({ url: `/family/${token}/status` });
    expect(page.statusCode).toBe(200);
    expect(status.statusCode).toBe(200);
    expect(lines.length).toBeGreaterThan(0); // the log is on
    expect(lines.join('')).not.toContain(token);
    // The request lines are still there, with the token replaced.
    expect(lines.join('')).toContain('"url":"/family/<token>/status"');
    // A query string (a board search names a resident) is not written either.
    await app.http.inject({ url: `/api/households/status?q=${encodeURIComponent('王秀英')}` });
    expect(lines.join('')).toContain('"url":"/api/households/status?<query>"');
    expect(lines.join('')).not.toContain(encodeURIComponent('王秀英'));
  });
});
