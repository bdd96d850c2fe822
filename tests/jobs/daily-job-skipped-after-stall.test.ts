// Regression (a bug hunt found it; fixed): the daily job (retention and the PIPL grace-period erasure) is silently skipped for the
// whole day when the process is more than 1 s late for 03:30:00 — an event-loop stall (a large
// batch, a GC pause, a commit on a slow disk), a VM pause or a clock step: node-cron 4 counts a
// beat over its default missedExecutionTolerance (1000 ms) as "missed" and does not run it, and
// the next try is 24 h later. Households past their grace period keep their data another day.
// Cause: src/jobs/schedule.ts:17 (daily() uses node-cron's default tolerance and no catch-up).
// Correct: a late daily run still runs (a tolerance of hours for the daily job, or run on the
// missed-execution event), so each day's retention happens.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { daily } from '../../src/jobs/schedule.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('daily()', () => {
  it('still runs when the loop was 2 s late for 03:30', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date(2026, 2, 2, 3, 29, 50)); // host-local 03:29:50
    let runs = 0;
    const job = daily('retention', () => void runs++);
    try {
      // The loop is blocked from 03:29:59 until 03:30:02: the timer for 03:30 fires 2 s late.
      await vi.advanceTimersByTimeAsync(9_000);
      vi.setSystemTime(new Date(2026, 2, 2, 3, 30, 2));
      await vi.advanceTimersByTimeAsync(5_000);
      expect(runs).toBe(1); // before the fix: 0 — the next attempt would be 03:30 tomorrow
    } finally {
      job.stop();
    }
  });

  it('(control) runs on time when the loop is not blocked', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date(2026, 2, 2, 3, 29, 50));
    let runs = 0;
    const job = daily('retention', () => void runs++);
    try {
      await vi.advanceTimersByTimeAsync(15_000);
      expect(runs).toBe(1);
    } finally {
      job.stop();
    }
  });
});
