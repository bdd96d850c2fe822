// Acknowledgement without an app, and what was sent:
//  - GET /a/:token  the alert behind a signed link (zh-CN first, minimal HTML, no login: the signed
//    token is the credential), with a one-tap button that POSTs, so link previews cannot acknowledge;
//  - POST /a/:token acknowledges (or, for the elder's own check-in, records that she is fine);
//  - POST /callbacks/sms/{tencent,aliyun}/:token  the providers' SMS-reply callbacks ("1" = 平安/已知晓);
//  - GET /api/alerts/:id/notifications  every notification of an alert with its attempts (phones masked).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HOUSEHOLD_ROLES, requireRole } from '../auth/principal.ts';
import { visibleAlert } from '../auth/scope.ts';
import { z } from 'zod';
import type { Secret } from '../../config.ts';
import { maskName, type Contact } from '../../domain/household.ts';
import { GROUP_PREFIX } from '../../notify/service.ts';
import type { Alert } from '../../domain/alert.ts';
import { clockText } from '../../alerting/quiet-hours.ts';
import type { Store } from '../../store/index.ts';
import type { Acks } from '../../notify/acks.ts';
import type { LinkSigner } from '../../notify/links.ts';
import { recipientLabel } from '../../notify/dispatcher.ts';
import { handleSmsReply } from '../../notify/replies.ts';
import type { Recipient } from '../../notify/types.ts';
import { parseAliyunSmsUp, parseTencentReply, type CallbackRejection, type InboundReply } from '../../notify/channels/replies.ts';
import { hmacSha256 } from '../../notify/sign/hash.ts';
import { ApiError } from '../errors.ts';
import { parse } from '../validate.ts';

export interface NotifyHttpDeps {
  store: Store;
  clock: () => number;
  links: LinkSigner;
  /** How long a link stays valid after its message was queued. */
  linkTtlMs: number;
  acks: Acks;
  offsetMin: () => number;
  replyKeywords: readonly string[];
  /** The secret path segment of the SMS-reply callback URLs; unset = callbacks not mounted. */
  replyToken?: Secret;
  onReply?: (outcome: ReturnType<typeof handleSmsReply>) => void;
}

const TYPE_ZH: Record<Alert['type'], string> = { 'no-usage': '长时间未用水', surge: '用水异常大量', leak: '疑似漏水', offline: '水表离线', 'data-fault': '水表数据异常', 'battery-low': '水表电量低' };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex')
    .send(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
        `<title>${esc(title)}</title><style>body{font:17px/1.5 system-ui,sans-serif;max-width:32em;margin:1.5em auto;padding:0 1em}` +
        `button{font-size:1.2em;padding:.7em 1.4em;border-radius:.4em;border:0;background:#0a7d3b;color:#fff;width:100%}.en{color:#666;font-size:.9em}</style></head>` +
        `<body><h1>安心 Anxin</h1>${body}</body></html>`,
    );
}

const Token = z.strictObject({ token: z.string().min(1).max(80) });

