// The replay CLI contract (README "Replay"): JSONL in, one JSON line per alert opened out,
// simulated time, bad lines skipped with a message, usage errors exit 2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDetectorConfig } from '../../src/detect/config.ts';
import type { Alert } from '../../src/domain/alert.ts';
import type { AlertLine } from '../../src/domain/trace.ts';
import { createReplayEngine } from '../../src/replay/engine.ts';
import { between, household } from '../detect/timeline.ts';
import { HOUR, MIN, at, iso, richTrace, toJsonl } from './trace.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'anxin-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function replay(input: string | null, extra: string[] = []) {
  const name = `t${++n}`;
  const inPath = join(dir, `${name}.jsonl`);
  const outPath = join(dir, `${name}.out.jsonl`);
  if (input !== null) writeFileSync(inPath, input);
  const args = ['tsx', 'src/cli/replay.ts', ...(input !== null ? ['--input', inPath] : []), '--output', outPath, ...extra];
  const p = spawnSync('npx', args, { cwd: root, encoding: 'utf8' });
  let out = '';
  try {
    out = readFileSync(outPath, 'utf8');
  } catch {
    // no output file
  }
  return { status: p.status, stderr: p.stderr, out, lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AlertLine) };
}

/** A 15-min meter from d0 00:00 to d0 20:00: a normal day that raises nothing. */
const day = () => between(household({ cadenceMin: 15, days: 1, seed: 4 }).readings(), at(0, '00:00'), at(0, '20:00') + 1);

