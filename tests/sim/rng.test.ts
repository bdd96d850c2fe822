import { describe, expect, it } from 'vitest';
import { hashSeed, Rng } from '../../device-sim/rng.ts';

describe('Rng', () => {
  it('gives the same sequence for the same seed and a different one otherwise', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  it('stays in range', () => {
    const r = new Rng(1);
    for (let i = 0; i < 10_000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      const n = r.int(2, 4);
      expect(n >= 2 && n <= 4 && Number.isInteger(n)).toBe(true);
    }
  });

  it('forks independent streams without disturbing the parent', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    a.fork('child').next();
    expect(a.next()).toBe(b.next());
  });

  it('hashes parts stably and distinguishes their order', () => {
    expect(hashSeed(1, 'household', 2)).toBe(hashSeed(1, 'household', 2));
    expect(hashSeed('a', 'b')).not.toBe(hashSeed('b', 'a'));
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Rng(Number.NaN)).toThrow(/expected a finite seed/);
  });
});
