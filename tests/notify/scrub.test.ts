import { describe, expect, it } from 'vitest';
import { backoffMs, recipientLabel, scrubPhones } from '../../src/notify/dispatcher.ts';

describe('dispatcher helpers', () => {
  it('masks mainland numbers a provider quotes in its error text', () => {
    expect(scrubPhones('phone +8613800138000 is in the blacklist; 13900000001 too; order 123456789012345')).toBe(
      'phone 138****8000 is in the blacklist; 139****0001 too; order 123456789012345',
    );
  });
  it('labels recipients masked', () => {
    expect(recipientLabel({ id: 'ct-1', name: '陈网格', phone: '13800000002' })).toBe('陈** 138****0002');
    expect(recipientLabel({ id: 'wecom:grid-3' })).toBe('wecom:grid-3');
  });
  it('backs off exponentially, capped, and honours a longer Retry-After', () => {
    const retry = { maxAttempts: 5, baseSeconds: 30, maxSeconds: 100 };
    expect([1, 2, 3, 4].map((n) => backoffMs(n, retry))).toEqual([30_000, 60_000, 100_000, 100_000]);
    expect(backoffMs(1, retry, 300_000)).toBe(300_000);
  });
});
