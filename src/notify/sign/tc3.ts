// Tencent Cloud API 3.0 signature v3 (TC3-HMAC-SHA256), step by step as the provider documents it:
// "签名方法 v3", https://cloud.tencent.com/document/api/362/4208 (English: "Signature v3",
// https://www.tencentcloud.com/document/product/1154/48911; the same page exists under every product).
// Every step is exported so the contract fakes recompute the signature from the bytes they received.
import { hmacSha256, sha256Hex } from './hash.ts';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

/** "Date 必须从时间戳 X-TC-Timestamp 计算得到，且时区为 UTC+0" (doc, step 2 note 1). */
export function tc3Date(timestampSec: number): string {
  return new Date(timestampSec * 1000).toISOString().slice(0, 10);
}

/**
 * Step 1, CanonicalRequest. Header keys lower-cased, values trimmed and lower-cased, sorted by key
 * ("头部 key 和 value 统一转成小写，并去掉首尾的空格 … 按照头部 key（小写）的 ASCII 升序进行拼接").
 */
export function tc3CanonicalRequest(input: {
  method: 'POST' | 'GET';
  /** For POST always "" (doc: "对于 POST 请求，固定为空字符串"). */
  canonicalQuery?: string;
  headers: Record<string, string>;
  payload: string | Uint8Array;
}): { canonicalRequest: string; signedHeaders: string; hashedPayload: string } {
  const entries = Object.entries(input.headers)
    .map(([k, v]) => [k.trim().toLowerCase(), v.trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = entries.map(([k, v]) => `${k}:${v}\n`).join('');
  const signedHeaders = entries.map(([k]) => k).join(';');
  const hashedPayload = sha256Hex(input.payload);
  const canonicalRequest = [input.method, '/', input.canonicalQuery ?? '', canonicalHeaders, signedHeaders, hashedPayload].join('\n');
  return { canonicalRequest, signedHeaders, hashedPayload };
}

/** Step 2, StringToSign = Algorithm \n RequestTimestamp \n CredentialScope \n HashedCanonicalRequest. */
export function tc3StringToSign(timestampSec: number, service: string, canonicalRequest: string): string {
  return [TC3_ALGORITHM, String(timestampSec), `${tc3Date(timestampSec)}/${service}/tc3_request`, sha256Hex(canonicalRequest)].join('\n');
}

/** Step 3: SecretDate = HMAC("TC3"+SecretKey, Date); SecretService; SecretSigning; hex(HMAC(SecretSigning, StringToSign)). */
export function tc3Signature(secretKey: string, timestampSec: number, service: string, stringToSign: string): string {
  const secretDate = hmacSha256(`TC3${secretKey}`, tc3Date(timestampSec));
  const secretService = hmacSha256(secretDate, service);
  const secretSigning = hmacSha256(secretService, 'tc3_request');
  return hmacSha256(secretSigning, stringToSign).toString('hex');
}

/** Step 4: "TC3-HMAC-SHA256 Credential=SecretId/CredentialScope, SignedHeaders=…, Signature=…". */
export function tc3Authorization(secretId: string, timestampSec: number, service: string, signedHeaders: string, signature: string): string {
  return `${TC3_ALGORITHM} Credential=${secretId}/${tc3Date(timestampSec)}/${service}/tc3_request, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

export interface Tc3Request {
  secretId: string;
  secretKey: string;
  /** Product name, matching the host: 'sms', 'vms', 'cvm'. */
  service: string;
  host: string;
  action: string;
  version: string;
  region?: string;
  timestampSec: number;
  /** The exact JSON bytes that will be sent. */
  payload: string;
}

export const TC3_CONTENT_TYPE = 'application/json; charset=utf-8';

/** All headers for a POST application/json call; the action is signed too (x-tc-action), as the SDKs do. */
export function signTc3(req: Tc3Request): Record<string, string> {
  const signed = { 'content-type': TC3_CONTENT_TYPE, host: req.host, 'x-tc-action': req.action };
  const { canonicalRequest, signedHeaders } = tc3CanonicalRequest({ method: 'POST', headers: signed, payload: req.payload });
  const sts = tc3StringToSign(req.timestampSec, req.service, canonicalRequest);
  const signature = tc3Signature(req.secretKey, req.timestampSec, req.service, sts);
  const headers: Record<string, string> = {
    Authorization: tc3Authorization(req.secretId, req.timestampSec, req.service, signedHeaders, signature),
    'Content-Type': TC3_CONTENT_TYPE,
    Host: req.host,
    'X-TC-Action': req.action,
    'X-TC-Timestamp': String(req.timestampSec),
    'X-TC-Version': req.version,
  };
  if (req.region) headers['X-TC-Region'] = req.region;
  return headers;
}

/** Parse "TC3-HMAC-SHA256 Credential=…/date/service/tc3_request, SignedHeaders=a;b, Signature=hex". */
export function parseTc3Authorization(value: string): { secretId: string; date: string; service: string; signedHeaders: string[]; signature: string } | null {
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9-]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(value);
  if (!m) return null;
  return { secretId: m[1]!, date: m[2]!, service: m[3]!, signedHeaders: m[4]!.split(';'), signature: m[5]! };
}
