// GET /api/events — the live alert board's Server-Sent Events stream.
// WHATWG HTML §9.2 (server-sent events): each event carries `id:`; a reconnecting browser
// sends it back as `Last-Event-ID` and gets what it missed from a bounded in-memory ring.
// Ids are `<boot>-<n>`: an id from before a restart (or older than the ring) cannot be
// replayed, so the client is told `event: reset` and reloads the board instead. The stream's
// first frame (`hello`, or a `reset`) carries the hub's position as its id too: an EventSource
// that dropped before its first alert sends no Last-Event-ID otherwise (WHATWG HTML §9.2.6, the
// last event ID buffer is set only by an `id:` field), and what was published while it was away
// was lost without a word. After a `reset` the board reloads; the id makes the next reconnect
// replay from there instead of resetting again. Each viewer
// only receives events of households it may see, by the routes' own rule (canSeeHousehold:
// grid and consent), looked up in the store when the event is sent, replays included.
// A consent withdrawal or an erasure purges the household's events from the ring (PIPL
// Art. 15, 47: the ring held its alerts and name); a reconnect whose missed events included
// one is told `reset`, and every open stream is told `reset` so boards reload without it.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ALERT_SEVERITY, type Alert } from '../../domain/alert.ts';
import type { AlertChange } from '../../alerting/lifecycle.ts';
import type { Store } from '../../store/index.ts';
import type { ServerDeps } from '../deps.ts';
import { canSee, viewerOf, type DashboardDeps } from '../dashboard.ts';
import { HOUSEHOLD_ROLES, requireRole } from '../auth/principal.ts';

export interface LiveEvent {
  id: string;
  /** opened | acknowledged | resolved | escalated | outcome | … (the alert change kind). */
  kind: string;
  /** Clock time of the service when it happened (the page shows times relative to it). */
  now: number;
  householdId?: string;
  gridId?: string;
  alert: Alert & { severity: string; householdId?: string; householdName?: string };
}

type Listener = (e: LiveEvent) => void;

const seqOf = (e: LiveEvent) => Number(e.id.split('-')[1]);

export interface EventHub {
  publish(kind: string, alert: Alert): LiveEvent;
  /** Events after `lastId`, or 'gap' when they are no longer (or never were) in the ring. */
  since(lastId: string): LiveEvent[] | 'gap';
  /** The id of the newest event published so far (`<boot>-0` before the first): since(cursor()) is what follows. */
  cursor(): string;
  /** `onReset`: told when events were purged (the board should reload). */
  subscribe(l: Listener, onReset?: () => void): () => void;
  /**
   * Forgets every event of the household (and of these meters): consent withdrawn or erased.
   * Replays that would have included one answer 'gap'; open streams are told to reset.
   * Returns the events removed.
   */
  purge(householdId: string, meterIds?: readonly string[]): number;
  readonly size: number;
}

export function createEventHub(opts: { store: Pick<Store, 'meters' | 'households'>; clock: () => number; capacity?: number }): EventHub {
  const capacity = opts.capacity ?? 1000;
  const boot = randomBytes(4).toString('hex');
  const ring: LiveEvent[] = [];
  let n = 0;
  /** The newest sequence number purged: a replay from before it would miss what was purged. */
  let purgedUpTo = 0;
  const listeners = new Map<Listener, (() => void) | undefined>();
  return {
    publish(kind, alert) {
      const householdId = opts.store.meters.householdOf(alert.meterId);
      const h = householdId === undefined ? undefined : opts.store.households.get(householdId);
      const gridId = h?.gridId;
      const e: LiveEvent = {
        id: `${boot}-${++n}`,
        kind,
        now: opts.clock(),
        ...(householdId !== undefined && { householdId }),
        ...(gridId !== undefined && { gridId }),
        alert: { ...alert, severity: ALERT_SEVERITY[alert.type], ...(householdId !== undefined && { householdId }), ...(h && { householdName: h.name }) },
      };
      ring.push(e);
      if (ring.length > capacity) ring.shift();
      for (const l of listeners.keys()) l(e);
      return e;
    },
    since(lastId) {
      const m = /^([0-9a-f]{8})-(\d+)$/.exec(lastId);
      if (!m || m[1] !== boot) return 'gap';
      const last = Number(m[2]);
      if (last > n) return 'gap';
      if (last === n) return [];
      const oldest = ring.length ? seqOf(ring[0]!) : n + 1;
      if (last + 1 < oldest || last < purgedUpTo) return 'gap';
      return ring.filter((e) => seqOf(e) > last);
    },
    cursor: () => `${boot}-${n}`,
    subscribe(l, onReset) {
      listeners.set(l, onReset);
      return () => listeners.delete(l);
    },
    purge(householdId, meterIds = []) {
      const meters = new Set(meterIds);
      const before = ring.length;
      for (let i = ring.length - 1; i >= 0; i--) {
        const e = ring[i]!;
        if (e.householdId === householdId || meters.has(e.alert.meterId)) {
          purgedUpTo = Math.max(purgedUpTo, seqOf(e));
          ring.splice(i, 1);
        }
      }
      for (const onReset of [...listeners.values()]) onReset?.();
      return before - ring.length;
    },
    get size() {
      return listeners.size;
    },
  };
}

