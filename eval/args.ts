// Command-line flags of `npm run eval`.
import { parseArgs } from 'node:util';
import { ResponderSchema } from '../src/replay/responder.ts';

/** The assumed share of check-ins a well elder answers (no field data yet): the responder's default. */
export const DEFAULT_REPLY_RATE = ResponderSchema.parse({}).checkIn.replyRate;

export interface EvalArgs {
  quick: boolean;
  datasets: string[];
  systems: string[];
  json?: string;
  /** Detector config file handed to the replay CLI (`--config`), for tuning without editing defaults. */
  detectorConfig?: string;
  /** Share of check-ins a well elder answers in the "+ answers" run (anxin-answered). */
  replyRate: number;
  out: string;
  check: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run eval -- [flags]
  --quick            small datasets (CI, tests): 8-10 households × 20 days per simulator set
  --dataset NAME     only this dataset; repeat or comma-separate (sim-1min, sim-5min, sim-15min,
                     sim-hourly-batch, sim-mix, sim-heldout, sim-realistic,
                     sim-realistic-heldout, sim-pulse-10L, real-daiad-1p, real-daiad-2p,
                     real-ciws, real-homes, real-homes-heldout, smoke)
  --system NAME      only this system; repeat or comma-separate (anxin, fixed-10L-12h,
                     nagano-8h, cuddihy-p97)
  --json FILE        also write machine-readable results to FILE
  --detector-config FILE
                     anxin's detector settings (JSON), passed to the replay CLI as --config
  --reply-rate R     "+ answers": the share of check-ins a well elder answers, 0-1 (default 0.8)
  --out DIR          where traces, labels and alerts go (default .eval-out)
  --check            exit 1 when anxin misses a target (or could not be scored)
  --help`;

const list = (v: string[] | undefined): string[] => (v ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);

/** Throws with "expected …" on unknown flags or missing values. */
export function parseEvalArgs(argv: string[]): EvalArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean', default: false },
      dataset: { type: 'string', multiple: true },
      system: { type: 'string', multiple: true },
      json: { type: 'string' },
      'detector-config': { type: 'string' },
      'reply-rate': { type: 'string' },
      out: { type: 'string', default: '.eval-out' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const rate = values['reply-rate'] === undefined ? DEFAULT_REPLY_RATE : Number(values['reply-rate']);
  if (!(rate >= 0 && rate <= 1)) throw new Error(`--reply-rate: expected a share from 0 to 1, got "${values['reply-rate']}"`);
  return {
    quick: values.quick,
    replyRate: rate,
    datasets: list(values.dataset),
    systems: list(values.system),
    json: values.json,
    detectorConfig: values['detector-config'],
    out: values.out,
    check: values.check,
    help: values.help,
  };
}
