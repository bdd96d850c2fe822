// kill -9 while alerts open and notify (issue 11.9): the real service in a child process
// (notify-child.ts) tells each household's grid worker through WeChat template messages, sent
// to a local HTTP server that enforces the provider's contract (tests/notify/fakes/wechat.ts:
// access tokens, template fields, client_msg_id "防重入" de-duplication for 10 minutes) and
// records every request. Meters publish readings and switch their battery low / high (each
// low opens a battery-low alert → an alert message; each high resolves it → an all-clear),
// and the service is killed with SIGKILL at random moments. After each kill:
//   - PRAGMA integrity_check is ok, no acknowledged reading is missing;
//   - every battery-low alert an acknowledged status opened is there, and no more than the
//     statuses sent could open (none twice), no condition open twice;
//   - every message the provider received belongs to a stored notification row (so to a
//     stored alert), each row reached the provider under one client_msg_id only, and no row
//     was delivered twice (one delivered message per row's signed link);
// and at the end, after a clean restart, every queued message was delivered: each row is sent
// (or cancelled because its alert resolved first) and delivered exactly once.
// Bounded: 2 meters, 3 kills (one the moment a message reaches the provider), about a second of
// publishing each.
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { runFleet } from './fleet.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { seedMeters } from '../integration/child-service.ts';
import { startWechatFake, type WechatFake } from '../notify/fakes/wechat.ts';

const MIN = 60_000;
const METERS = ['n-1', 'n-2'];
const CHILD = join(import.meta.dirname, 'notify-child.ts');
const APP_ID = 'wx-kill9';
const APP_SECRET = 'kill9-app-secret';
const openId = (meterId: string) => `oGrid_${meterId.replace('-', '_')}_worker`;

const dir = mkdtempSync(join(tmpdir(), 'anxin-kill9n-'));
const dbPath = join(dir, 'anxin.db');
let fake: WechatFake | undefined;
afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

const seed = Number(process.env.KILL9_SEED ?? Date.now() % 100_000);
let rngState = seed;
const rand = () => ((rngState = (rngState * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

interface Child {
  proc: ChildProcess;
  mqttPort: number;
  exited: Promise<void>;
}

async function startChild(notify: object): Promise<Child> {
  const env = { ...process.env, ANXIN_DB: dbPath, ANXIN_TEST_NOTIFY: JSON.stringify(notify) };
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const ready = new Promise<{ mqttPort: number }>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`service exited (${code}) before it was ready`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const j = JSON.parse(line) as { ready?: boolean; mqttPort: number };
      if (j.ready) resolve(j);
    });
  });
  return { proc, ...(await ready), exited };
}

interface MeterState {
  token: string;
  ts: number;
  total: number;
  acked: Set<number>;
  /** Low-battery statuses sent, and those acknowledged (each opened one alert: a high one precedes it). */
  lowsSent: number;
  lowsAcked: number;
}
const meters = new Map<string, MeterState>();

/** Readings (pipelined) and battery statuses (each awaited) from every meter until `stop()`. */
function publishAll(port: number) {
  return runFleet(port, METERS, (id) => meters.get(id)!.token, async ({ id, client: c, closed, stopped, up, pipelined }) => {
    const m = meters.get(id)!;
    const status = async (battery: number) => {
      m.ts += MIN;
      await c.publishAsync(`meters/${id}/status`, JSON.stringify({ ts: m.ts, battery }), { qos: 1 });
    };
    // Each run starts high and acknowledged: a low that follows opens an alert, whatever the last run ended with.
    await status(80);
    up();
    let low = false;
    for (let k = 1; !stopped() && c.connected; k++) {
      if (k % 6 === 0) {
        low = !low;
        if (low) m.lowsSent++;
        const sent = status(low ? 5 : 80).then(
          () => true,
          () => false,
        );
        if (await Promise.race([sent, closed.then(() => false)])) {
          if (low) m.lowsAcked++;
        } else break;
        continue;
      }
      const n = 1 + Math.floor(rand() * 200);
      // Never into the future: such a reading is refused (and acknowledged), and would look lost.
      if (m.ts + (n + 6) * MIN > Date.now() - 60 * MIN) break;
      const batch: { ts: number; totalLiters: number }[] = [];
      for (let i = 0; i < n; i++) {
        m.ts += MIN;
        m.total += Math.round(rand() * 30) / 10;
        batch.push({ ts: m.ts, totalLiters: m.total });
      }
      await pipelined(`meters/${id}/batch`, JSON.stringify({ readings: batch }), () => batch.forEach((r) => m.acked.add(r.ts)), 4);
    }
  });
}

