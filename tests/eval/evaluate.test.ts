import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetUnavailable, type DatasetSpec } from '../../eval/datasets/dataset.ts';
import { buildSmokeDataset, smokeSpec } from '../../eval/datasets/smoke.ts';
import { evaluate } from '../../eval/evaluate.ts';
import { anxinSystem } from '../../eval/systems/anxin.ts';
import { referenceSystems } from '../../eval/systems/reference.ts';
import { SystemUnavailable, type System } from '../../eval/systems/system.ts';
import { formatDatasetBlock, formatSummary } from '../../eval/table.ts';
import { arrivalMs } from '../../eval/trace.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'anxin-eval-'));

describe('smoke dataset', () => {
  it('is in arrival order and labels one event of each kind', () => {
    const ds = buildSmokeDataset();
    const arrivals = ds.lines.map(arrivalMs);
    expect(arrivals.every((a, i) => i === 0 || arrivals[i - 1]! <= a)).toBe(true);
    expect(ds.labels.events.map((e) => e.type).sort()).toEqual(['data-fault', 'leak', 'no-usage', 'offline', 'surge']);
    expect(ds.labels.meters).toHaveLength(3);
  });
});

describe('evaluate', () => {
  const unavailable: System = {
    name: 'anxin',
    run: async () => {
      throw new SystemUnavailable('src/cli/replay.ts does not exist yet');
    },
  };
  const missing: DatasetSpec = {
    name: 'sim-missing',
    about: 'a generator that is not there',
    build: async () => {
      throw new DatasetUnavailable('simulator not available');
    },
  };

  it('scores every system on every dataset, skips what is unavailable, and writes the files', async () => {
    const out = tmp();
    const printed: string[] = [];
    const r = await evaluate({
      specs: [missing, smokeSpec, smokeSpec],
      systems: [unavailable, ...referenceSystems()],
      outDir: out,
      onDataset: (d) => printed.push(formatDatasetBlock(d)),
    });
    expect(r.skipped).toEqual([{ dataset: 'sim-missing', why: 'simulator not available' }]);
    expect(r.datasets).toHaveLength(2);
    const smoke = r.datasets[0]!;
    expect(smoke.systems.map((s) => [s.system, !!s.score, s.error])).toEqual([
      ['anxin', false, 'src/cli/replay.ts does not exist yet'],
      ['fixed-10L-12h', true, undefined],
      ['nagano-8h', true, undefined],
      ['cuddihy-p97', true, undefined],
    ]);
    expect(smoke.score.householdMonths).toBeCloseTo(1.2 - 6 / 24 / 30, 6); // 3 meters × 12 days, less a 6 h labelled outage
    // The naive references count the 50,000 L glitch as use but none holds 2 h of flow on it.
    const nagano = smoke.systems.find((s) => s.system === 'nagano-8h')!.score!;
    expect(nagano.byType.surge.detected).toBe(1);
    expect(nagano.dataFaultSurges).toBe(0);
    expect(existsSync(join(out, 'smoke', 'trace.jsonl'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'smoke', 'labels.json'), 'utf8')).events).toHaveLength(5);
    expect(readFileSync(join(out, 'smoke', 'alerts-nagano-8h.jsonl'), 'utf8')).toContain('"type":"surge"');

    expect(printed[0]).toMatch(/━━ smoke — 3 meters · 1\.2 household-months/);
    expect(printed[0]).toContain('anxin: not scored — src/cli/replay.ts does not exist yet');
    const summary = formatSummary(r.summary);
    expect(summary).toContain('no-usage recall = 100 %');
    expect(summary).toContain('anxin: not scored');
    expect(r.summary.pooled.map((p) => p.system)).toEqual(['fixed-10L-12h', 'nagano-8h', 'cuddihy-p97']);
    expect(r.summary.pooled[0]!.score.householdMonths).toBeCloseTo(2 * (1.2 - 6 / 24 / 30), 6);
  });
});

describe('anxin through the replay CLI', () => {
  it('is unavailable, with a clear message, where src/cli/replay.ts does not exist', async () => {
    const out = tmp();
    const run = anxinSystem(out).run(buildSmokeDataset(), { trace: join(out, 't.jsonl'), alerts: join(out, 'a.jsonl'), until: 0 });
    await expect(run).rejects.toThrow(SystemUnavailable);
    await expect(run).rejects.toThrow(/src\/cli\/replay\.ts does not exist yet/);
  });

  // The replay CLI ships with the project, so this contract test always runs.
  it(
    'runs `npm run replay` on the smoke trace and reads its alerts (contract test)',
    async () => {
      const r = await evaluate({ specs: [smokeSpec], systems: [anxinSystem()], outDir: tmp() });
      const anxin = r.datasets[0]!.systems[0]!;
      expect(anxin.error).toBeUndefined();
      expect(anxin.score!.alerts).toBeGreaterThan(0);
      expect(anxin.run!.readingsPerSec).toBeGreaterThan(0);
    },
    120_000,
  );
});
