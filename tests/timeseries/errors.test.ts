// Write errors by class: a real server refusing the token keeps the points (fixable by the
// operator); the classifier sorts the client's own error types as documented.
import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { classifyWriteError } from '../../src/timeseries/errors.ts';
import { createTimeseriesWriter } from '../../src/timeseries/writer.ts';
import { makeAlert, seedHousehold, T0, tempStore } from '../store/temp-store.ts';
import { vmAvailable, VictoriaMetrics } from './vm.ts';

describe('write error classes', () => {
  it.each([
    [new HttpError(401, 'Unauthorized'), 'auth'],
    [new HttpError(403, 'Forbidden'), 'auth'],
    [new HttpError(400, 'Bad Request'), 'rejected'],
    [new HttpError(422, 'Unprocessable Entity'), 'rejected'],
    [new HttpError(429, 'Too Many Requests'), 'throttled'],
    [new HttpError(503, 'Service Unavailable'), 'server'],
    [new HttpError(413, 'Request Entity Too Large'), 'other'],
    [new RequestTimedOutError(), 'timeout'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'network'],
    [new Error('something else'), 'other'],
  ])('%s → %s', (err, cls) => expect(classifyWriteError(err)).toBe(cls));
});

const run = vmAvailable();
let vm: VictoriaMetrics;
beforeAll(async () => {
  // HTTP auth on: the client's `Authorization: Token …` is refused with 401.
  if (run) vm = await VictoriaMetrics.start(['-httpAuth.username=ops', '-httpAuth.password=secret-pass']);
});
afterAll(async () => vm?.dispose());

describe.skipIf(!run)('a server that refuses the token', () => {
  it('keeps every point in the spool and counts the errors as auth', async () => {
    const { store } = tempStore();
    seedHousehold(store, 'hh-1', 'm-1');
    const metrics = createMetrics();
    const config = parseConfig({ timeseries: { url: vm.url, token: 'wrong-token', org: 'anxin', bucket: 'anxin', flushIntervalMs: 20, retryMs: 50 } }).timeseries;
    const writer = createTimeseriesWriter({ config, store, metrics, clock: () => T0, logger: pino({ level: 'silent' }), utcOffsetMinutes: 480 });
    try {
      writer.readings([{ meterId: 'm-1', ts: T0, totalLiters: 5, receivedAt: T0 }]);
      writer.alertEvent({ kind: 'opened', alert: makeAlert() });
      await writer.flush();
      expect(writer.spooled()).toBe(2);
      expect(metrics.timeseriesWriteErrors.get({ class: 'auth' })).toBeGreaterThan(0);
      expect(await writer.drain()).toBe(0); // still refused: nothing leaves the spool
      expect(writer.spooled()).toBe(2);
      expect(String(config.token)).toBe('<secret>');
    } finally {
      await writer.close();
    }
  });
});
