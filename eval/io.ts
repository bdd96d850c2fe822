// File output of the harness (.eval-out/): JSONL traces and alerts, JSON labels and results.
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseAlertLines, type EvalAlert } from './trace.ts';

export function writeJsonl(path: string, items: Iterable<unknown>): number {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  let n = 0;
  let chunk: string[] = [];
  try {
    for (const item of items) {
      chunk.push(JSON.stringify(item));
      n++;
      if (chunk.length === 10_000) {
        writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    if (chunk.length) writeSync(fd, chunk.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
  return n;
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}

export const readAlerts = (path: string): EvalAlert[] => parseAlertLines(readFileSync(path, 'utf8'));
