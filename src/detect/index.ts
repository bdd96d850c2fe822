export { createDetector, onReading, onTick, tickMeter, offlineDeadline, setAway, meterOf, onStatus, type DetectorState } from './detector.ts';
export { DetectorConfigSchema, defaultDetectorConfig, type DetectorConfig } from './config.ts';
export type { DetectorEvent, ReadingResult, ReadingVerdict } from './events.ts';