describe('replay CLI', () => {
  it('writes one JSON line per alert; offline fires at the simulated time after the trace ends', () => {
    const rs = day();
    const end = rs.at(-1)!.ts;
    expect(end).toBe(at(0, '20:00'));
    const r = replay(toJsonl(rs), ['--until', iso(end + 5 * HOUR)]);
    expect(r.status).toBe(0);
    expect(r.lines).toEqual([
      {
        meterId: 'm-1',
        type: 'offline',
        openedAt: iso(end + 45 * MIN), // 3 × the 15-min cadence
        observedAt: iso(end),
        reason: expect.stringContaining('has not reported'),
        reasonZh: expect.stringContaining('未上报'),
        facts: { silentHours: 0.8, silentMinutes: 45, cadenceMinutes: 15, lastReport: '20:00' },
        change: 'opened',
        stage: 'confirmed',
        alertId: expect.any(String),
      },
    ]);
    expect(r.lines[0]!.openedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(r.stderr).toContain(`replay: ${rs.length} readings (0 invalid lines skipped) from 1 meters`);
  });

  it('without --until the clock stops at the last reading: no offline', () => {
    const r = replay(toJsonl(day()));
    expect(r.status).toBe(0);
    expect(r.out).toBe('');
  });

  it('--until also cuts the trace: readings that arrive later are not replayed', () => {
    const rs = day();
    const r = replay(toJsonl(rs), ['--until', iso(at(0, '12:00'))]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`replay: ${rs.filter((x) => x.ts <= at(0, '12:00')).length} readings`);
    expect(r.lines).toEqual([]); // the next reading was due at 12:15; offline only at 12:45
  });

  it('skips malformed lines with a message on stderr and exits 0, with the same alerts', () => {
    const rs = day();
    const clean = toJsonl(rs).split('\n');
    const lines = [...clean.slice(0, 10), 'not json', '{"meterId":"m-1","ts":"2026-01-05T03:00:00Z","totalLiters":-5}', ...clean.slice(10)];
    const until = ['--until', iso(rs.at(-1)!.ts + 5 * HOUR)];
    const bad = replay(lines.join('\n'), until);
    const good = replay(toJsonl(rs), until);
    expect(bad.status).toBe(0);
    expect(bad.stderr).toContain('line 11: skipped: invalid JSON');
    expect(bad.stderr).toMatch(/line 12: skipped: totalLiters: /);
    expect(bad.stderr).toContain(`replay: ${rs.length} readings (2 invalid lines skipped)`);
    expect(bad.out).toBe(good.out);
    expect(bad.lines).toHaveLength(1);
  });

  it('missing --input → exit 2 with the usage; a bad --until → exit 2', () => {
    const r = replay(null);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--input and --output are required');
    expect(r.stderr).toContain('usage: npm run replay -- --input trace.jsonl --output alerts.jsonl');
    expect(r.out).toBe('');
    const u = replay(toJsonl(day()), ['--until', 'tomorrow']);
    expect(u.status).toBe(2);
    expect(u.stderr).toContain('--until: expected an ISO-8601 time with a zone (e.g. 2026-01-05T07:31:00Z), got "tomorrow"');
  });

  it('--until is read as strictly as the wire: no impossible date, no time without a zone', () => {
    // Date.parse would take 30 February as 2 March and a zoneless time in the machine's zone.
    for (const bad of ['2026-02-30T00:00:00Z', '2026-01-05T12:00:00', 'Jan 5 2026']) {
      const u = replay(toJsonl(day()), ['--until', bad]);
      expect(u.status, bad).toBe(2);
      expect(u.stderr, bad).toContain(`--until: expected an ISO-8601 time with a zone (e.g. 2026-01-05T07:31:00Z), got "${bad}"`);
    }
  });

  it('a missing --input leaves an earlier --output untouched; an unwritable --output is one line, exit 2', () => {
    const outPath = join(dir, 'kept.out.jsonl');
    writeFileSync(outPath, '{"earlier":"run"}\n');
    const p = spawnSync('npx', ['tsx', 'src/cli/replay.ts', '--input', join(dir, 'no-such.jsonl'), '--output', outPath], { cwd: root, encoding: 'utf8' });
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/^--input: cannot read .*no-such\.jsonl: ENOENT/m);
    expect(readFileSync(outPath, 'utf8')).toBe('{"earlier":"run"}\n');

    const inPath = join(dir, 'in-for-bad-out.jsonl');
    writeFileSync(inPath, toJsonl(day()));
    const q = spawnSync('npx', ['tsx', 'src/cli/replay.ts', '--input', inPath, '--output', join(dir, 'no-dir', 'out.jsonl')], { cwd: root, encoding: 'utf8' });
    expect(q.status).toBe(2);
    expect(q.stderr).toMatch(/^--output: cannot write .*out\.jsonl: ENOENT/m);
    expect(q.stderr).not.toMatch(/\n\s+at /); // no stack trace

    // The same file as input and output would be emptied before it is read.
    const r = spawnSync('npx', ['tsx', 'src/cli/replay.ts', '--input', inPath, '--output', inPath], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('is the input file');
    expect(readFileSync(inPath, 'utf8')).toBe(toJsonl(day()));
  });

  it('is deterministic: the same trace twice → byte-identical output', () => {
    const rs = richTrace();
    const until = ['--until', iso(rs.at(-1)!.receivedAt + 5 * HOUR)];
    const a = replay(toJsonl(rs), until);
    const b = replay(toJsonl(rs), until);
    expect(a.status).toBe(0);
    expect(b.out).toBe(a.out);
    // The CLI writes exactly what the in-process engine opens, in order.
    const alerts: Alert[] = [];
    const engine = createReplayEngine(defaultDetectorConfig, (x) => alerts.push(x));
    for (const r of rs) engine.push(r);
    engine.advanceTo(rs.at(-1)!.receivedAt + 5 * HOUR);
    expect(a.lines).toEqual(
      alerts.map((x) => ({
        meterId: x.meterId,
        type: x.type,
        openedAt: iso(x.openedAt),
        observedAt: iso(x.observedAt),
        reason: x.reason.en,
        reasonZh: x.reason.zh,
        facts: x.reason.facts,
        change: 'opened',
        stage: 'confirmed',
        alertId: x.id,
      })),
    );
    expect(a.lines.map((l) => l.type)).toEqual(['data-fault', 'leak', 'no-usage', 'surge', 'offline', 'offline', 'offline']);
    expect(a.lines[0]!.openedAt).toBe(iso(at(13, '12:07') + 30_000));
  });
});
