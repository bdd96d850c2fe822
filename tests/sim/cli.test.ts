// The CLI as a user runs it: a real process, real files.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { DatasetLabels } from '../../eval/labels.ts';
import { parseJsonl } from '../../device-sim/trace.ts';

const run = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
const CLI = join(process.cwd(), 'device-sim/cli.ts');

describe('sim CLI', () => {
  it('documents every command in --help', async () => {
    const { stdout } = await run(TSX, [CLI, '--help']);
    for (const cmd of ['generate', 'run', 'publish', 'meters', 'convert-real', '--bad-payloads', '--duplicates', '--scenario']) expect(stdout).toContain(cmd);
  });

  it('generate writes a trace and labels that parse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anxin-sim-'));
    const out = join(dir, 'trace.jsonl');
    const labels = join(dir, 'labels.json');
    await run(TSX, [CLI, 'generate', '--households', '3', '--days', '17', '--seed', '4', '--cadence', '15min', '--out', out, '--labels', labels]);
    const lines = parseJsonl(readFileSync(out, 'utf8'));
    const parsed = JSON.parse(readFileSync(labels, 'utf8')) as DatasetLabels;
    expect(parsed.meters.map((m) => m.cadence)).toEqual(['15min', '15min', '15min']);
    expect(lines.length).toBeGreaterThan(3 * 17 * 90);
  }, 30_000);

  it('fails with a clear message on a bad argument', async () => {
    const err = (await run(TSX, [CLI, 'generate', '--days', 'x']).catch((e: { stderr: string; code: number }) => e)) as { stderr: string; code: number };
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/expected --days to be a number, got "x"/);
  });

  it('refuses a --start that is not a real date, or a time without a zone, instead of guessing', async () => {
    // Date.parse reads 2026-02-30 as 2 March and "2026-01-05T07:00" in this machine's zone.
    for (const bad of ['2026-02-30', '2026-01-05T07:00', 'next monday']) {
      const err = (await run(TSX, [CLI, 'generate', '--start', bad, '--out', '/dev/null', '--labels', '/dev/null']).catch((e: { stderr: string; code: number }) => e)) as { stderr: string; code: number };
      expect(err.code, bad).toBe(2);
      expect(err.stderr, bad).toContain(`--start: expected an ISO-8601 date (2026-01-05) or an instant with a zone (2026-01-05T07:30:00+08:00), got "${bad}"`);
      expect(err.stderr, bad).toContain('(see --help)');
    }
  });
});
