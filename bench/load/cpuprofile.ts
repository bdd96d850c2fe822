// npx tsx bench/load/cpuprofile.ts FILE.cpuprofile [FROM-TO] [N]
// Reads a V8 CPU profile of the service under load (LOAD_SERVICE_ARGS="--cpu-prof
// --cpu-prof-dir=/tmp/prof", README) and prints, per second of the profile, the share of
// "(idle)", GC and "(program)" samples, so the load bench's phases can be told apart; then,
// for the seconds FROM-TO, the N functions with the most self time and with the most
// inclusive time (each function counted once per sample, however deep it recurses).
// Read "(idle)" with care: Node marks the isolate idle from libuv's prepare phase to its check
// phase, so it holds epoll_wait and also the poll phase's native work outside JS (the read()
// of every readable socket). At the QoS 1 maximum it was 14-17 % while the event-loop
// utilization (performance.eventLoopUtilization) was >= 0.995 in every 500 ms sample.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, range, top] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile.ts FILE.cpuprofile [FROM-TO seconds] [N]');
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const [from, to] = (range ?? '').split('-').map(Number);
const n = Number(top ?? 40);
const byId = new Map(p.nodes.map((x) => [x.id, x]));
const parent = new Map<number, number>();
for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
const name = (x: Node) => `${x.callFrame.functionName || '(anonymous)'} ${x.callFrame.url.replace(/.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')}:${x.callFrame.lineNumber + 1}`;

const seconds: { idle: number; gc: number; program: number; all: number }[] = [];
const self = new Map<string, number>();
const incl = new Map<string, number>();
let t = 0;
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  const d = p.timeDeltas[i] ?? 0;
  t += d;
  const s = Math.floor(t / 1e6);
  const sec = (seconds[s] ??= { idle: 0, gc: 0, program: 0, all: 0 });
  const leaf = byId.get(p.samples[i]!)!;
  const f = leaf.callFrame.functionName;
  sec.all += d;
  if (f === '(idle)') sec.idle += d;
  else if (f === '(garbage collector)') sec.gc += d;
  else if (f === '(program)') sec.program += d;
  if (!(s >= from! && s <= to!)) continue;
  total += d;
  self.set(name(leaf), (self.get(name(leaf)) ?? 0) + d);
  const seen = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const k = name(byId.get(id)!);
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + d);
  }
}
const pct = (x: number, of: number) => `${((100 * x) / (of || 1)).toFixed(1).padStart(5)} %`;
seconds.forEach((s, i) => s && console.log(`${String(i).padStart(4)} s  idle ${pct(s.idle, s.all)}  gc ${pct(s.gc, s.all)}  program ${pct(s.program, s.all)}`));
if (total > 0) {
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${pct(v, total)}  ${k}`).join('\n');
  console.log(`\nseconds ${from}-${to}, self time:\n${list(self)}\n\ninclusive:\n${list(incl)}`);
}
