// npx tsx bench/load/heapsample.ts FILE [N]
// Reads a sampling heap profile written by the load bench's service (LOAD_HEAP_SAMPLE=FILE, see
// bench/load/service.ts) and prints the N allocation sites with the most sampled bytes (self),
// and the N functions with the most inclusive bytes (each counted once per sample stack).
import { readFileSync } from 'node:fs';

interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  id: number;
  children: Node[];
}
const [file, top] = process.argv.slice(2);
if (!file) throw new Error('usage: heapsample.ts FILE [N]');
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: Node };
const n = Number(top ?? 30);
const name = (x: Node) =>
  `${x.callFrame.functionName || '(anonymous)'} ${x.callFrame.url.replace(/.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')}:${x.callFrame.lineNumber + 1}`;
const self = new Map<string, number>();
const incl = new Map<string, number>();
let total = 0;
const walk = (x: Node, stack: string[]): number => {
  const me = name(x);
  let size = x.selfSize;
  self.set(me, (self.get(me) ?? 0) + x.selfSize);
  const inner = [...stack, me];
  for (const c of x.children) size += walk(c, inner);
  if (!stack.includes(me)) incl.set(me, (incl.get(me) ?? 0) + size);
  return size;
};
total = walk(head, []);
const show = (m: Map<string, number>) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${(v / 2 ** 20).toFixed(1).padStart(7)} MiB  ${k}`).join('\n');
console.log(`sampled ${(total / 2 ** 20).toFixed(1)} MiB\n\nself:\n${show(self)}\n\ninclusive:\n${show(incl)}`);
