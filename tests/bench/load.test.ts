// Smoke test of the load benchmark TOOL (bench/load), not of the service's speed: at 20
// meters and half-second phases it must run both systems end to end as child processes, over
// real MQTT on loopback, and write a well-formed report. Speed targets are the benchmark's
// business (`npm run bench -- load`), never asserted here.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoadReport } from '../../bench/load/report.ts';

const dir = mkdtempSync(join(tmpdir(), 'anxin-load-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runBench(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load/run.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // The tool bounds every phase itself; this only stops a hung run from outliving the test.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('load benchmark (bench/load) at 20 meters', () => {
  it('runs aedes + empty handler and Anxin and reports throughput, latency, acks and connect times', async () => {
    const out = join(dir, 'report.json');
    const meters = 20;
    const r = await runBench(['--meters', String(meters), '--phase-seconds', '0.5', '--warmup-seconds', '0.2', '--rates', '100,200', '--workers', '2', '--drain-seconds', '8', '--overload-seconds', '0.5', '--recovery-seconds', '1', '--out', out], 85_000);
    expect(r.code, r.stderr).toBe(0);

    const report = JSON.parse(readFileSync(out, 'utf8')) as LoadReport;
    expect(report.systems.map((s) => s.system)).toEqual(['aedes-empty', 'anxin']);
    for (const s of report.systems) {
      expect(s.meters).toBe(meters);
      expect(s.connect.connected).toBe(meters);
      expect(s.reconnect?.connected).toBe(meters);
      expect(s.phases.map((p) => p.name)).toEqual(['qos1-100', 'qos1-200', 'qos1-max', 'qos0-max']);
      // Something was handled in every phase, and the windows saw real throughput.
      for (const p of s.phases) {
        expect(p.gen.sent, `${s.system} ${p.name} sent`).toBeGreaterThan(0);
        expect(p.unhandled, `${s.system} ${p.name}: readings sent in the window and never handled`).toBe(0);
        expect(p.latencyMs?.p99, `${s.system} ${p.name} p99`).toBeGreaterThan(0);
        expect(p.serviceRssMiB).toBeGreaterThan(0);
      }
      expect(s.phases.reduce((a, p) => a + p.throughput, 0), s.system).toBeGreaterThan(0);
      // Every QoS 1 publish got its PUBACK.
      for (const p of s.phases.filter((x) => x.qos === 1)) {
        expect(p.gen.ackErrors, `${s.system} ${p.name}`).toBe(0);
        expect(p.gen.unacked, `${s.system} ${p.name}`).toBe(0);
        expect(p.gen.acked, `${s.system} ${p.name}`).toBe(p.gen.sent);
      }
    }
    // The overload scenario: 2 × the maximum just measured, then a light load; every publish acknowledged.
    for (const s of report.systems) {
      const v = s.overload!;
      expect(v, s.system).toBeDefined();
      expect(v.maxRate).toBe(s.phases.find((p) => p.name === 'qos1-max')!.throughput);
      expect(v.offered).toBe(Math.round(2 * v.maxRate));
      expect(v.delivered, s.system).toBeGreaterThan(0);
      expect(v.gen.ackErrors + v.gen.unacked, s.system).toBe(0);
      expect(v.gen.acked, s.system).toBe(v.gen.sent);
      expect(v.rssPeakMiB).toBeGreaterThanOrEqual(v.rssBeforeMiB);
      expect(v.recovery.timeline.length, s.system).toBeGreaterThan(0);
      expect(v.recovery.normalMs).toBeGreaterThanOrEqual(50);
    }
    const anxinOverload = report.systems.find((s) => s.system === 'anxin')!.overload!;
    expect(anxinOverload.queue).not.toBeNull(); // the pipeline figures, asked over IPC
    expect(anxinOverload.queueAfterDrop.length).toBeGreaterThan(0);
    expect(report.systems.find((s) => s.system === 'aedes-empty')!.overload!.queue).toBeNull();
    expect(report.markdown).toContain('| system | offered (2 × max) | delivered | share of max |');

    // The generator's readings follow the wire contract: Anxin accepted every one.
    const anxin = report.systems.find((s) => s.system === 'anxin')!;
    const sent = anxin.phases.reduce((a, p) => a + p.gen.sent, 0) + anxin.overload!.gen.sent;
    expect(anxin.metricsCheck?.['anxin_readings_accepted_total']).toBe(sent);
    expect(Object.keys(anxin.metricsCheck ?? {}).filter((k) => k.startsWith('anxin_readings_rejected_total') && anxin.metricsCheck![k]! > 0)).toEqual([]);
    expect(anxin.metricsCheck?.['anxin_readings_duplicate_total'] ?? 0).toBe(0);

    // The table, as Markdown, on stdout and in the record.
    for (const row of ['| aedes + empty handler |', '| Anxin |', '| ratio Anxin / aedes |']) expect(report.markdown).toContain(row);
    expect(report.markdown).toContain('QoS 1 max | QoS 0 max | p99 at 100/s QoS 1 | at 200/s QoS 1 offered');
    expect(r.stdout).toContain(report.markdown);
  }, 90_000);
});
