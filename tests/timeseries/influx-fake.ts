// A local HTTP server standing in for InfluxDB 2 (time-series tests): POST /api/v2/write stores
// the line protocol it receives (gzip or not) and answers 204; POST /api/v2/delete applies
// InfluxDB's contract — points whose tag household equals the predicate's value and whose
// time lies in [start, stop] are removed — and answers 204. Lines are kept as written.
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { lineTags } from '../../src/timeseries/line-protocol.ts';

export interface FakeInflux {
  url: string;
  /** Every line currently held (after deletes). */
  lines: string[];
  /** Every line ever received. */
  received: string[];
  deletes: { start: string; stop: string; predicate: string }[];
  close(): Promise<void>;
}

/** The point's timestamp (ms precision, as the writer writes). */
export const lineTime = (line: string): number => Number(line.slice(line.lastIndexOf(' ') + 1));

export async function fakeInflux(): Promise<FakeInflux> {
  const state: FakeInflux = { url: '', lines: [], received: [], deletes: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url!, 'http://x');
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const text = body.toString('utf8');
      if (u.pathname === '/api/v2/write') {
        const ls = text.split('\n').filter(Boolean);
        state.received.push(...ls);
        state.lines.push(...ls);
        return res.writeHead(204).end();
      }
      if (u.pathname === '/api/v2/delete') {
        const b = JSON.parse(text) as { start: string; stop: string; predicate: string };
        state.deletes.push(b);
        const m = /^household="((?:[^"\\]|\\.)*)"$/.exec(b.predicate);
        if (!m) return res.writeHead(400).end('{"code":"invalid","message":"predicate"}');
        const id = m[1]!.replace(/\\(.)/g, '$1');
        const start = Date.parse(b.start);
        const stop = Date.parse(b.stop);
        state.lines = state.lines.filter((l) => {
          const t = lineTime(l);
          return !(lineTags(l).get('household') === id && t >= start && t <= stop);
        });
        return res.writeHead(204).end();
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  state.close = () => new Promise((ok) => server.close(() => ok()));
  return state;
}