/** What the wire carries as client_msg_id for a row (wechat-oa.ts: the key, or its SHA-256 when over 64 bytes). */
const clientMsgId = (idemKey: string) => {
  const k = `${idemKey}:wechat`;
  return Buffer.byteLength(k) <= 64 ? k : createHash('sha256').update(k).digest('hex');
};

interface Row {
  id: number;
  alert_id: string;
  idem_key: string;
  purpose: string;
  status: string;
}

function providerSends(f: WechatFake): string[] {
  return f.requests
    .filter((r) => r.url.pathname === '/cgi-bin/message/template/send')
    .map((r) => String((JSON.parse(r.raw.toString('utf8')) as { client_msg_id?: string }).client_msg_id));
}

function check(cycle: string, f: WechatFake): { rows: Row[]; resent: number } {
  const db = new Database(dbPath, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true }), `${cycle}`).toBe('ok');
    const has = db.prepare<[string, number], { one: number }>('SELECT 1 AS one FROM readings WHERE meter_id = ? AND ts = ?');
    for (const [id, m] of meters) {
      expect([...m.acked].filter((ts) => has.get(id, ts) === undefined), `${cycle}: acknowledged readings of ${id} missing (seed ${seed})`).toEqual([]);
      const alerts = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM alerts WHERE meter_id = ? AND type = 'battery-low'").get(id)!.n;
      expect(alerts, `${cycle}: battery-low alerts of ${id} ≥ acknowledged lows (seed ${seed})`).toBeGreaterThanOrEqual(m.lowsAcked);
      expect(alerts, `${cycle}: battery-low alerts of ${id} ≤ lows sent (seed ${seed})`).toBeLessThanOrEqual(m.lowsSent);
    }
    const twice = db.prepare("SELECT meter_id, type, count(*) AS n FROM alerts WHERE status IN ('open', 'acknowledged') GROUP BY meter_id, type HAVING n > 1").all();
    expect(twice, `${cycle}: a condition open twice`).toEqual([]);

    const rows = db.prepare<[], Row>('SELECT n.id, n.alert_id, n.idem_key, n.purpose, n.status FROM notifications n JOIN alerts a ON a.id = n.alert_id').all();
    expect(rows.length, `${cycle}: every notification row has its alert`).toBe(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM notifications').get()!.n);
    const byWireKey = new Map(rows.map((r) => [clientMsgId(r.idem_key), r]));
    const sends = providerSends(f);
    // Every message the provider received is a stored row's (hence a stored alert's): nothing is told before it is kept.
    expect(sends.filter((k) => !byWireKey.has(k)), `${cycle}: messages for no stored row`).toEqual([]);
    // One row, one delivered message: the link in it names the row, so a second delivery of a row would repeat a link.
    const links = f.delivered.map((d) => d.url);
    expect(new Set(links).size, `${cycle}: a row delivered twice (seed ${seed})`).toBe(links.length);
    // Delivered at most once per client_msg_id, and only for keys that were requested.
    expect(f.delivered.length, `${cycle}: deliveries vs distinct keys`).toBe(new Set(sends).size);
    const perKey = new Map<string, number>();
    for (const k of sends) perKey.set(k, (perKey.get(k) ?? 0) + 1);
    return { rows, resent: [...perKey.values()].filter((n) => n > 1).length };
  } finally {
    db.close();
  }
}

