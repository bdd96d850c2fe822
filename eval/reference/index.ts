// The reference rules the harness compares Anxin against, by the name the table prints.
import { createCuddihyP97 } from './cuddihy-p97.ts';
import type { ReferenceRule } from './driver.ts';
import { createFixed10L12h } from './fixed-10l-12h.ts';
import { createNagano8h } from './nagano-8h.ts';

export const REFERENCE_RULES: Record<string, () => ReferenceRule> = {
  'fixed-10L-12h': () => createFixed10L12h(),
  'nagano-8h': () => createNagano8h(),
  'cuddihy-p97': () => createCuddihyP97(),
};

export { runRule } from './driver.ts';
