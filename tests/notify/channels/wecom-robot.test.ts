// Contract tests: WeCom group robot markdown messages against a local fake enforcing the documented limits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWecomRobot } from '../../../src/notify/channels/wecom-robot.ts';
import { startWecomFake, type WecomFake } from '../fakes/wecom.ts';
import { manualClock } from '../fakes/server.ts';
import { T0, live, message } from './helpers.ts';

let clock: ReturnType<typeof manualClock>;
let fake: WecomFake;
const robot = () => createWecomRobot({ baseUrl: fake.url, timeoutMs: 5_000 });
const md = (over = {}) => message({ channel: 'wecom', idempotencyKey: 'alert-17:rung-1:grid-3:wecom', text: '### 安心告警\n**幸福小区3-201** 07:10 后未用水\n> 请网格员上门查看', ...over });

beforeEach(async () => {
  clock = manualClock(T0);
  fake = await startWecomFake({ keys: ['robot-key-1'], now: clock.now });
});
afterEach(() => fake.close());

describe('WeCom group robot', () => {
  it('posts the rendered text as a markdown message to the recipient robot', async () => {
    expect(await robot().send(md(), live())).toEqual({ ok: true });
    expect(fake.delivered).toEqual([{ key: 'robot-key-1', content: '### 安心告警\n**幸福小区3-201** 07:10 后未用水\n> 请网格员上门查看', at: T0 }]);
  });

  it('20 messages per minute per robot: the 21st is 45009, retryable after the minute', async () => {
    const r = robot();
    for (let i = 0; i < 20; i++) expect((await r.send(md(), live())).ok).toBe(true);
    expect(await r.send(md(), live())).toEqual({ ok: false, retryable: true, code: '45009', message: 'api freq out of limit', retryAfterMs: 60_000 });
    clock.advance(60_000);
    expect((await r.send(md(), live())).ok).toBe(true);
  });

  it('an unknown key is 93000, not retryable; a recipient without a key never reaches WeCom', async () => {
    expect(await robot().send(md({ to: { id: 'g', wecomKey: 'revoked' } }), live())).toMatchObject({ ok: false, retryable: false, code: '93000' });
    expect(await robot().send(md({ to: { id: 'g' } }), live())).toMatchObject({ ok: false, retryable: false, code: 'no-wecom-key' });
    expect(fake.requests).toHaveLength(1);
  });

  it('the 4096-byte markdown limit counts UTF-8 bytes: 1366 Chinese characters (4098 bytes) are refused before sending; the fake enforces it too', async () => {
    expect(await robot().send(md({ text: '水'.repeat(1366) }), live())).toMatchObject({ ok: false, retryable: false, code: '40058' });
    expect(fake.requests).toHaveLength(0);
    expect((await robot().send(md({ text: '水'.repeat(1365) }), live())).ok).toBe(true);
    const raw = await fetch(`${fake.url}/cgi-bin/webhook/send?key=robot-key-1`, { method: 'POST', body: JSON.stringify({ msgtype: 'markdown', markdown: { content: '水'.repeat(1366) } }) });
    expect(await raw.json()).toEqual({ errcode: 40058, errmsg: 'markdown.content exceed max length 4096' });
  });

  it('errcode -1 (system busy) and 5xx are retryable; a hang ends on abort as a retryable timeout', async () => {
    fake.override({ kind: 'json', body: { errcode: -1, errmsg: 'system busy' } });
    expect(await robot().send(md(), live())).toMatchObject({ ok: false, retryable: true, code: '-1' });
    fake.override({ kind: 'status', status: 502 });
    expect(await robot().send(md(), live())).toMatchObject({ ok: false, retryable: true, code: 'http-502' });
    fake.override({ kind: 'hang' });
    const ac = new AbortController();
    const pending = robot().send(md(), ac.signal);
    await fake.arrived(3);
    ac.abort();
    expect(await pending).toMatchObject({ ok: false, retryable: true, code: 'timeout' });
  });
});
