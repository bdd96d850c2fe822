// The Official Account access token, fetched, cached and refreshed centrally — 获取 Access token,
// https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html:
// GET /cgi-bin/token?grant_type=client_credential&appid=APPID&secret=APPSECRET → {access_token, expires_in}.
// The doc asks for one central holder: every fetch invalidates the previous token (after a short overlap),
// so concurrent callers share one in-flight fetch and a stale token is only dropped by whoever saw it fail.
import type { Secret } from '../../config.ts';
import type { SendResult } from '../types.ts';
import { fail, httpCall, joinUrl, parseJson } from './http.ts';

export type TokenResult = { ok: true; token: string } | Extract<SendResult, { ok: false }>;

export interface WechatTokenCache {
  get(signal: AbortSignal): Promise<TokenResult>;
  /** The API rejected `token` (40001/42001/40014): forget it unless a newer one has already replaced it. */
  invalidate(token: string): void;
  /** How many times the token endpoint was called (observability and tests). */
  readonly fetchCount: number;
}

export interface WechatTokenOptions {
  appId: string;
  appSecret: Secret;
  baseUrl: string;
  timeoutMs: number;
  now: () => number;
  /** Refresh this long before expires_in runs out (the doc: the token is valid 7200 s, refresh ahead of time). */
  refreshMarginMs: number;
}

export function createWechatTokenCache(o: WechatTokenOptions): WechatTokenCache {
  let cached: { token: string; expiresAt: number } | null = null;
  let inflight: Promise<TokenResult> | null = null;
  let fetchCount = 0;

  async function fetchToken(): Promise<TokenResult> {
    fetchCount++;
    const url = `${joinUrl(o.baseUrl, '/cgi-bin/token')}?grant_type=client_credential&appid=${encodeURIComponent(o.appId)}&secret=${encodeURIComponent(o.appSecret.reveal())}`;
    // Its own timeout only: one caller giving up must not fail the fetch the others are waiting on.
    const out = await httpCall({ method: 'GET', url }, new AbortController().signal, o.timeoutMs);
    if (!out.ok) return out.failure;
    const parsed = parseJson(out);
    if (!parsed.ok) return parsed.failure;
    const j = parsed.json;
    if (typeof j?.access_token === 'string' && j.access_token !== '') {
      const ttl = Number(j.expires_in) > 0 ? Number(j.expires_in) * 1000 : 7_200_000;
      cached = { token: j.access_token, expiresAt: o.now() + ttl };
      return { ok: true, token: j.access_token };
    }
    const code = Number(j?.errcode);
    // -1 system busy and 45009 (token quota) are transient; 40001/40013/40125 (bad AppID/AppSecret), 40164 (IP whitelist) are not.
    if (code === -1) return fail(true, 'token:-1', String(j?.errmsg ?? ''), 1_000);
    if (code === 45009) return fail(true, 'token:45009', String(j?.errmsg ?? ''), 3_600_000);
    return fail(false, `token:${Number.isFinite(code) ? code : 'bad-response'}`, String(j?.errmsg ?? 'token endpoint answered without access_token'));
  }

  return {
    get fetchCount() {
      return fetchCount;
    },
    async get(signal) {
      if (cached && o.now() < cached.expiresAt - o.refreshMarginMs) return { ok: true, token: cached.token };
      inflight ??= fetchToken().finally(() => {
        inflight = null;
      });
      return raceAbort(inflight, signal);
    },
    invalidate(token) {
      if (cached?.token === token) cached = null;
    },
  };
}

function raceAbort(p: Promise<TokenResult>, signal: AbortSignal): Promise<TokenResult> {
  if (signal.aborted) return Promise.resolve(fail(true, 'timeout', 'aborted while waiting for the access token'));
  return new Promise((resolve) => {
    const onAbort = () => resolve(fail(true, 'timeout', 'aborted while waiting for the access token'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then((r) => {
      signal.removeEventListener('abort', onAbort);
      resolve(r);
    });
  });
}
