// A real VictoriaMetrics (Debian's `victoria-metrics`) on a free port: it implements
// InfluxDB 2's POST /api/v2/write (line protocol), and /api/v1/export reads points back.
// Waits are bounded polls of its port or export, never sleeps.
// https://docs.victoriametrics.com/#how-to-send-data-from-influxdb-compatible-agents-such-as-telegraf
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const VM_BIN = process.env.ANXIN_VM_BIN ?? '/usr/bin/victoria-metrics';

/** True when tests can run; without the binary: fail under CI, warn loudly and skip locally. */
export function vmAvailable(): boolean {
  if (existsSync(VM_BIN)) return true;
  if (process.env.CI) throw new Error(`${VM_BIN} is missing: CI must install the Debian package victoria-metrics (see .ci/run)`);
  console.warn(`\n!!! SKIPPING VictoriaMetrics tests: ${VM_BIN} not found (apt-get install victoria-metrics) !!!\n`);
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Series {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

/** Polls `probe` every 50 ms until it returns a value, or throws after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class VictoriaMetrics {
  readonly dir = mkdtempSync(join(tmpdir(), 'anxin-vm-'));
  #proc: ChildProcess | undefined;
  #log = '';
  private constructor(readonly port: number, readonly extraArgs: string[]) {}

  static async start(extraArgs: string[] = []): Promise<VictoriaMetrics> {
    const vm = new VictoriaMetrics(await freePort(), extraArgs);
    await vm.restart();
    return vm;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** (Re)starts on the same port and data directory. */
  async restart(): Promise<void> {
    if (this.#proc) throw new Error('VictoriaMetrics is already running');
    const p = spawn(VM_BIN, [
      `-httpListenAddr=127.0.0.1:${this.port}`,
      `-storageDataPath=${this.dir}`,
      '-search.latencyOffset=0s',
      '-retentionPeriod=100y', // test data carries fixed past timestamps
      '-loggerLevel=ERROR',
      ...this.extraArgs,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout!.on('data', (d) => (this.#log = (this.#log + d).slice(-4000)));
    p.stderr!.on('data', (d) => (this.#log = (this.#log + d).slice(-4000)));
    this.#proc = p;
    const exited = new Promise<never>((_, reject) => p.once('exit', (code) => reject(new Error(`victoria-metrics exited (${code}): ${this.#log}`))));
    await Promise.race([exited, until('victoria-metrics /health', async () => ((await fetch(`${this.url}/health`)).status < 500 ? true : undefined))]);
  }

  /** Graceful stop (SIGINT: VictoriaMetrics finishes in-flight requests and flushes to disk). */
  async stop(): Promise<void> {
    const p = this.#proc;
    if (!p) return;
    this.#proc = undefined;
    if (p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGINT');
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Every series matching a selector, after making pending rows searchable. */
  async export(match: string): Promise<Series[]> {
    await fetch(`${this.url}/internal/force_flush`);
    const res = await fetch(`${this.url}/api/v1/export?${new URLSearchParams({ 'match[]': match, start: '0' })}`);
    if (!res.ok) throw new Error(`export ${res.status}: ${await res.text()}`);
    const text = await res.text();
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Series);
  }

  /** Total samples across the series matching `match`. */
  async count(match: string): Promise<number> {
    return (await this.export(match)).reduce((n, s) => n + s.values.length, 0);
  }
}
