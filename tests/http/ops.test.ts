// The operational endpoints: /health, /metrics, dead letters, and operator auth.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { T0 } from '../store/temp-store.ts';
import { harness } from './harness.ts';

describe('GET /health', () => {
  it('reports ok with uptime from the injected clock and extra facts', async () => {
    const { app, clock } = harness({ health: () => ({ broker: 'listening', clients: 3 }) });
    clock.now = T0 + 90_500;
    const res = await app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', uptimeS: 90, store: 'ok', broker: 'listening', clients: 3 });
  });

  it('answers 503 degraded when a dependency says so', async () => {
    const { app } = harness({ health: () => ({ ok: false, broker: 'down' }) });
    const res = await app.inject({ url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', broker: 'down' });
  });
});

describe('GET /metrics', () => {
  it('renders the registry in Prometheus text format', async () => {
    const { app, metrics } = harness();
    metrics.readingsAccepted.inc();
    metrics.readingsAccepted.inc(undefined, 2);
    metrics.readingsRejected.inc({ reason: 'invalid-payload' });
    metrics.alertsOpened.inc({ type: 'no-usage' });
    metrics.alertsActive.set({ type: 'leak' }, 2);
    metrics.metersConnected.set({}, 17);
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = res.body.split('\n');
    for (const expected of [
      '# HELP anxin_readings_accepted_total Readings accepted by the detector.',
      '# TYPE anxin_readings_accepted_total counter',
      'anxin_readings_accepted_total 3',
      'anxin_readings_rejected_total{reason="invalid-payload"} 1',
      'anxin_readings_duplicate_total 0',
      'anxin_alerts_opened_total{type="no-usage"} 1',
      'anxin_alerts_opened_total{type="surge"} 0',
      '# TYPE anxin_alerts_active gauge',
      'anxin_alerts_active{type="leak"} 2',
      'anxin_meters_connected 17',
      'anxin_dead_letters_total 0',
    ]) {
      expect(lines).toContain(expected);
    }
    expect(res.body.endsWith('\n')).toBe(true);
  });
});

describe('GET /api/dead-letters', () => {
  it('lists newest first with paging and a meter filter', async () => {
    const { app, store } = harness();
    for (let i = 0; i < 3; i++) {
      store.deadLetters.add({ topic: `meters/m-${i % 2}/reading`, meterId: `m-${i % 2}`, payload: `bad ${i}`, reason: 'invalid JSON', receivedAt: T0 + i });
    }
    const page = (await app.inject({ url: '/api/dead-letters?limit=2' })).json();
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(page.items.map((d: { payload: string }) => d.payload)).toEqual(['bad 2', 'bad 1']);
    const m1 = (await app.inject({ url: '/api/dead-letters?meterId=m-1' })).json();
    expect(m1).toMatchObject({ total: 1, items: [{ meterId: 'm-1', payload: 'bad 1', truncated: false, reason: 'invalid JSON', receivedAt: T0 + 1 }] });
    expect((await app.inject({ url: '/api/dead-letters?offset=-1' })).json().error).toBe('invalid-query');
  });
});

describe('operator auth', () => {
  const apiToken = 'op-token-s3cret-value';

  it.each([
    ['no header', undefined, 401],
    ['wrong token', 'Bearer nope', 401],
    ['wrong scheme', `Basic ${apiToken}`, 401],
    ['right token', `Bearer ${apiToken}`, 200],
    ['scheme in lower case', `bearer ${apiToken}`, 200],
  ])('/api/* with %s → %i', async (_case, authorization, status) => {
    const { app } = harness({ apiToken });
    const res = await app.inject({ url: '/api/alerts', headers: authorization ? { authorization } : {} });
    expect(res.statusCode).toBe(status);
    if (status === 401) {
      expect(res.json()).toEqual({ error: 'unauthorized', message: expect.stringContaining('"Authorization: Bearer <operator token>"') });
    }
  });

  it('leaves /health and /metrics open and never logs the token', async () => {
    const logged: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (logged.push(String(chunk)), done()) });
    const { app } = harness({ apiToken, logger: pino({ level: 'trace' }, sink) });
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(200);
    await app.inject({ url: '/api/households', headers: { authorization: `Bearer ${apiToken}` } });
    await app.inject({ url: '/api/households', headers: { authorization: 'Bearer wrong' } });
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('')).not.toContain(apiToken);
  });
});

describe('unknown routes', () => {
  it('answer a coded 404', async () => {
    const { app } = harness();
    const res = await app.inject({ url: '/api/nothing?x=1' });
    expect(res.json()).toEqual({ error: 'not-found', message: 'no route GET /api/nothing' });
  });
});
