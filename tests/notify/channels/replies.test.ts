// Inbound SMS replies: the providers' documented callback bodies, and the URL-path secret that
// authenticates them (neither provider signs these callbacks).
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../src/config.ts';
import { ALIYUN_SMSUP_ACK, TENCENT_REPLY_ACK, isAckReply, parseAliyunSmsUp, parseTencentReply } from '../../../src/notify/channels/replies.ts';

const secret = new Secret('callback-secret-0123456789');
const headers = { 'content-type': 'application/json' };

describe('Tencent SMS reply callback', () => {
  // The documented sample body (https://cloud.tencent.com/document/product/382/5809), with a real-shaped number.
  const sample = { extend: '', mobile: '13800138000', nationcode: '86', sign: '安心社区', text: '1', time: 1457336869 };

  it('parses the documented JSON body (raw bytes or already parsed) and answers {result:0, errmsg:"OK"}', () => {
    for (const body of [JSON.stringify(sample), Buffer.from(JSON.stringify(sample)), sample]) {
      const r = parseTencentReply({ pathToken: 'callback-secret-0123456789', headers, body }, secret);
      expect(r).toEqual({ ok: true, reply: { provider: 'tencent-sms', phone: '13800138000', text: '1', at: 1457336869000, providerRef: '13800138000:1457336869' }, ack: TENCENT_REPLY_ACK });
    }
    expect(TENCENT_REPLY_ACK).toEqual({ result: 0, errmsg: 'OK' });
  });

  it('without the path secret (or with a wrong one) it is 401, whatever the body says', () => {
    expect(parseTencentReply({ pathToken: undefined, headers, body: sample }, secret)).toMatchObject({ ok: false, status: 401, error: 'unauthorized' });
    expect(parseTencentReply({ pathToken: 'callback-secret-012345678X', headers, body: sample }, secret)).toMatchObject({ ok: false, status: 401 });
  });

  it('malformed bodies are 400 with what was expected', () => {
    const p = (body: unknown) => parseTencentReply({ pathToken: 'callback-secret-0123456789', headers, body }, secret);
    expect(p('{not json')).toMatchObject({ status: 400, message: 'expected a JSON body' });
    expect(p([sample])).toMatchObject({ status: 400 });
    expect(p({ ...sample, time: '1457336869' })).toMatchObject({ status: 400, message: 'expected time: UNIX seconds' });
    expect(p({ ...sample, mobile: 13800138000 })).toMatchObject({ status: 400, message: 'expected mobile: string' });
  });

  it('a non-mainland reply keeps its country code', () => {
    const r = parseTencentReply({ pathToken: 'callback-secret-0123456789', headers, body: { ...sample, nationcode: '852', mobile: '61234567' } }, secret);
    expect(r.ok && r.reply.phone).toBe('85261234567');
  });
});

describe('Alibaba SmsUp (HTTP batch push)', () => {
  // The documented push body (https://help.aliyun.com/knowledge_detail/60127.html): a JSON array.
  const item = { phone_number: '13800138000', send_time: '2026-12-01 09:41:05', content: '1', sign_name: '安心社区', dest_code: '1234', sequence_id: 1234567890 };

  it('parses every item; send_time is China time (UTC+8); answers {code:0, msg}', () => {
    const r = parseAliyunSmsUp({ pathToken: 'callback-secret-0123456789', headers, body: JSON.stringify([item, { ...item, phone_number: '13900139000', content: '收到', sequence_id: 1234567891, send_time: '20261201094200' }]) }, secret);
    expect(r).toEqual({
      ok: true,
      replies: [
        { provider: 'aliyun-sms', phone: '13800138000', text: '1', at: Date.UTC(2026, 11, 1, 1, 41, 5), providerRef: 'seq:1234567890' },
        { provider: 'aliyun-sms', phone: '13900139000', text: '收到', at: Date.UTC(2026, 11, 1, 1, 42, 0), providerRef: 'seq:1234567891' },
      ],
      invalid: [],
      ack: ALIYUN_SMSUP_ACK,
    });
  });

  it('keeps the good items of a batch and lists the bad ones; an all-bad batch is 400', () => {
    const r = parseAliyunSmsUp({ pathToken: 'callback-secret-0123456789', headers, body: [item, { ...item, send_time: 'yesterday' }] }, secret);
    expect(r.ok && r.replies.length).toBe(1);
    expect(r.ok && r.invalid).toEqual([{ index: 1, message: 'expected send_time: "yyyy-MM-dd HH:mm:ss"' }]);
    expect(parseAliyunSmsUp({ pathToken: 'callback-secret-0123456789', headers, body: [{ content: 1 }] }, secret)).toMatchObject({ ok: false, status: 400 });
    expect(parseAliyunSmsUp({ pathToken: 'callback-secret-0123456789', headers, body: item }, secret)).toMatchObject({ ok: false, status: 400 });
  });

  it('without the path secret it is 401', () => {
    expect(parseAliyunSmsUp({ pathToken: 'guess', headers, body: [item] }, secret)).toMatchObject({ ok: false, status: 401, error: 'unauthorized' });
  });
});

describe('the acknowledgement keyword', () => {
  it('"1" with spaces, full-width digit or trailing punctuation acknowledges; anything else does not', () => {
    for (const t of ['1', ' 1 ', '１', '1。', '1!']) expect(isAckReply(t)).toBe(true);
    for (const t of ['11', '10', '0', '收到', '', '1 2']) expect(isAckReply(t)).toBe(false);
  });
});
