// The load generator's main-thread side: splits the meters over worker threads
// (generator-worker.ts), starts each phase on all of them at the same instant and adds up
// what they report. The same generator drives both systems.
import { Worker } from 'node:worker_threads';

export interface PhasePlan {
  name: string;
  qos: 0 | 1;
  /** 'rate': open loop at `rate`/s (the whole generator); 'max': closed loop, `window` in flight. */
  mode: 'rate' | 'max';
  rate: number;
  window: number;
  /** Epoch ms: sending starts, the measured window, sending stops, PUBACKs awaited until. */
  start: number;
  windowFrom: number;
  windowTo: number;
  stopAt: number;
  drainUntil: number;
  /** Rate phases: the most QoS 1 publishes one meter leaves unacknowledged; more readings wait in the meter (`heldBack`). */
  cap?: number;
  /** Overload: at `dropAt` (epoch ms) the offered rate drops from `rate` to `rateAfter`. */
  dropAt?: number;
  rateAfter?: number;
}

export interface RunStats {
  sent: number;
  /** Publishes issued inside the measured window (to compare with the offered rate). */
  sentInWindow: number;
  acked: number;
  ackErrors: number;
  /** QoS 1 publishes still without PUBACK at the drain deadline. */
  unacked: number;
  /** Meters whose connection closed during the phase. */
  drops: number;
  /** Offered readings a meter kept back because `cap` of its publishes were unacknowledged. */
  heldBack: number;
}

export interface ConnectStats {
  ms: number;
  connected: number;
  retries: number;
  failed: number;
  /** CONNACKs with a refusal code (bad credentials, server unavailable). */
  refused: number;
}

export type ToWorker =
  | { cmd: 'attach'; host: string; port: number; meters: { id: string; token: string; seed: number }[] }
  | { cmd: 'connect'; timeoutMs: number } | { cmd: 'blip'; timeoutMs: number } | { cmd: 'run'; plan: PhasePlan } | { cmd: 'close' };
export type FromWorker = { ev: 'ready' } | { ev: 'attached' } | { ev: 'connected'; stats: ConnectStats } | { ev: 'ran'; stats: RunStats } | { ev: 'closed' };

export class Generator {
  readonly #workers: Worker[];

  /** Threads are started once for the whole run; `attach` points them at a system. */
  constructor(threads: number) {
    const n = Math.max(1, threads);
    // A worker does not inherit the tsx loader (nor take it from --import on Node 20):
    // a two-line bootstrap registers it, then loads the TypeScript worker.
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(new URL('./generator-worker.ts', import.meta.url).href)}); })`;
    this.#workers = Array.from({ length: n }, () => new Worker(boot, { eval: true }));
    // A worker that dies fails the phase at once instead of leaving the bench waiting forever.
    this.#failed = new Promise((_, reject) => {
      for (const w of this.#workers) {
        w.on('error', (err) => reject(new Error(`generator worker failed: ${err.stack ?? err}`)));
        w.on('exit', (code) => !this.#closing && reject(new Error(`generator worker exited (code ${code})`)));
      }
    });
    this.#failed.catch(() => {});
    // Loading a worker (tsx, mqtt.js) takes a moment: never count it in the connect time.
    this.#ready = this.#guard(Promise.all(this.#workers.map((w) => new Promise<void>((resolve) => w.once('message', () => resolve())))));
  }

  readonly #ready: Promise<void[]>;

  readonly #failed: Promise<never>;
  #closing = false;

  #all<T extends FromWorker['ev']>(msg: ToWorker, ev: T): Promise<Extract<FromWorker, { ev: T }>[]> {
    return this.#guard(Promise.all(
      this.#workers.map(
        (w) =>
          new Promise<Extract<FromWorker, { ev: T }>>((resolve) => {
            const on = (m: FromWorker) => {
              if (m.ev !== ev) return;
              w.off('message', on);
              resolve(m as Extract<FromWorker, { ev: T }>);
            };
            w.on('message', on);
            w.postMessage(msg);
          }),
      ),
    ));
  }

  #guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.#failed]);
  }

  /** The meters of one system, dealt round-robin over the threads. */
  async attach(host: string, port: number, meters: { id: string; token: string }[]): Promise<void> {
    await this.#ready;
    const n = this.#workers.length;
    const slices: { id: string; token: string; seed: number }[][] = Array.from({ length: n }, () => []);
    meters.forEach((m, i) => slices[i % n]!.push({ ...m, seed: i }));
    await this.#guard(
      Promise.all(
        this.#workers.map(
          (w, i) =>
            new Promise<void>((resolve) => {
              const on = (m: FromWorker) => {
                if (m.ev !== 'attached') return;
                w.off('message', on);
                resolve();
              };
              w.on('message', on);
              w.postMessage({ cmd: 'attach', host, port, meters: slices[i]! } satisfies ToWorker);
            }),
        ),
      ),
    );
  }

  /** All meters at once; the time is until the last CONNACK. */
  async connect(timeoutMs: number, blip = false): Promise<ConnectStats> {
    await this.#ready;
    const t0 = performance.now();
    const r = await this.#all({ cmd: blip ? 'blip' : 'connect', timeoutMs }, 'connected');
    const sum = (k: keyof ConnectStats) => r.reduce((a, x) => a + x.stats[k], 0);
    return { ms: Math.round(performance.now() - t0), connected: sum('connected'), retries: sum('retries'), failed: sum('failed'), refused: sum('refused') };
  }

  async run(plan: PhasePlan): Promise<RunStats> {
    const share = (x: number) => x / this.#workers.length;
    const r = await this.#guard(Promise.all(
      this.#workers.map(
        (w) =>
          new Promise<RunStats>((resolve) => {
            const on = (m: FromWorker) => {
              if (m.ev !== 'ran') return;
              w.off('message', on);
              resolve(m.stats);
            };
            w.on('message', on);
            w.postMessage({ cmd: 'run', plan: { ...plan, rate: share(plan.rate), rateAfter: share(plan.rateAfter ?? 0), window: Math.ceil(share(plan.window)) } } satisfies ToWorker);
          }),
      ),
    ));
    const sum = (k: keyof RunStats) => r.reduce((a, x) => a + x[k], 0);
    return { sent: sum('sent'), sentInWindow: sum('sentInWindow'), acked: sum('acked'), ackErrors: sum('ackErrors'), unacked: sum('unacked'), drops: sum('drops'), heldBack: sum('heldBack') };
  }

  /** Every meter disconnects cleanly (bounded: 5 s). */
  async detach(): Promise<void> {
    await Promise.race([this.#all({ cmd: 'close' }, 'closed').catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
