// npm run bench -- parse: the cost of validating one reading message (src/ingest/validate.ts),
// for the payload forms meters send: epoch-ms `ts` and ISO `ts` (the load bench's meters send
// ISO). Both go through the fast path (src/ingest/fast-reading.ts); a payload with an unknown
// key is rejected by zod, which words the reason: shown for comparison.
import { parseMessage } from '../src/ingest/index.ts';

const BASE = Date.UTC(2026, 11, 1);
const N = 1000;
const ROUNDS = 200;
const forms: Record<string, (i: number) => string> = {
  'epoch ts': (i) => `{"ts":${BASE + i * 1000},"totalLiters":${(12345.678 + i).toFixed(3)},"seq":${i},"flowLpm":4.21,"battery":87}`,
  'ISO ts': (i) => `{"ts":"${new Date(BASE + i * 1000).toISOString()}","totalLiters":${(12345.678 + i).toFixed(3)},"seq":${i},"flowLpm":4.21,"battery":87}`,
  'unknown key (zod words the rejection)': (i) => `{"ts":"${new Date(BASE + i * 1000).toISOString()}","totalLiters":${(12345.678 + i).toFixed(3)},"seq":${i},"flowLpm":4.21,"battery":87,"x":1}`,
};

export function benchParse(): void {
  console.log(`\n## Validating one reading message (${N * ROUNDS} messages per form, best of 3)\n`);
  console.log('| payload | µs per message | accepted |');
  console.log('|---|---|---|');
  for (const [name, make] of Object.entries(forms)) {
    const payloads = Array.from({ length: N }, (_, i) => make(i));
    let best = Infinity;
    let ok = 0;
    for (let round = 0; round < 3; round++) {
      ok = 0;
      const t0 = performance.now();
      for (let n = 0; n < ROUNDS; n++) for (const p of payloads) if (parseMessage('m-1', 'meters/m-1/reading', p, BASE + 2e6).ok) ok++;
      best = Math.min(best, ((performance.now() - t0) * 1000) / (N * ROUNDS));
    }
    console.log(`| ${name} | ${best.toFixed(2)} | ${ok.toLocaleString('en-US')} |`);
  }
}
