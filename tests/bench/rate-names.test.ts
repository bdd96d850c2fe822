// A rate given twice (a fleet's first contact, then warm) must keep two results, not one shown twice.
import { describe, expect, it } from 'vitest';
import { rateNames } from '../../bench/load/report.ts';

describe('load bench phase names', () => {
  it('are unique when a rate repeats, and unchanged when it does not', () => {
    expect(rateNames([5000, 20000])).toEqual(['qos1-5000', 'qos1-20000']);
    expect(rateNames([5000, 5000, 20000, 5000])).toEqual(['qos1-5000', 'qos1-5000-2', 'qos1-20000', 'qos1-5000-3']);
  });
});
