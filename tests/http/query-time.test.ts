// ?since= / ?until= (GET /api/alerts, GET /api/access-log) are validated by QueryTime
// (validate.ts), whose own message is "expected epoch milliseconds or an ISO-8601 timestamp".
// Anything that is not all digits goes to Date.parse, whose legacy (non-ISO) parser accepts
// junk: "hello 2" is 1 Feb 2001, "-1" is 1 Jan 2001, "2026-01-05 10:00" is read in the server's
// own time zone. A bad request is answered 200 with a silently different filter, not a 400
// that says what was expected.
// Guards the fix: QueryTime takes epoch-ms digits or an ISO-8601 timestamp with a zone (the
// wire's rule, real calendar dates only) and answers 400 invalid-query otherwise.
import { afterEach, describe, expect, it } from 'vitest';
import { appRig, type AppRig } from '../fixtures/app-rig.ts';

let r: AppRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('hostile API requests: times in query strings', () => {
  it('answers 400 invalid-query for ?since= values that are neither epoch ms nor ISO-8601', async () => {
    r = await appRig({ listen: false });
    for (const url of ['/api/alerts?since=hello%202', '/api/alerts?since=-1', '/api/access-log?since=March%207', '/api/access-log?until=1%202', '/api/alerts?since=2026-01-05%2010:00', '/api/alerts?since=2026-02-30T00:00:00Z']) {
      const res = await r.api('GET', url);
      expect({ url, status: res.status, error: res.body?.error }).toEqual({ url, status: 400, error: 'invalid-query' });
      expect(res.body.message).toMatch(/expected epoch milliseconds or an ISO-8601 timestamp/);
    }
  });

  it('still takes epoch milliseconds and ISO-8601 with a zone', async () => {
    r = await appRig({ listen: false });
    for (const url of ['/api/alerts?since=1767598260000', '/api/alerts?since=2026-01-05T15:31:00%2B08:00', '/api/access-log?until=2026-01-05T07:31:00Z'])
      expect((await r.api('GET', url)).status, url).toBe(200);
  });
});
