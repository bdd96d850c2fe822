// Fake TencentCloud API 3.0 endpoint (sms.tencentcloudapi.com SendSms 2021-01-11, vms.tencentcloudapi.com
// SendTtsVoice 2020-09-02) that enforces the documented contract: TC3-HMAC-SHA256 recomputed from the
// received bytes and headers, the 5-minute timestamp window, required headers and fields, the app id,
// sign and templates, and the default per-number frequency limits. Errors are HTTP 200 Response.Error.
// For SMS also PullSmsSendStatusByPhoneNumber 2021-01-11 (the number's receipts in a time window:
// PhoneNumber E.164, SmsSdkAppId, BeginTime/EndTime UNIX seconds at most 7 days back, Offset 0,
// Limit 1..100), each message's receipt (ReportStatus SUCCESS, its SessionContext) available from
// `receiptAfterMs` after it was sent.
import { randomUUID } from 'node:crypto';
import { parseTc3Authorization, tc3CanonicalRequest, tc3Date, tc3Signature, tc3StringToSign } from '../../../src/notify/sign/tc3.ts';
import { safeEqual } from '../../../src/notify/sign/hash.ts';
import { startFake, type Answer, type Fake, type Received } from './server.ts';

export interface TencentFakeOptions {
  service: 'sms' | 'vms';
  secretId: string;
  secretKey: string;
  now: () => number;
  sdkAppId: string;
  signName?: string;
  /** Approved templates: id → number of {n} variables. */
  templates: Record<string, number>;
  /** Per-variable character limit (12 for individually verified accounts; Infinity for enterprises). */
  maxVariableChars?: number;
  /**
   * Per-number frequency limits. Documented defaults: one message per 30 s (FAQ "What is the default sending
   * frequency limit", https://tencentcloud.com/document/product/382/13303 — it says "same content"; the fake
   * is stricter and counts any content) and 10 per natural day (the console's default policy); the hourly
   * limit is console-configurable with no published default — 5 here is this fake's assumption.
   */
  limits?: { thirtySeconds: number; hour: number; day: number };
  blacklist?: string[];
  /** When a sent message's receipt can be pulled (default 5 s after the send). */
  receiptAfterMs?: number;
  /** Receipts echo SessionContext (an account feature Tencent switches on on request; default true here). */
  receiptSessionContext?: boolean;
}

export interface Delivered {
  phone: string;
  templateId: string;
  params: string[];
  sessionContext: string | undefined;
  at: number;
}

export interface TencentFake extends Fake {
  delivered: Delivered[];
  /** The bodies of the status queries received (PullSmsSendStatusByPhoneNumber). */
  pulls: any[];
}

const CHINA_DAY = (ms: number) => Math.floor((ms + 8 * 3_600_000) / 86_400_000);

