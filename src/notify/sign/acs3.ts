// Alibaba Cloud OpenAPI signature V3 (ACS3-HMAC-SHA256), "V3版本请求体&签名机制",
// https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature
// (English: https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature).
// Every step is exported so the contract fake recomputes the signature from the bytes it received.
import { hmacSha256, sha256Hex } from './hash.ts';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/**
 * RFC 3986 encoding as the doc specifies: A–Z a–z 0–9 - _ . ~ unencoded, everything else %XX in UTF-8;
 * space → %20, '*' → %2A, '~' stays (the doc's table of the three URLEncoder fix-ups).
 */
export function acs3Encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** CanonicalQueryString: parameters sorted by name, name and value encoded, joined by '&' ("没有值的参数使用空字符串"). */
export function acs3CanonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${acs3Encode(k)}=${acs3Encode(params[k]!)}`)
    .join('&');
}

/**
 * CanonicalHeaders: the request's x-acs-*, host and content-type headers, names lower-cased and sorted,
 * values trimmed (values are NOT lower-cased, unlike Tencent's TC3).
 */
export function acs3CanonicalRequest(input: {
  method: string;
  /** RPC-style APIs (SendSms) use "/" (doc: "RPC风格API使用正斜杠(/)作为CanonicalURI"). */
  path?: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  hashedPayload: string;
}): { canonicalRequest: string; signedHeaders: string } {
  const entries = Object.entries(input.headers)
    .map(([k, v]) => [k.trim().toLowerCase(), v.trim()] as const)
    .filter(([k]) => k.startsWith('x-acs-') || k === 'host' || k === 'content-type')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = entries.map(([k, v]) => `${k}:${v}\n`).join('');
  const signedHeaders = entries.map(([k]) => k).join(';');
  const canonicalRequest = [input.method.toUpperCase(), input.path ?? '/', acs3CanonicalQuery(input.query), canonicalHeaders, signedHeaders, input.hashedPayload].join('\n');
  return { canonicalRequest, signedHeaders };
}

/** StringToSign = "ACS3-HMAC-SHA256\n" + hex(sha256(CanonicalRequest)); Signature = hex(HMAC-SHA256(secret, StringToSign)). */
export function acs3Signature(accessKeySecret: string, canonicalRequest: string): string {
  return hmacSha256(accessKeySecret, `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`).toString('hex');
}

export interface Acs3Request {
  accessKeyId: string;
  accessKeySecret: string;
  method: 'POST' | 'GET';
  host: string;
  action: string;
  version: string;
  query: Record<string, string>;
  body: string;
  /** ISO 8601 UTC, seconds precision: "2018-01-01T12:00:00Z" (x-acs-date; must be within 15 minutes of the server's clock). */
  date: string;
  /** Unique per request (x-acs-signature-nonce: "防止网络重放攻击"). */
  nonce: string;
  contentType?: string;
}

/** The headers to send (all of them signed, as the doc requires: "除Authorization外的所有公共请求头…都必须被加入签名"). */
export function signAcs3(req: Acs3Request): Record<string, string> {
  const hashedPayload = sha256Hex(req.body);
  const headers: Record<string, string> = {
    host: req.host,
    'x-acs-action': req.action,
    'x-acs-content-sha256': hashedPayload,
    'x-acs-date': req.date,
    'x-acs-signature-nonce': req.nonce,
    'x-acs-version': req.version,
  };
  if (req.contentType) headers['content-type'] = req.contentType;
  const { canonicalRequest, signedHeaders } = acs3CanonicalRequest({ method: req.method, query: req.query, headers, hashedPayload });
  const signature = acs3Signature(req.accessKeySecret, canonicalRequest);
  return { ...headers, Authorization: `${ACS3_ALGORITHM} Credential=${req.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}` };
}

/** x-acs-date format: UTC, no milliseconds. */
export function acs3Date(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function parseAcs3Authorization(value: string): { accessKeyId: string; signedHeaders: string[]; signature: string } | null {
  const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([a-z0-9;-]+),Signature=([0-9a-f]{64})$/.exec(value);
  if (!m) return null;
  return { accessKeyId: m[1]!, signedHeaders: m[2]!.split(';'), signature: m[3]! };
}
