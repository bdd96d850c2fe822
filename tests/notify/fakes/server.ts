// A local HTTP server for provider fakes (node:http on 127.0.0.1:0). Each fake supplies the handler that
// ENFORCES its provider's documented contract; this file adds what every fake needs: the raw bytes
// received, a record of requests, and one-shot overrides (HTTP-200 error body, 5xx, hang).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: URL;
  /** Header names lower-cased, as node delivers them. */
  headers: Record<string, string>;
  /** The exact bytes received: signatures are recomputed from these. */
  raw: Buffer;
}

export type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/** One-shot behaviours a test can queue before a call. */
/** 'late': the request is handled (the provider acts on it) but its answer never comes, as when
 *  the answer is lost or slower than the client's timeout. */
export type Override = { kind: 'status'; status: number; body?: string; headers?: Record<string, string> } | { kind: 'hang' } | { kind: 'late' } | { kind: 'json'; body: unknown };

export interface Fake {
  readonly url: string;
  readonly requests: Received[];
  /** Queue a behaviour for the next request (to `path` only, when given), applied after the request is recorded. */
  override(o: Override, path?: string): void;
  /** Resolves once `n` requests have arrived in total (for aborting a hung call without sleeping). */
  arrived(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFake(handle: (req: Received) => Answer | Promise<Answer>): Promise<Fake> {
  const requests: Received[] = [];
  const overrides: { o: Override; path: string | undefined }[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const rec: Received = { method: req.method ?? '', url: new URL(req.url ?? '/', 'http://fake'), headers, raw: Buffer.concat(chunks) };
      requests.push(rec);
      for (const w of waiters.filter((w) => requests.length >= w.n)) w.resolve();
      const i = overrides.findIndex((x) => x.path === undefined || x.path === rec.url.pathname);
      const o = i >= 0 ? overrides.splice(i, 1)[0]!.o : undefined;
      if (o?.kind === 'hang') return; // never answer; the client's AbortSignal must end it
      let answer: Answer;
      if (o?.kind === 'status') answer = { status: o.status, body: o.body ?? '', headers: o.headers ?? {} };
      else if (o?.kind === 'json') answer = { status: 200, body: o.body };
      else answer = await handle(rec);
      if (o?.kind === 'late') return;
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json', ...(answer.headers ?? {}) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    override: (o, path) => void overrides.push({ o, path }),
    arrived: (n) => (requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A manual clock shared by a client and its fake (epoch ms). */
export function manualClock(startMs: number): { now: () => number; advance: (ms: number) => void } {
  let t = startMs;
  return { now: () => t, advance: (ms) => void (t += ms) };
}