/** Waits (bounded) until the outbox holds nothing still to send. */
async function drained(deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const db = new Database(dbPath, { readonly: true });
    const left = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM notifications WHERE status IN ('pending', 'sending')").get()!.n;
    db.close();
    if (left === 0) return;
    if (Date.now() > until) throw new Error(`${left} notifications still queued after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kill -9 while alerts open and notify', () => {
  it('stores every acknowledged alert once, delivers every queued message exactly once, keeps SQLite intact', { timeout: 90_000 }, async () => {
    const start = Date.now() - 2 * 365 * 86_400_000; // far enough back that a minute per reading stays in the past
    for (const [id, token] of seedMeters(dbPath, METERS, start)) meters.set(id, { token, ts: start, total: 1000, acked: new Set(), lowsSent: 0, lowsAcked: 0 });
    const store = openStore(dbPath);
    for (const id of METERS) store.contacts.add(`h-${id}`, { name: `网格员${id}`, role: 'grid-worker', wechatOpenId: openId(id) });
    store.close();
    fake = await startWechatFake({
      appId: APP_ID,
      appSecret: APP_SECRET,
      now: Date.now,
      followers: METERS.map(openId),
      templates: { 'tpl-alert': ['thing1', 'time2', 'thing3'], 'tpl-clear': ['thing1', 'time2', 'thing3'] },
    });
    const notify = {
      // Battery-low waits for the morning during quiet hours by default; CI runs at any hour.
      policy: { rules: { 'battery-low': { quietHours: false } } },
      retry: { baseSeconds: 1, maxSeconds: 2 },
      channels: {
        wechat: {
          appId: APP_ID,
          appSecret: APP_SECRET,
          baseUrl: fake.url,
          templates: {
            alert: { id: 'tpl-alert', fields: { thing1: 'name', time2: 'since', thing3: 'what' } },
            'all-clear': { id: 'tpl-clear', fields: { thing1: 'name', time2: 'time', thing3: 'what' } },
          },
        },
      },
    };

    // 'kill-on-send': killed the moment the provider receives a message, before the service can
    // record it as sent — the send goes again after the restart, under the same client_msg_id.
    const cycles = ['clean', 'kill', 'kill-on-send', 'kill'] as const;
    let resent = 0;
    for (const [i, end] of cycles.entries()) {
      const child = await startChild(notify);
      const pub = publishAll(child.mqttPort);
      await pub.ready;
      if (end === 'kill-on-send') await fake.arrived(fake.requests.length + 2);
      else await new Promise((r) => setTimeout(r, 400 + rand() * 900)); // the random moment (the test's own schedule)
      child.proc.kill(end === 'clean' ? 'SIGTERM' : 'SIGKILL');
      await child.exited;
      await pub.stop();
      resent = check(`cycle ${i} (${end})`, fake).resent;
    }

    // A last, clean run with no traffic: what was queued or in flight at the last kill goes out.
    const child = await startChild(notify);
    try {
      await drained(20_000);
    } finally {
      child.proc.kill('SIGTERM');
      await child.exited;
    }
    const { rows, resent: finalResent } = check('final', fake);
    resent = Math.max(resent, finalResent);
    const unsent = rows.filter((r) => r.status !== 'sent' && !(r.status === 'cancelled' && r.purpose !== 'all-clear'));
    expect(unsent, `final: rows neither sent nor cancelled by a resolution (seed ${seed})`).toEqual([]);
    const sent = rows.filter((r) => r.status === 'sent');
    const sends = new Set(providerSends(fake));
    expect(sent.filter((r) => !sends.has(clientMsgId(r.idem_key))), 'final: rows marked sent that the provider never received').toEqual([]);
    const sendList = providerSends(fake);
    // KILL9_DEBUG=1 prints each row with its status and how often the provider was asked for it.
    if (process.env.KILL9_DEBUG) console.log(rows.map((r) => `${r.id} ${r.purpose} ${r.status} requests=${sendList.filter((k) => k === clientMsgId(r.idem_key)).length}`).join('\n'));
    expect(fake.delivered.length, `final: one delivery per sent row (seed ${seed})`).toBe(sent.length);
    const lows = [...meters.values()].reduce((n, m) => n + m.lowsAcked, 0);
    expect(lows, 'alerts opened during the run').toBeGreaterThan(0);
    expect(sent.filter((r) => r.purpose === 'alert').length, 'alert messages delivered').toBeGreaterThan(0);
    console.log(`kill -9 with notifications: ${cycles.length - 1} kills, ${lows} acknowledged alerts, ${sent.length} messages delivered once each, ${resent} re-sent after a kill under the same client_msg_id (seed ${seed})`);
  });
});
