// Fake dysmsapi.aliyuncs.com (SendSms 2017-05-25) enforcing the documented contract: ACS3-HMAC-SHA256
// recomputed from the received method, path, query, headers and body bytes; x-acs-content-sha256 equal
// to the body's hash; x-acs-date within 15 minutes; each nonce used once. Gateway errors are HTTP 4xx
// {Code, Message, RequestId}; SendSms business errors are HTTP 200 with Code isv.* (OK on success).
// QuerySendDetails (same signature): PhoneNumber, SendDate yyyyMMdd (China day, 30 days back),
// PageSize 1..50, CurrentPage ≥ 1, BizId optional; each record echoes OutId, SendStatus 1 (waiting
// for the receipt) then 3 (delivered) after `receiptAfterMs`.
import { randomUUID } from 'node:crypto';
import { acs3CanonicalRequest, acs3Signature, parseAcs3Authorization } from '../../../src/notify/sign/acs3.ts';
import { safeEqual, sha256Hex } from '../../../src/notify/sign/hash.ts';
import { startFake, type Answer, type Fake, type Received } from './server.ts';

export interface AliyunFakeOptions {
  accessKeyId: string;
  accessKeySecret: string;
  now: () => number;
  signName: string;
  /** Approved templates: code → variable names (${name}). */
  templates: Record<string, string[]>;
  /** Per number + sign + template (notification default: 50 per rolling 24 h; minute/hour unlimited unless set). */
  limits?: { minute?: number; hour?: number; day?: number };
  receiptAfterMs?: number;
}

export interface AliyunDelivered {
  phone: string;
  templateCode: string;
  params: Record<string, string>;
  outId: string | undefined;
  at: number;
}

export interface AliyunFake extends Fake {
  delivered: AliyunDelivered[];
  /** The QuerySendDetails parameters received. */
  queries: Record<string, string>[];
}