export async function startTencentFake(o: TencentFakeOptions): Promise<TencentFake> {
  const delivered: Delivered[] = [];
  const limits = o.limits ?? { thirtySeconds: 1, hour: 5, day: 10 };
  const actions = o.service === 'sms' ? ['SendSms', 'PullSmsSendStatusByPhoneNumber'] : ['SendTtsVoice'];
  const version = o.service === 'sms' ? '2021-01-11' : '2020-09-02';
  const pulls: any[] = [];
  const err = (code: string, message: string): Answer => ({ status: 200, body: { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } } });

  function authenticate(r: Received): Answer | null {
    const h = r.headers;
    if (r.method !== 'POST') return err('InvalidParameter', 'only POST application/json is supported here');
    if (!h['content-type']?.startsWith('application/json')) return err('InvalidParameter', 'Content-Type must be application/json');
    for (const name of ['authorization', 'x-tc-action', 'x-tc-timestamp', 'x-tc-version', 'x-tc-region']) {
      if (!h[name]) return err('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
    }
    const auth = parseTc3Authorization(h.authorization!);
    if (!auth) return err('AuthFailure.SignatureFailure', 'The provided credentials could not be validated (malformed Authorization).');
    if (auth.secretId !== o.secretId) return err('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
    const ts = Number(h['x-tc-timestamp']);
    if (!Number.isInteger(ts)) return err('InvalidParameter', 'X-TC-Timestamp must be UNIX seconds');
    // "如果相差超过五分钟，签名将过期" — the fake's clock is the test's clock.
    if (Math.abs(o.now() / 1000 - ts) > 300) return err('AuthFailure.SignatureExpire', 'Signature expired. Timestamp and server time cannot differ by more than 5 minutes.');
    if (auth.service !== o.service || auth.date !== tc3Date(ts)) return err('AuthFailure.SignatureFailure', 'The credential scope does not match the service or the timestamp date.');
    if (!auth.signedHeaders.includes('content-type') || !auth.signedHeaders.includes('host')) return err('AuthFailure.SignatureFailure', 'content-type and host must be signed.');
    const signed: Record<string, string> = {};
    for (const name of auth.signedHeaders) {
      if (h[name] === undefined) return err('AuthFailure.SignatureFailure', `signed header ${name} is not in the request`);
      signed[name] = h[name]!;
    }
    const { canonicalRequest } = tc3CanonicalRequest({ method: 'POST', headers: signed, payload: r.raw });
    const expectedSig = tc3Signature(o.secretKey, ts, o.service, tc3StringToSign(ts, o.service, canonicalRequest));
    if (!safeEqual(expectedSig, auth.signature)) return err('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
    if (!actions.includes(h['x-tc-action']!)) return err('InvalidAction', `Action ${h['x-tc-action']} not found`);
    if (h['x-tc-version'] !== version) return err('NoSuchVersion', `The requested version ${h['x-tc-version']} is not supported`);
    return null;
  }

  function frequencyLimit(phone: string, now: number): string | null {
    const mine = delivered.filter((d) => d.phone === phone);
    if (mine.filter((d) => now - d.at < 30_000).length >= limits.thirtySeconds) return 'LimitExceeded.PhoneNumberThirtySecondLimit';
    if (mine.filter((d) => now - d.at < 3_600_000).length >= limits.hour) return 'LimitExceeded.PhoneNumberOneHourLimit';
    if (mine.filter((d) => CHINA_DAY(d.at) === CHINA_DAY(now)).length >= limits.day) return 'LimitExceeded.PhoneNumberDailyLimit';
    return null;
  }

  function checkTemplate(id: unknown, params: unknown): Answer | string[] {
    if (typeof id !== 'string' || !(id in o.templates)) return err('FailedOperation.TemplateIncorrectOrUnapproved', 'template is not approved or does not match');
    const values = Array.isArray(params) ? params : [];
    if (values.length !== o.templates[id] || !values.every((v) => typeof v === 'string')) return err('InvalidParameterValue.TemplateParameterFormatError', `template ${id} takes ${o.templates[id]} string variables`);
    if (values.some((v: string) => [...v].length > (o.maxVariableChars ?? Infinity))) return err('InvalidParameterValue.TemplateParameterLengthLimit', `a template variable exceeds ${o.maxVariableChars} characters`);
    return values as string[];
  }

  function sendSms(b: any): Answer {
    if (!Array.isArray(b.PhoneNumberSet) || b.PhoneNumberSet.length === 0) return err('MissingParameter.EmptyPhoneNumberSet', 'PhoneNumberSet is empty');
    if (b.SmsSdkAppId !== o.sdkAppId) return err('UnauthorizedOperation.SmsSdkAppIdVerifyFail', 'SmsSdkAppId verification failed');
    if (b.SignName !== o.signName) return err('FailedOperation.SignatureIncorrectOrUnapproved', 'signature is not approved or does not match');
    const params = checkTemplate(b.TemplateId, b.TemplateParamSet);
    if (!Array.isArray(params)) return params;
    const now = o.now();
    const SendStatusSet = b.PhoneNumberSet.map((p: unknown) => {
      const base = { SerialNo: '', PhoneNumber: String(p), Fee: 0, SessionContext: b.SessionContext ?? '', IsoCode: 'CN' };
      if (typeof p !== 'string' || !/^\+861\d{10}$/.test(p)) return { ...base, Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: 'incorrect phone number' };
      if (o.blacklist?.includes(p)) return { ...base, Code: 'FailedOperation.PhoneNumberInBlacklist', Message: 'phone number in black list' };
      const limited = frequencyLimit(p, now);
      if (limited) return { ...base, Code: limited, Message: 'frequency limit reached' };
      delivered.push({ phone: p, templateId: b.TemplateId, params, sessionContext: b.SessionContext, at: now });
      return { ...base, SerialNo: `2433:${delivered.length}`, Fee: 1, Code: 'Ok', Message: 'send success' };
    });
    return { status: 200, body: { Response: { SendStatusSet, RequestId: randomUUID() } } };
  }

  function pullStatus(b: any): Answer {
    const known = new Set(['PhoneNumber', 'SmsSdkAppId', 'BeginTime', 'EndTime', 'Offset', 'Limit']);
    const extra = Object.keys(b ?? {}).find((k) => !known.has(k));
    if (extra) return err('UnknownParameter', `The parameter \`${extra}\` is not recognized`);
    for (const k of ['PhoneNumber', 'SmsSdkAppId', 'BeginTime', 'Offset', 'Limit']) if (b[k] === undefined) return err('MissingParameter', `The request is missing a required parameter \`${k}\`.`);
    if (b.SmsSdkAppId !== o.sdkAppId) return err('UnauthorizedOperation.SmsSdkAppIdVerifyFail', 'SmsSdkAppId verification failed');
    if (typeof b.PhoneNumber !== 'string' || !/^\+\d{6,15}$/.test(b.PhoneNumber)) return err('InvalidParameterValue.IncorrectPhoneNumber', 'PhoneNumber must be E.164');
    const ints = ['BeginTime', 'Offset', 'Limit', ...(b.EndTime !== undefined ? ['EndTime'] : [])];
    if (ints.some((k) => !Number.isInteger(b[k]) || b[k] < 0)) return err('InvalidParameter', 'BeginTime, EndTime, Offset and Limit are non-negative integers');
    if (b.Limit < 1 || b.Limit > 100) return err('InvalidParameterValue', 'Limit is at most 100');
    if (b.Offset !== 0) return err('InvalidParameterValue', 'Offset must be 0');
    const nowSec = o.now() / 1000;
    if (b.BeginTime < nowSec - 7 * 86_400) return err('InvalidParameterValue', 'at most 7 days back');
    const end = b.EndTime ?? nowSec;
    pulls.push(b);
    const wait = o.receiptAfterMs ?? 5_000;
    const PullSmsSendStatusSet = delivered
      .filter((d) => d.phone === b.PhoneNumber && d.at / 1000 >= b.BeginTime && d.at / 1000 <= end && d.at + wait <= o.now())
      .slice(0, b.Limit)
      .map((d, i) => ({ UserReceiveTime: Math.floor((d.at + wait) / 1000), CountryCode: '86', SubscriberNumber: d.phone.slice(3), PhoneNumber: d.phone, SerialNo: `2433:${i + 1}`, ReportStatus: 'SUCCESS', Description: 'DELIVRD', SessionContext: o.receiptSessionContext === false ? '' : (d.sessionContext ?? '') }));
    return { status: 200, body: { Response: { PullSmsSendStatusSet, RequestId: randomUUID() } } };
  }

  function sendTtsVoice(b: any): Answer {
    if (b.VoiceSdkAppid !== o.sdkAppId) return err('UnauthorizedOperation.SdkAppIdVerifyFail', 'VoiceSdkAppid verification failed');
    if (typeof b.CalledNumber !== 'string' || !/^\+861\d{10}$/.test(b.CalledNumber)) return err('InvalidParameterValue.IncorrectPhoneNumber', 'CalledNumber must be +86 and a mainland mobile');
    if (b.PlayTimes !== undefined && (!Number.isInteger(b.PlayTimes) || b.PlayTimes < 1 || b.PlayTimes > 3)) return err('InvalidParameterValue', 'PlayTimes is 1..3');
    const params = checkTemplate(b.TemplateId, b.TemplateParamSet);
    if (!Array.isArray(params)) return params;
    const limited = frequencyLimit(b.CalledNumber, o.now());
    if (limited) return err(limited, 'frequency limit reached');
    delivered.push({ phone: b.CalledNumber, templateId: b.TemplateId, params, sessionContext: b.SessionContext, at: o.now() });
    return { status: 200, body: { Response: { SendStatus: { CallId: randomUUID(), SessionContext: b.SessionContext ?? '' }, RequestId: randomUUID() } } };
  }

  const fake = await startFake((r) => {
    const denied = authenticate(r);
    if (denied) return denied;
    let body: any;
    try {
      body = JSON.parse(r.raw.toString('utf8'));
    } catch {
      return err('FailedOperation.JsonParseFail', 'body is not JSON');
    }
    if (r.headers['x-tc-action'] === 'PullSmsSendStatusByPhoneNumber') return pullStatus(body);
    return o.service === 'sms' ? sendSms(body) : sendTtsVoice(body);
  });
  return Object.assign(fake, { delivered, pulls });
}
