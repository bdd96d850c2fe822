export { createIngest, MAX_DEAD_LETTER_PAYLOAD, type IngestDeps, type IngestHandler, type IngestOutcome } from './ingest.ts';
export type { DeadLetter, DeadLetterSink, IngestCounters, IngestSinks, RejectReason } from './ports.ts';
export { DEFAULT_PLAUSIBILITY, implausibility, parseMessage, type Parsed, type Plausibility, type RejectCode } from './validate.ts';
export { DEFAULT_DEDUPE, RecentReadings, type DedupeOptions } from './dedupe.ts';
