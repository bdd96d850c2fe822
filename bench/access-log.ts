// npx tsx bench/access-log.ts [households=5000] [reads=2880] — the access log's cost for big list
// reads, measured (not asserted). An admin's open board re-reads GET /api/households/status every
// 30 s (src/web/public/app.js) and on every live event: 2,880 reads a day, each naming every
// household it returned (src/store/access-log.ts, subject sets, migration 14). Reported: the
// append of a new 5,000-id set, of the same set again (a board re-read), of a set one household
// larger (a new home); the bytes the file grew per re-read; `?householdId=` over a day of reads;
// retention; and one whole GET /api/households/status at that size through fastify inject,
// with the time its access-log entry took inside it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.ts';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';

const N = Number(process.argv[2] ?? 5000);
const READS = Number(process.argv[3] ?? 2880);
const dir = mkdtempSync(join(tmpdir(), 'anxin-access-log-'));
const ms = (t0: number) => performance.now() - t0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ids = Array.from({ length: N + 100 }, (_, i) => `hh-${String(i).padStart(5, '0')}`);
const entry = (at: number, subjects: string[]) => ({ at, actor: 'admin', actorKind: 'session' as const, role: 'admin', action: 'read', method: 'GET', route: '/api/households/status', subjects, status: 200, ip: '10.0.0.1' });

try {
  const path = join(dir, 'a.db');
  const store = openStore(path);
  const size = () => statSync(path).size + (() => { try { return statSync(`${path}-wal`).size; } catch { return 0; } })();
  let t = performance.now();
  store.accessLog.append(entry(1, ids.slice(0, N)));
  const firstMs = ms(t);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const before = size();
  const same: number[] = [];
  for (let i = 0; i < READS; i++) {
    t = performance.now();
    store.accessLog.append(entry(2 + i, ids.slice(0, N)));
    same.push(ms(t));
  }
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const perRead = (size() - before) / READS;
  const grown: number[] = [];
  for (let i = 1; i <= 20; i++) {
    t = performance.now();
    store.accessLog.append(entry(10_000 + i, ids.slice(0, N + i)));
    grown.push(ms(t));
  }
  const q = (householdId: string) => {
    const t0 = performance.now();
    const r = store.accessLog.list({ householdId, limit: 50, offset: 0 });
    return { ms: ms(t0), total: r.total, subjects: r.items[0]?.subjects?.length ?? 0 };
  };
  const last = q(ids[N - 1]!);
  const newest = q(ids[N + 19]!);
  const plan = store.db
    .prepare(`EXPLAIN QUERY PLAN SELECT * FROM access_log WHERE (household_id = @h OR subject_set IN (SELECT set_id FROM access_subject_members WHERE household_id = @h)) ORDER BY id DESC LIMIT 50`)
    .all({ h: ids[0] })
    .map((r: any) => r.detail)
    .join('; ');
  t = performance.now();
  const pruned = store.accessLog.prune(10_000 + 10);
  const pruneMs = ms(t);
  const sets = store.db.prepare('SELECT count(*) AS n FROM access_subject_sets').get() as { n: number };
  store.close();

  // The whole request, as the dashboard makes it.
  const clock = { now: Date.parse('2026-03-02T08:00:00+08:00') };
  const app = createApp(parseConfig({ log: { level: 'silent' }, dbPath: join(dir, 'b.db'), mqtt: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' } }), { clock: () => clock.now, jobs: false });
  for (const id of ids.slice(0, N)) {
    app.store.households.create({ id, name: `住户 ${id}`, address: `福田区 ${id} 号`, gridId: 'g1' }, clock.now);
    app.store.households.giveConsent(id, { consentedBy: '本人', consentedAt: clock.now, scope: ['water-monitoring'] });
  }
  const board = async () => {
    const t0 = performance.now();
    const res = await app.http.inject({ method: 'GET', url: '/api/households/status' });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
    return ms(t0);
  };
  await board();
  // The entry's own time inside each request (a with/without comparison drowns in GC noise).
  const append = app.store.accessLog.append;
  let spent = 0;
  app.store.accessLog.append = (e) => {
    const t0 = performance.now();
    try {
      return append(e);
    } finally {
      spent += ms(t0);
    }
  };
  const whole: number[] = [];
  const logged: number[] = [];
  for (let i = 0; i < 20; i++) {
    spent = 0;
    whole.push(await board());
    logged.push(spent);
  }
  await app.stop();

  console.log(
    [
      `access log   ${N.toLocaleString()}-household list read: a new subject set ${firstMs.toFixed(1)} ms; the same set again (a board re-read) median ${(median(same) * 1000).toFixed(0)} µs, ` +
        `${perRead.toFixed(0)} bytes of file per re-read (${READS.toLocaleString()} reads); a set one household larger median ${median(grown).toFixed(1)} ms`,
      `             ?householdId= over ${(READS + 21).toLocaleString()} entries: ${last.ms.toFixed(1)} ms (${last.total} found, ${last.subjects.toLocaleString()} subjects on the newest), ` +
        `a household in 1 set: ${newest.ms.toFixed(1)} ms (${newest.total} found); plan: ${plan}`,
      `             retention: ${pruned.toLocaleString()} entries pruned in ${pruneMs.toFixed(1)} ms, ${sets.n} subject sets left`,
      `             GET /api/households/status at ${N.toLocaleString()} households: median ${median(whole).toFixed(1)} ms, of which its access-log entry ${median(logged).toFixed(2)} ms; load ${loadavg()[0]!.toFixed(2)}`,
    ].join('\n'),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