/** Feeds the hub from the monitor's alert changes (detector-driven). */
export const hubListener = (hub: EventHub) => (change: AlertChange) => hub.publish(change.kind, change.alert);

const HEARTBEAT_MS = 20_000;
/** An open stream's deliveries are written to the access log at least this often. */
const DELIVERY_LOG_MS = 60 * 60_000;

const RESET_GAP = (id: string) => `id: ${id}\nevent: reset\ndata: {"reason":"missed events are no longer kept; reload the board"}\n\n`;
const RESET_PURGED = (id: string) => `id: ${id}\nevent: reset\ndata: {"reason":"events were withdrawn; reload the board"}\n\n`;


/** Household views: an operator is refused (403), as README's role table says, not shown an empty page. */
const carers = { onRequest: requireRole(...HOUSEHOLD_ROLES) };
export function eventRoutes(api: FastifyInstance, deps: Pick<ServerDeps, 'store' | 'clock'> & { dashboard: DashboardDeps }): void {
  const open = new Set<() => void>();
  // A stream never ends by itself: end them before the server waits for its connections.
  api.addHook('preClose', async () => {
    for (const end of open) end();
  });

  api.get('/events', carers, (req, reply) => {
    const viewer = viewerOf(req);
    const { hub } = deps.dashboard;
    // The household as it is now, not as it was when the event was published: a withdrawn
    // household is hidden from grid workers, an erased one (or one moved to another grid) too.
    const visible = (e: LiveEvent) => canSee(viewer, e.householdId === undefined ? {} : deps.store.households.get(e.householdId));
    // A hijacked reply skips onSend, where the access log is written: log the stream's opening here.
    const ua = req.headers['user-agent'];
    deps.store.accessLog.append({
      at: deps.clock(), actor: viewer.username, actorKind: viewer.kind, role: viewer.role, action: 'read', method: 'GET',
      route: '/api/events', status: 200, ip: req.ip, ...(typeof ua === 'string' && { userAgent: ua }),
    });
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // What the stream then delivers is personal data read too (a household's name and alert):
    // the households it sent events about are logged as the row's subjects, like a list
    // answer's — when the stream ends, and at least every DELIVERY_LOG_MS while it stays open.
    const delivered = new Set<string>();
    let loggedAt = deps.clock();
    const logDelivered = () => {
      if (!delivered.size) return;
      const subjects = [...delivered];
      delivered.clear();
      loggedAt = deps.clock();
      try {
        deps.store.accessLog.append({
          at: loggedAt, actor: viewer.username, actorKind: viewer.kind, role: viewer.role, action: 'read', method: 'GET',
          route: '/api/events', subjects, status: 200, ip: req.ip, ...(typeof ua === 'string' && { userAgent: ua }),
        });
      } catch (err) {
        req.log.error({ err }, 'live stream: could not write its access-log entry');
      }
    };
    const send = (e: LiveEvent) => {
      if (!visible(e)) return;
      res.write(`id: ${e.id}\nevent: alert\ndata: ${JSON.stringify(e)}\n\n`);
      if (e.householdId !== undefined) delivered.add(e.householdId);
      if (deps.clock() - loggedAt >= DELIVERY_LOG_MS) logDelivered();
    };
    res.write('retry: 3000\n\n');
    const q = req.query as Record<string, unknown>;
    const lastId = req.headers['last-event-id'] ?? (typeof q.lastEventId === 'string' ? q.lastEventId : undefined);
    // Read the position and subscribe in the same turn: nothing is published in between.
    if (typeof lastId === 'string' && lastId !== '') {
      const missed = hub.since(lastId);
      if (missed === 'gap') res.write(RESET_GAP(hub.cursor()));
      else missed.forEach(send);
    } else res.write(`id: ${hub.cursor()}\nevent: hello\ndata: {}\n\n`);
    // A stream outlives its request: it ends at the first event or heartbeat after its session did
    // (signed out, expired, disabled; src/http/auth/authenticate.ts stillSignedIn).
    const unsubscribe = hub.subscribe(
      (e) => (req.stillSignedIn() ? send(e) : end()),
      () => (req.stillSignedIn() ? res.write(RESET_PURGED(hub.cursor())) : end()),
    );
    const beat = setInterval(() => (req.stillSignedIn() ? res.write(': ping\n\n') : end()), HEARTBEAT_MS);
    beat.unref();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      logDelivered();
      clearInterval(beat);
      unsubscribe();
      open.delete(end);
      res.end();
    };
    open.add(end);
    req.raw.on('close', end);
  });
}