export async function startAliyunFake(o: AliyunFakeOptions): Promise<AliyunFake> {
  const delivered: AliyunDelivered[] = [];
  const nonces = new Set<string>();
  const limits = { minute: Infinity, hour: Infinity, day: 50, ...o.limits };
  const gw = (status: number, code: string, message: string): Answer => ({ status, body: { RequestId: randomUUID(), HostId: 'dysmsapi.aliyuncs.com', Code: code, Message: message } });
  const biz = (code: string, message: string): Answer => ({ status: 200, body: { RequestId: randomUUID(), Code: code, Message: message } });

  function authenticate(r: Received): Answer | null {
    const h = r.headers;
    for (const name of ['authorization', 'host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) {
      if (!h[name]) return gw(400, 'MissingParameter', `required header ${name} is missing`);
    }
    const auth = parseAcs3Authorization(h.authorization!);
    if (!auth) return gw(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
    if (auth.accessKeyId !== o.accessKeyId) return gw(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    const date = Date.parse(h['x-acs-date']!);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(h['x-acs-date']!) || !Number.isFinite(date)) return gw(400, 'InvalidTimeStamp.Format', 'x-acs-date must be yyyy-MM-ddTHH:mm:ssZ');
    if (Math.abs(o.now() - date) > 15 * 60_000) return gw(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    if (sha256Hex(r.raw) !== h['x-acs-content-sha256']) return gw(400, 'SignatureDoesNotMatch', 'x-acs-content-sha256 does not match the body received.');
    // Every x-acs-*, host and content-type header present must be signed ("都必须被加入签名").
    const mustSign = Object.keys(h).filter((k) => k.startsWith('x-acs-') || k === 'host' || k === 'content-type');
    if (mustSign.some((k) => !auth.signedHeaders.includes(k))) return gw(400, 'IncompleteSignature', 'a required header is not signed');
    const signed: Record<string, string> = {};
    for (const k of auth.signedHeaders) {
      if (h[k] === undefined) return gw(400, 'IncompleteSignature', `signed header ${k} is not in the request`);
      signed[k] = h[k]!;
    }
    const query: Record<string, string> = {};
    for (const [k, v] of r.url.searchParams) query[k] = v;
    const { canonicalRequest } = acs3CanonicalRequest({ method: r.method, path: r.url.pathname, query, headers: signed, hashedPayload: h['x-acs-content-sha256']! });
    if (!safeEqual(acs3Signature(o.accessKeySecret, canonicalRequest), auth.signature)) return gw(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
    const nonce = h['x-acs-signature-nonce']!;
    if (nonces.has(nonce)) return gw(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    nonces.add(nonce);
    if (h['x-acs-action'] !== 'SendSms' && h['x-acs-action'] !== 'QuerySendDetails') return gw(404, 'InvalidAction.NotFound', 'Specified api is not found.');
    if (h['x-acs-version'] !== '2017-05-25') return gw(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    return null;
  }

  function sendSms(q: URLSearchParams): Answer {
    const phone = q.get('PhoneNumbers');
    if (!phone) return gw(400, 'MissingPhoneNumbers', 'PhoneNumbers is mandatory for this action.');
    if (!/^(1\d{10}|[2-9]\d{6,14})$/.test(phone)) return biz('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
    if (q.get('SignName') !== o.signName) return biz('isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名');
    const code = q.get('TemplateCode') ?? '';
    const vars = o.templates[code];
    if (!vars) return biz('isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板');
    let params: Record<string, unknown>;
    try {
      params = JSON.parse(q.get('TemplateParam') ?? '{}');
    } catch {
      return biz('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
    }
    if (Object.values(params).some((v) => typeof v !== 'string')) return biz('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
    if (vars.some((v) => params[v] === undefined)) return biz('isv.TEMPLATE_MISSING_PARAMETERS', '模板变量缺少对应参数值');
    if (Object.values(params).some((v) => [...(v as string)].length > 35)) return biz('isv.PARAM_LENGTH_LIMIT', '参数超出长度限限制');
    const now = o.now();
    const mine = delivered.filter((d) => d.phone === phone && d.templateCode === code);
    if (mine.filter((d) => now - d.at < 60_000).length >= limits.minute) return biz('isv.BUSINESS_LIMIT_CONTROL', `触发分钟级流控Permits:${limits.minute}`);
    if (mine.filter((d) => now - d.at < 3_600_000).length >= limits.hour) return biz('isv.BUSINESS_LIMIT_CONTROL', `触发小时级流控Permits:${limits.hour}`);
    if (mine.filter((d) => now - d.at < 86_400_000).length >= limits.day) return biz('isv.BUSINESS_LIMIT_CONTROL', `触发天级流控Permits:${limits.day}`);
    delivered.push({ phone, templateCode: code, params: params as Record<string, string>, outId: q.get('OutId') ?? undefined, at: now });
    return { status: 200, body: { RequestId: randomUUID(), Code: 'OK', Message: 'OK', BizId: `900619746936498440^${delivered.length}` } };
  }

  function querySendDetails(q: URLSearchParams): Answer {
    const known = new Set(['PhoneNumber', 'SendDate', 'PageSize', 'CurrentPage', 'BizId']);
    const extra = [...q.keys()].find((k) => !known.has(k));
    if (extra) return gw(400, 'InvalidParameter', `unknown parameter ${extra}`);
    const phone = q.get('PhoneNumber');
    if (!phone) return gw(400, 'MissingPhoneNumber', 'PhoneNumber is mandatory for this action.');
    const date = q.get('SendDate') ?? '';
    if (!/^\d{8}$/.test(date)) return gw(400, 'MissingSendDate', 'SendDate is mandatory for this action (yyyyMMdd).');
    const day = Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}T00:00:00+08:00`);
    if (!Number.isFinite(day) || day < o.now() - 31 * 86_400_000) return biz('isv.INVALID_PARAMETERS', 'SendDate: the last 30 days only');
    const size = Number(q.get('PageSize'));
    const page = Number(q.get('CurrentPage') ?? '1');
    if (!Number.isInteger(size) || size < 1 || size > 50) return biz('isv.INVALID_PARAMETERS', 'PageSize is 1..50');
    if (!Number.isInteger(page) || page < 1) return biz('isv.INVALID_PARAMETERS', 'CurrentPage is 1 or more');
    queries.push(Object.fromEntries(q));
    const wait = o.receiptAfterMs ?? 5_000;
    const bizId = q.get('BizId');
    const all = delivered
      .map((d, i) => ({ d, bizId: `900619746936498440^${i + 1}` }))
      .filter(({ d, bizId: b }) => d.phone === phone && d.at >= day && d.at < day + 86_400_000 && (bizId === null || b === bizId));
    const SmsSendDetailDTO = all.slice((page - 1) * size, page * size).map(({ d }) => ({
      PhoneNum: d.phone, SendStatus: d.at + wait <= o.now() ? 3 : 1, ErrCode: 'DELIVERED', TemplateCode: d.templateCode, Content: '', SendDate: new Date(d.at + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' '),
      ReceiveDate: d.at + wait <= o.now() ? new Date(d.at + wait + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ') : '', OutId: d.outId ?? '',
    }));
    return { status: 200, body: { RequestId: randomUUID(), Code: 'OK', Message: 'OK', TotalCount: all.length, SmsSendDetailDTOs: { SmsSendDetailDTO } } };
  }

  const queries: Record<string, string>[] = [];
  const fake = await startFake((r) => authenticate(r) ?? (r.headers['x-acs-action'] === 'QuerySendDetails' ? querySendDetails(r.url.searchParams) : sendSms(r.url.searchParams)));
  return Object.assign(fake, { delivered, queries });
}