export function notifyRoutes(app: FastifyInstance, d: NotifyHttpDeps): void {
  const { store } = d;

  // The button posts an empty form; an urlencoded body is accepted (and ignored) in this scope only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  function resolveToken(token: string, reply: FastifyReply) {
    const invalid = () => ({ done: page(reply, 404, '链接无效', '<p>链接无效。</p><p class="en">This link is not valid.</p>') });
    const v = d.links.verify(token);
    if (!v.ok) return invalid();
    const row = store.outbox.get(v.notificationId);
    const alert = row && store.alerts.get(row.alertId);
    // A grid's WeCom group is no stored contact: whoever taps its link acknowledges for the group.
    const contact: Contact | undefined =
      row && (row.contactId.startsWith(GROUP_PREFIX) ? { id: row.contactId, householdId: '', name: `网格群 ${row.contactId.slice(GROUP_PREFIX.length)}`, role: 'grid-worker' } : store.contacts.get(row.contactId));
    if (!row || !alert) return invalid();
    // Consent withdrawn (PIPL Art. 15: processing, showing included, stops): the link is dead like
    // a revoked family link — during the erasure grace period too — for GET and POST alike.
    const householdId = store.meters.householdOf(alert.meterId);
    if (householdId !== undefined && store.households.get(householdId)?.consent?.withdrawnAt !== undefined) return invalid();
    // A link lives as long as its message: linkTtlHours after it was queued.
    if (d.clock() >= row.createdAt + d.linkTtlMs) return { done: page(reply, 410, '链接已过期', '<p>此链接已过期，请联系社区网格员。</p><p class="en">This link has expired.</p>') };
    return { row, alert, contact };
  }

  function describe(alert: Alert): string {
    const off = d.offsetMin();
    const hh = store.households.get(store.meters.householdOf(alert.meterId) ?? '');
    return (
      `<p><b>${esc(TYPE_ZH[alert.type])}</b> · ${esc(hh ? maskName(hh.name) : alert.meterId)} · 自 ${clockText(alert.observedAt, off)} 起</p>` +
      `<p>${esc(alert.reason.zh)}</p><p class="en">${esc(alert.reason.en)}</p>`
    );
  }

  function settledText(alert: Alert): string | undefined {
    const off = d.offsetMin();
    if (alert.status === 'acknowledged')
      return `<p>该提醒已由 ${esc(maskName(alert.acknowledgedBy ?? ''))} 于 ${clockText(alert.acknowledgedAt ?? 0, off)} 确认，无需再次操作。</p><p class="en">Already acknowledged at ${clockText(alert.acknowledgedAt ?? 0, off)}.</p>`;
    if (alert.status === 'resolved')
      return `<p>该提醒已于 ${clockText(alert.resolvedAt ?? 0, off)} 解除${alert.outcome === 'elder-fine' ? '（老人已回复平安）' : ''}。</p><p class="en">Already resolved at ${clockText(alert.resolvedAt ?? 0, off)}.</p>`;
    return undefined;
  }

  // The token in these URLs is a credential: fastify's per-request info logs (which print the
  // URL) are off for these routes; warnings and errors still log.
  const quiet = { logLevel: 'warn' as const };

  /** PIPL access log: a link's page shows a resident's (masked) name and the alert's reason; the
   *  actor is the link's message (never its token), the contact it was sent to when known. */
  function logAccess(req: FastifyRequest, r: { row: { id: number; contactId: string }; alert: Alert }, action: 'ack-link-view' | 'ack-link-answer', status: number) {
    const ua = req.headers['user-agent'];
    const householdId = store.meters.householdOf(r.alert.meterId);
    store.accessLog.append({
      at: d.clock(), actor: `ack-link:${r.row.id}:${r.row.contactId}`, actorKind: 'anonymous', action, method: req.method,
      route: '/a/:token', ...(householdId !== undefined && { householdId }), status, ip: req.ip, ...(typeof ua === 'string' && { userAgent: ua }),
    });
  }

  app.get('/a/:token', quiet, async (req, reply) => {
    const { token } = parse('params', Token, req.params);
    const r = resolveToken(token, reply);
    if ('done' in r) return r.done;
    logAccess(req, r, 'ack-link-view', 200);
    const settled = settledText(r.alert);
    if (settled) return page(reply, 200, '已处理', describe(r.alert) + settled);
    const elder = r.contact?.role === 'elder' && r.row.purpose === 'check-in';
    const label = elder ? '我一切平安 / I am fine' : '我已知晓，正在处理 / Acknowledge';
    return page(reply, 200, '安心提醒', `${describe(r.alert)}<form method="post"><button type="submit">${label}</button></form>`);
  });

  app.post('/a/:token', quiet, async (req, reply) => {
    const { token } = parse('params', Token, req.params);
    const r = resolveToken(token, reply);
    if ('done' in r) return r.done;
    if (!r.contact) return page(reply, 404, '链接无效', '<p>联系人已删除。</p><p class="en">This contact no longer exists.</p>');
    const res = d.acks.respond(r.alert.id, r.contact, 'link');
    logAccess(req, r, 'ack-link-answer', 'error' in res ? 409 : 200);
    if ('error' in res) return page(reply, 409, '已处理', describe(r.alert) + (settledText(store.alerts.get(r.alert.id)!) ?? `<p>${esc(res.message)}</p>`));
    const done = res.result === 'elder-fine' ? '<p>谢谢，已记录您一切平安。</p><p class="en">Thank you, we have noted that you are fine.</p>' : '<p>已确认，谢谢。提醒已停止。</p><p class="en">Acknowledged, thank you. Reminders have stopped.</p>';
    return page(reply, 200, '已确认', describe(res.alert) + done);
  });

  if (d.replyToken) {
    const secret = d.replyToken;
    const respond = (reply: FastifyReply, rejection: CallbackRejection) => reply.code(rejection.status).send({ error: rejection.error, message: rejection.message });
    // The provider's reference holds the sender's number: kept only as a hash keyed by the
    // callback secret (src/store/sms-replies.ts).
    const handle = (r: InboundReply) => {
      const ref = hmacSha256(secret.reveal(), `${r.provider}\n${r.providerRef}`).toString('base64url');
      const outcome = handleSmsReply({ store, acks: d.acks, keywords: d.replyKeywords, clock: d.clock }, { phone: r.phone, text: r.text, ref });
      d.onReply?.(outcome);
      return outcome;
    };
    // Tencent "短信回复" callback, https://cloud.tencent.com/document/product/382/5809 (answer {result: 0, errmsg}).
    app.post('/callbacks/sms/tencent/:token', quiet, async (req, reply) => {
      const r = parseTencentReply({ pathToken: (req.params as { token?: string }).token, headers: req.headers, body: req.body }, secret);
      if (!r.ok) return respond(reply, r);
      handle(r.reply);
      return r.ack;
    });
    // Alibaba SmsUp HTTP batch push, https://help.aliyun.com/document_detail/414223.htm (answer {code: 0, msg}).
    app.post('/callbacks/sms/aliyun/:token', quiet, async (req, reply) => {
      const r = parseAliyunSmsUp({ pathToken: (req.params as { token?: string }).token, headers: req.headers, body: req.body }, secret);
      if (!r.ok) return respond(reply, r);
      for (const one of r.replies) handle(one);
      return r.ack;
    });
  }
}

