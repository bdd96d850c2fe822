// Regression (a bug hunt found it; fixed): when the broker's worker thread dies, the service keeps answering /health 200
// {"status":"ok","broker":"up"} until it has stopped — and stopping takes 10 s more, because
// close() posts 'close' to the dead thread and waits out its 10 s timeout before anything else
// in the teardown runs (so for ~10 s no meter is served while health checks see a healthy service).
// Cause: src/broker/threaded.ts:73-78 (fail() only logs and calls onFailure; nothing marks the
// broker down) with src/app.ts:271-273 (health: `broker !== undefined` → 'up'), and
// src/broker/threaded.ts:156-160 (close() waits for a 'closed' a dead worker never sends).
// Correct: (src/app.ts:328) "a service whose broker thread died must not look healthy": /health 503
// with broker "down" from the moment the thread died, and close() returning at once for a dead thread.
import { describe, expect, it, vi } from 'vitest';

// Only to get hold of the broker's worker (to end it as a crash would); everything else is real.
const workers: { args: unknown[]; w: import('node:worker_threads').Worker }[] = [];
vi.mock('node:worker_threads', async (orig) => {
  const mod = await orig<typeof import('node:worker_threads')>();
  class Tracked extends mod.Worker {
    constructor(...args: ConstructorParameters<typeof mod.Worker>) {
      super(...args);
      workers.push({ args, w: this });
    }
  }
  return { ...mod, Worker: Tracked, default: { ...mod, Worker: Tracked } };
});

import { startApp } from '../privacy/app-harness.ts';

// Before the fix, app.stop() waited out threaded.ts's 10 s close timeout for the dead thread.
vi.setConfig({ hookTimeout: 30_000 });

describe('the broker thread dies (mqtt.thread = worker)', () => {
  it('no longer reports the broker up and the service healthy', async () => {
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true); // the SIGTERM onFailure sends
    try {
      const h = await startApp();
      expect((await h.app.http.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      const broker = workers.find((x) => String(x.args[0]).includes('thread-entry'))!.w;
      const exited = new Promise((r) => broker.once('exit', r));
      await broker.terminate(); // as an out-of-memory or an uncaught exception in the thread would
      await exited;
      for (let i = 0; i < 100 && kill.mock.calls.length === 0; i++) await new Promise((r) => setImmediate(r));
      expect(kill).toHaveBeenCalledWith(process.pid, 'SIGTERM');

      const health = await h.app.http.inject({ method: 'GET', url: '/health' });
      expect({ status: health.statusCode, broker: health.json().broker }).toEqual({ status: 503, broker: 'down' });
    } finally {
      kill.mockRestore();
    }
  });
});
