// The reference rules as systems: run in-process over the dataset's lines.
import { performance } from 'node:perf_hooks';
import { writeJsonl } from '../io.ts';
import { REFERENCE_RULES, runRule } from '../reference/index.ts';
import type { System } from './system.ts';

export const referenceSystems = (): System[] =>
  Object.entries(REFERENCE_RULES).map(([name, create]) => ({
    name,
    async run(ds, files) {
      const t0 = performance.now();
      const alerts = runRule(create(), ds.lines, { until: files.until });
      const wallMs = performance.now() - t0;
      writeJsonl(files.alerts, alerts);
      const readings = ds.lines.length;
      return { alerts, readings, wallMs, readingsPerSec: readings / Math.max(wallMs / 1000, 1e-6), speedSource: 'wall-clock' };
    },
  }));
