import { describe, expect, it } from 'vitest';
import { ManualScheduler, SimClock } from '../../device-sim/clock.ts';

describe('ManualScheduler', () => {
  it('fires due timers in time order, including timers they schedule', () => {
    const s = new ManualScheduler(1000);
    const fired: string[] = [];
    s.setTimeout(() => fired.push('b@20'), 20);
    s.setTimeout(() => {
      fired.push('a@10');
      s.setTimeout(() => fired.push('c@15'), 5);
    }, 10);
    const cancelled = s.setTimeout(() => fired.push('never'), 12);
    s.clearTimeout(cancelled);
    s.advance(19);
    expect(fired).toEqual(['a@10', 'c@15']);
    expect(s.now()).toBe(1019);
    s.advance(1);
    expect(fired).toEqual(['a@10', 'c@15', 'b@20']);
    expect(s.pending()).toBe(0);
  });
});

describe('SimClock', () => {
  it('runs simulated time speed× faster than wall time', () => {
    const s = new ManualScheduler(0);
    const clock = new SimClock(s, Date.UTC(2026, 0, 5), 60);
    let at = 0;
    clock.at(Date.UTC(2026, 0, 5, 1), () => (at = clock.now()));
    s.advance(59_999);
    expect(at).toBe(0);
    s.advance(1);
    expect(at).toBe(Date.UTC(2026, 0, 5, 1));
  });

  it('rejects a speed that is not a positive finite number', () => {
    expect(() => new SimClock(new ManualScheduler(), 0, 0)).toThrow(/expected a finite speed > 0/);
  });
});
