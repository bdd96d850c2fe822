// Replayed answers (issue 9 item 6, src/replay/responder.ts): who answers a no-usage alert, when
// and how, decided from the household's scripted state; and the replay CLI's --responder, which
// gives those answers on event time so the detector learns from them as it does live.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.ts';
import { planAnswer, ResponderSchema } from '../../src/replay/responder.ts';
import { household } from '../detect/timeline.ts';
import { HOUR, MIN, at, iso, toJsonl } from './trace.ts';

const alert = (id: string, type: Alert['type'] = 'no-usage'): Alert => ({
  id,
  meterId: 'm-1',
  type,
  status: 'open',
  openedAt: at(28, '15:00'),
  observedAt: at(28, '15:00'),
  reason: { zh: '', en: '', facts: {} },
});

describe('planAnswer', () => {
  const script = ResponderSchema.parse({
    checkIn: { replyRate: 1 },
    visit: {},
    households: {
      'm-1': [
        { from: iso(at(28, '09:00')), to: iso(at(29, '09:00')), state: 'incapacitated' },
        { from: iso(at(30, '00:00')), to: iso(at(33, '00:00')), state: 'away' },
      ],
    },
  });

  it('a well elder answers a check-in "fine" after checkIn.afterMs; an incapacitated one never does', () => {
    const t = at(27, '15:00');
    expect(planAnswer(script, alert('a'), 'check-in', t)).toEqual({ at: t + 15 * MIN, meterId: 'm-1', alertId: 'a', outcome: 'elder-fine', by: 'elder' });
    expect(planAnswer(script, alert('a'), 'check-in', at(28, '15:00'))).toBeUndefined();
    // Away: the elder answers from where they are.
    expect(planAnswer(script, alert('a'), 'check-in', at(31, '15:00'))?.outcome).toBe('elder-fine');
  });

  it('a visit after a confirmed alert finds the household as it is: fine, in hospital, or away', () => {
    expect(planAnswer(script, alert('a'), 'confirmed', at(27, '15:00'))).toMatchObject({ at: at(27, '16:00'), outcome: 'elder-fine', by: 'visit' });
    expect(planAnswer(script, alert('a'), 'confirmed', at(28, '15:00'))?.outcome).toBe('hospital');
    expect(planAnswer(script, alert('a'), 'confirmed', at(31, '15:00'))?.outcome).toBe('away-unregistered');
    // Without a visit policy nobody visits.
    expect(planAnswer(ResponderSchema.parse({}), alert('a'), 'confirmed', at(27, '15:00'))).toBeUndefined();
  });

  it('only no-usage alerts are answered', () => {
    for (const type of ['surge', 'leak', 'offline'] as const) expect(planAnswer(script, alert('a', type), 'confirmed', at(27, '15:00'))).toBeUndefined();
  });

  it('replyRate is a repeatable per-alert draw: the same alert gets the same answer, and about that share of alerts is answered', () => {
    const half = ResponderSchema.parse({ checkIn: { replyRate: 0.5 } });
    const ids = Array.from({ length: 2000 }, (_, i) => `al-${i}`);
    const answered = ids.filter((id) => planAnswer(half, alert(id), 'check-in', at(27, '15:00')));
    expect(answered.length).toBeGreaterThan(900);
    expect(answered.length).toBeLessThan(1100);
    expect(ids.filter((id) => planAnswer(half, alert(id), 'check-in', at(27, '15:00')))).toEqual(answered);
    expect(ids.some((id) => planAnswer(ResponderSchema.parse({ checkIn: { replyRate: 0 } }), alert(id), 'check-in', 0))).toBe(false);
  });

  it('a script with a bad field is rejected with what was expected', () => {
    const r = ResponderSchema.safeParse({ checkIn: { replyRate: 2 }, households: { 'm-1': [{ from: 'yesterday', to: 0, state: 'asleep' }] } });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['checkIn.replyRate', 'households.m-1.0.from', 'households.m-1.0.state']));
  });
});

