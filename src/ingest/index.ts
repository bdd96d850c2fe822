export { createIngest, MAX_DEAD_LETTER_PAYLOAD, type Defer, type Ingest, type IngestDeps, type IngestHandler, type IngestOutcome } from './ingest.ts';
export type { DeadLetter, DeadLetterSink, IngestCounters, IngestSinks, RejectReason } from './ports.ts';
export { DEFAULT_PLAUSIBILITY, implausibility, PARSE_SLICE, parseMessage, parseSteps, type Parsed, type Plausibility, type RejectCode } from './validate.ts';
export { DEFAULT_DEDUPE, RecentReadings, type DedupeOptions } from './dedupe.ts';