/** Inside /api (bearer auth applies): what was sent for an alert, and how each attempt went. */
export function notificationApiRoutes(app: FastifyInstance, d: Pick<NotifyHttpDeps, 'store'>): void {
  // The same roles and grid scoping as the alert itself (a grid worker sees only its grids').
  app.get('/alerts/:id/notifications', { onRequest: requireRole(...HOUSEHOLD_ROLES) }, async (req) => {
    const { id } = parse('params', z.strictObject({ id: z.string().min(1).max(100) }), req.params);
    visibleAlert(req, d.store, id);
    return {
      items: d.store.outbox.forAlert(id).map((n) => ({
        id: n.id,
        step: n.step,
        purpose: n.purpose,
        rung: n.rung,
        contactId: n.contactId,
        to: recipientLabel(JSON.parse(n.recipient) as Recipient),
        channel: n.channels[n.channelIndex],
        channels: n.channels,
        lang: n.lang,
        template: n.template,
        status: n.status,
        createdAt: n.createdAt,
        ...(n.settledAt !== undefined && { settledAt: n.settledAt }),
        ...(n.provider !== undefined && { provider: n.provider }),
        ...(n.lastError !== undefined && { lastError: n.lastError }),
        attempts: d.store.outbox.attempts(n.id),
      })),
    };
  });
}