describe('replay CLI --responder', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'anxin-responder-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // 30 days of a 15-min home, then silence from day 28 10:00 to day 29 06:00: a check-in, then
  // (unanswered) the confirmed alert.
  const h = household({ cadenceMin: 15, days: 30, seed: 7 });
  h.silence(at(28, '10:00'), at(29, '06:00')).use(at(29, '06:00'));
  const trace = join(dir, 'trace.jsonl');
  writeFileSync(trace, toJsonl(h.readings()));
  const config = join(dir, 'detector.json');
  writeFileSync(config, JSON.stringify({ noUsage: { checkIn: { enabled: true } } }));

  function replay(script: unknown) {
    const file = join(dir, `responder-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, typeof script === 'string' ? script : JSON.stringify(script));
    const out = `${file}.out.jsonl`;
    const p = spawnSync('npx', ['tsx', 'src/cli/replay.ts', '--input', trace, '--output', out, '--config', config, '--responder', file, '--until', iso(at(29, '12:00'))], { cwd: root, encoding: 'utf8' });
    let lines: Record<string, unknown>[] = [];
    try {
      lines = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    } catch {
      // no output
    }
    return { status: p.status, stderr: p.stderr, nu: lines.filter((l) => l.type === 'no-usage' && Date.parse(l.openedAt as string) >= at(28, '10:00')) };
  }

  it('a well elder answers the check-in: the alert is resolved "elder fine" on event time and never reaches the grid worker', () => {
    const r = replay({ checkIn: { replyRate: 1 } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.nu.map((l) => `${l.change}:${l.stage ?? l.outcome}`)).toEqual(['opened:check-in', 'answered:elder-fine']);
    const [opened, answer] = r.nu as [Record<string, string>, Record<string, string>];
    expect(Date.parse(answer.answeredAt!) - Date.parse(opened.openedAt!)).toBe(15 * MIN);
    expect(answer.alertId).toBe(opened.alertId);
    expect(r.stderr).toContain('"elder:elder-fine":1');
  });

  it('an incapacitated elder does not answer: the check-in escalates and the visit an hour later records "hospital"', () => {
    const r = replay({ visit: { afterMs: HOUR }, households: { 'm-1': [{ from: iso(at(28, '10:00')), to: iso(at(29, '06:00')), state: 'incapacitated' }] } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.nu.map((l) => `${l.change}:${l.change === 'answered' ? l.outcome : l.stage}`)).toEqual(['opened:check-in', 'escalated:confirmed', 'answered:hospital']);
    const escalated = r.nu[1] as Record<string, string>;
    expect(Date.parse((r.nu[2] as Record<string, string>).answeredAt!) - Date.parse(escalated.escalatedAt!)).toBe(HOUR);
  });

  it('with the ladder\'s check-in window, an unanswered check-in reaches the grid worker when the window closes, once', () => {
    const incapacitated = { 'm-1': [{ from: iso(at(28, '10:00')), to: iso(at(29, '06:00')), state: 'incapacitated' }] };
    const r = replay({ checkIn: { windowMs: 30 * MIN }, visit: { afterMs: HOUR }, households: incapacitated });
    expect(r.status, r.stderr).toBe(0);
    // Told at the window's end, not at the detector's (later) confirmation; visited an hour after that.
    expect(r.nu.map((l) => `${l.change}:${l.change === 'answered' ? l.outcome : `${l.stage}${l.via ? `/${l.via}` : ''}`}`)).toEqual([
      'opened:check-in',
      'escalated:confirmed/check-in-window',
      'answered:hospital',
    ]);
    const [opened, escalated, visit] = r.nu as [Record<string, string>, Record<string, string>, Record<string, string>];
    expect(Date.parse(escalated.escalatedAt!) - Date.parse(opened.openedAt!)).toBe(30 * MIN);
    expect(Date.parse(visit.answeredAt!) - Date.parse(escalated.escalatedAt!)).toBe(HOUR);
    expect(r.stderr).toContain('"no-usage:unanswered":1');

    // A well elder who answers within the window: nobody else is told.
    const fine = replay({ checkIn: { replyRate: 1, afterMs: 15 * MIN, windowMs: 30 * MIN }, visit: {} });
    expect(fine.nu.map((l) => l.change)).toEqual(['opened', 'answered']);
    // Not within it: the grid worker is told; the elder's late answer then resolves it before the visit.
    const late = replay({ checkIn: { replyRate: 1, afterMs: 45 * MIN, windowMs: 30 * MIN }, visit: {} });
    expect(late.nu.map((l) => `${l.change}:${l.via ?? l.outcome ?? ''}`)).toEqual(['opened:', 'escalated:check-in-window', 'answered:elder-fine']);
    expect(late.stderr).toContain('"elder:elder-fine":1');
    expect(late.stderr).toContain('"visit:too-late":1');
  });

  it('a bad responder file exits 2 and says what was expected', () => {
    const bad = replay({ checkIn: { replyRate: 'often' } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--responder: .*checkIn\.replyRate/);
    const notJson = replay('{nope');
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toContain('--responder: expected a JSON file');
  });
});
