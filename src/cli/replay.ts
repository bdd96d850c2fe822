// npm run replay -- --input trace.jsonl --output alerts.jsonl [--until ISO] [--config file.json] [--responder file.json]
// Offline back-test: runs a recorded trace through the live service's detector and alert
// lifecycle on event time and writes one JSON line per alert opened. With --responder, scripted
// people answer no-usage alerts (src/replay/responder.ts) and the detector learns from them.
import { createReadStream, createWriteStream, readFileSync, statSync, type ReadStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DetectorConfigSchema } from '../detect/config.ts';
import type { Alert } from '../domain/alert.ts';
import { parseTraceLine, type AlertLine } from '../domain/trace.ts';
import { describeZodError, isoWithZoneMs } from '../domain/wire.ts';
import { createReplayEngine, type EscalatedVia } from '../replay/engine.ts';
import { ResponderSchema, type Responder } from '../replay/responder.ts';

const USAGE = `usage: npm run replay -- --input trace.jsonl --output alerts.jsonl [--until ISO-8601] [--config detector.json] [--responder answers.json]
  input:  JSONL, one reading per line in arrival order:
          {"meterId":"m-001","ts":"2026-01-05T07:31:00Z","totalLiters":1234.5,"receivedAt"?:ISO}
  output: JSONL, one line per alert opened ("change":"opened") and per check-in that reached the
          grid worker ("change":"escalated", "escalatedAt", "via": "confirmed" by the detector or
          "check-in-window" unanswered): {"meterId","type","openedAt","stage",...},
          and with --responder one per answer ("change":"answered", "answeredAt", "outcome", "by")
  responder: JSON {"seed"?, "checkIn"?: {"replyRate", "afterMs", "windowMs"?}, "visit"?: {"afterMs"},
          "households"?: {"<meterId>": [{"from": ISO, "to": ISO, "state": "incapacitated"|"away"}]}}`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: { input: { type: 'string' }, output: { type: 'string' }, until: { type: 'string' }, config: { type: 'string' }, responder: { type: 'string' }, help: { type: 'boolean' } },
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (!args.input || !args.output) {
    console.error(`--input and --output are required\n${USAGE}`);
    return 2;
  }
  // The wire's strict reading: Date.parse takes "2026-02-30" as 2 March and a time without a zone
  // in this machine's zone, so a back-test would quietly stop somewhere else.
  const until = args.until === undefined ? undefined : isoWithZoneMs(args.until);
  if (args.until !== undefined && until === undefined) {
    console.error(`--until: expected an ISO-8601 time with a zone (e.g. 2026-01-05T07:31:00Z), got "${args.until}"`);
    return 2;
  }
  const cfgParsed = DetectorConfigSchema.safeParse(args.config ? JSON.parse(readFileSync(args.config, 'utf8')) : {});
  if (!cfgParsed.success) {
    console.error(`--config: ${describeZodError(cfgParsed.error, Infinity)}`);
    return 2;
  }

  let responder: Responder | undefined;
  if (args.responder) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(args.responder, 'utf8'));
    } catch (e) {
      console.error(`--responder: expected a JSON file: ${(e as Error).message}`);
      return 2;
    }
    const r = ResponderSchema.safeParse(raw);
    if (!r.success) {
      console.error(`--responder: ${describeZodError(r.error, Infinity)}`);
      return 2;
    }
    responder = r.data;
  }

  // The input is opened first: a mistyped --input must not have already emptied the alerts file
  // of a previous run. A stream that cannot be opened is one line and exit 2, not a crash.
  let input: ReadStream, out: WriteStream;
  try {
    input = await opened(createReadStream(args.input));
  } catch (e) {
    console.error(`--input: cannot read ${args.input}: ${(e as Error).message}`);
    return 2;
  }
  if (sameFile(args.input, args.output)) {
    input.destroy();
    console.error(`--output: ${args.output} is the input file; writing alerts there would erase the trace`);
    return 2;
  }
  try {
    out = await opened(createWriteStream(args.output));
  } catch (e) {
    input.destroy();
    console.error(`--output: cannot write ${args.output}: ${(e as Error).message}`);
    return 2;
  }
  let writeError: Error | undefined;
  out.on('error', (e) => (writeError ??= e));
  const byType: Record<string, number> = {};
  const answered: Record<string, number> = {};
  const write = (a: Alert, change: 'opened' | 'escalated', at?: number, via?: EscalatedVia) => {
    const line: AlertLine = {
      meterId: a.meterId,
      type: a.type,
      openedAt: new Date(a.openedAt).toISOString(),
      observedAt: new Date(a.observedAt).toISOString(),
      reason: a.reason.en,
      reasonZh: a.reason.zh,
      facts: a.reason.facts,
      change,
      stage: change === 'escalated' ? 'confirmed' : (a.stage ?? 'confirmed'),
      ...(at !== undefined && { escalatedAt: new Date(at).toISOString() }),
      ...(via && { via }),
      alertId: a.id,
    };
    out.write(`${JSON.stringify(line)}\n`);
  };
  const engine = createReplayEngine(
    cfgParsed.data,
    (a) => {
      const key = a.stage === 'check-in' ? `${a.type}:check-in` : a.type;
      byType[key] = (byType[key] ?? 0) + 1;
      write(a, 'opened');
    },
    (a, at, via) => {
      const key = via === 'check-in-window' ? `${a.type}:unanswered` : `${a.type}:escalated`;
      byType[key] = (byType[key] ?? 0) + 1;
      write(a, 'escalated', at, via);
    },
    responder && {
      responder,
      onAnswered: (a, p) => {
        const key = a ? `${p.by}:${p.outcome}` : `${p.by}:too-late`;
        answered[key] = (answered[key] ?? 0) + 1;
        if (a) out.write(`${JSON.stringify({ meterId: a.meterId, type: a.type, openedAt: new Date(a.openedAt).toISOString(), change: 'answered', answeredAt: new Date(p.at).toISOString(), outcome: p.outcome, by: p.by, alertId: a.id })}\n`);
      },
    },
  );
  const started = performance.now();
  let lineNo = 0, readings = 0, invalid = 0;
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const text of rl) {
    lineNo++;
    if (!text.trim()) continue;
    const p = parseTraceLine(text);
    if (!p.ok) {
      if (invalid++ < 10) console.error(`line ${lineNo}: skipped: ${p.reason}`);
      continue;
    }
    const v = p.value;
    const arrival = v.receivedAt ?? v.ts;
    if (until !== undefined && arrival > until) break;
    engine.push({ meterId: v.meterId, ts: v.ts, totalLiters: v.totalLiters, receivedAt: arrival, flowLpm: v.flowLpm, battery: v.battery, seq: v.seq });
    readings++;
  }
  if (until !== undefined) engine.advanceTo(until);
  else engine.flush(); // a delivery still held at the end of the input is complete now
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err || writeError ? reject(err ?? writeError) : resolve())));
  const secs = (performance.now() - started) / 1000;
  const rate = Math.round(readings / Math.max(secs, 1e-6));
  console.error(
    `replay: ${readings} readings (${invalid} invalid lines skipped) from ${engine.detector.meters.size} meters in ${secs.toFixed(2)} s = ${rate} readings/s; ` +
      `verdicts ${JSON.stringify(engine.verdicts)}; alerts opened ${JSON.stringify(byType)}` +
      (responder ? `; answers ${JSON.stringify(answered)}` : ''),
  );
  return 0;
}

function sameFile(a: string, b: string): boolean {
  const sa = statSync(a, { throwIfNoEntry: false });
  const sb = statSync(b, { throwIfNoEntry: false });
  return !!sa && !!sb && sa.dev === sb.dev && sa.ino === sb.ino;
}

/** `s` once its file is open, or the reason it cannot be. */
function opened<S extends ReadStream | WriteStream>(s: S): Promise<S> {
  const e = s as NodeJS.EventEmitter;
  return new Promise((resolve, reject) => {
    e.once('error', reject);
    e.once('open', () => {
      e.off('error', reject);
      resolve(s);
    });
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`replay failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
