// A system under test in its own child process (so its CPU and memory are its own): Anxin
// (service.ts) or aedes with an empty handler (aedes-empty.ts). Talks to it over the IPC
// channel; reads its CPU time and RSS from /proc (Linux), outside its event loop, so a
// saturated service is still measured at the right instant.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Depth, FromChild, PhaseResult, PhaseWindow, ToChild } from './recorder.ts';

export interface ProcSample {
  at: number;
  /** User + system CPU seconds so far. */
  cpuSec: number;
  rssBytes: number;
  peakRssBytes: number;
}

// USER_HZ is 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)).
const CLK_TCK = 100;

export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at ") ".
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSec = (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime, stime (fields 14, 15)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { at: Date.now(), cpuSec, rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

export type Ready = Extract<FromChild, { type: 'ready' }>;

export class Target {
  readonly #child: ChildProcess;
  readonly ready: Promise<Ready>;
  #exited = false;

  constructor(
    readonly name: string,
    script: 'service.ts' | 'aedes-empty.ts',
    env: Record<string, string>,
  ) {
    const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
    // LOAD_SERVICE_ARGS: extra Node flags for the system under test (e.g. --cpu-prof to profile it).
    const extra = (process.env.LOAD_SERVICE_ARGS ?? '').split(' ').filter(Boolean);
    this.#child = spawn(process.execPath, [...extra, '--import', 'tsx', file], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...env },
    });
    this.#child.on('exit', () => (this.#exited = true));
    this.ready = new Promise((resolve, reject) => {
      const on = (m: FromChild) => {
        if (m.type === 'ready') resolve(m);
        else if (m.type === 'fatal') reject(new Error(`${name} failed to start:\n${m.message}`));
        else return;
        this.#child.off('message', on);
      };
      this.#child.on('message', on);
      this.#child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  proc(): ProcSample {
    return sampleProc(this.pid);
  }

  #ask<T extends FromChild['type']>(msg: ToChild, type: T, timeoutMs = 30_000): Promise<Extract<FromChild, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#child.off('message', on);
        reject(new Error(`${this.name} did not answer ${msg.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (m: FromChild) => {
        if (m.type !== type) return;
        clearTimeout(timer);
        this.#child.off('message', on);
        resolve(m as Extract<FromChild, { type: T }>);
      };
      this.#child.on('message', on);
      this.#child.send(msg);
    });
  }

  open(window: PhaseWindow): void {
    this.#child.send({ type: 'open', window } satisfies ToChild);
  }

  async result(name: string): Promise<PhaseResult | null> {
    return (await this.#ask({ type: 'result', name }, 'result')).result;
  }

  /** Anxin's pipeline depth and memory over IPC (null for aedes, or no answer within 2 s). */
  async depth(): Promise<Depth | null> {
    try {
      return (await this.#ask({ type: 'depth' }, 'depth', 2000)).depth;
    } catch {
      return null;
    }
  }

  async total(): Promise<number> {
    return (await this.#ask({ type: 'total' }, 'total')).total;
  }

  /** Readings handled so far, polled until it stops short of `expected` for `idleMs` or reaches it. */
  async drain(expected: number, untilMs: number): Promise<number> {
    let last = -1;
    for (;;) {
      const t = await this.total();
      if (t >= expected || Date.now() >= untilMs) return t;
      if (t === last) await new Promise((r) => setTimeout(r, 100));
      last = t;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.#exited) return;
    try {
      await this.#ask({ type: 'stop' }, 'stopped', 60_000);
    } catch {
      this.#child.kill('SIGKILL');
    }
    if (!this.#exited) await new Promise((r) => this.#child.once('exit', r));
  }
}
