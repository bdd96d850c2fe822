// README "HTTP API": "every 4xx is {"error": code, "message": "what was expected"}", codes from
// the catalogue (errors.ts API_ERRORS). A path with broken percent-encoding never reaches the
// error handler: fastify's router answers it itself with its own body, {"error":"Bad Request",
// "code":"FST_ERR_BAD_URL","message":…,"statusCode":400} — an `error` that is no API code, and
// none of the server's own headers. (frameworkErrors is the fastify option that routes it.)
// Guards the fix: server.ts frameworkErrors answers 400 bad-request saying what was expected,
// with the security headers every other answer carries.
import { afterEach, describe, expect, it } from 'vitest';
import { isApiErrorCode } from '../../src/http/errors.ts';
import { appRig, type AppRig } from '../fixtures/app-rig.ts';

let r: AppRig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('hostile API requests: malformed URLs', () => {
  it('answers a malformed percent-encoding with the API error shape', async () => {
    r = await appRig({ listen: false });
    for (const url of ['/api/households/%E0%A4%A', '/api/alerts/%ZZ']) {
      const res = await r.api('GET', url);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(Object.keys(res.body).sort(), `${url}: ${res.raw}`).toEqual(['error', 'message']);
      expect(isApiErrorCode(res.body.error), `${url}: error "${res.body.error}" is not an API error code`).toBe(true);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^expected /);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});
