import { describe, expect, it } from 'vitest';
import { backoffMs, recipientLabel, scrubPhones } from '../../src/notify/dispatcher.ts';

describe('dispatcher helpers', () => {
  it('masks mainland numbers a provider quotes in its error text', () => {
    expect(scrubPhones('phone +8613800138000 is in the blacklist; 13900000001 too; order 123456789012345')).toBe(
      'phone 138****8000 is in the blacklist; 139****0001 too; order 123456789012345',
    );
  });
  it('masks other numbers a provider may quote, as maskPhone masks them, and leaves ids alone', () => {
    expect(scrubPhones('PhoneNumber +85261234567 is not valid')).toBe('PhoneNumber +852****4567 is not valid');
    expect(scrubPhones('to +852 6123 4567 failed')).toBe('to +852****4567 failed');
    expect(scrubPhones('landline 010-62345678 and 075512345678 refused')).toBe('landline 010****5678 and 075****5678 refused');
    expect(scrubPhones('number 85261234567 / 0085261234567')).toBe('number 852****4567 / 008****4567');
    expect(scrubPhones('13800138000-1, +8613800138000 13900000001')).toBe('138****8000-1, 138****8000 139****0001');
    // The recipient's own number, in whatever form the provider writes it (a bare 8-digit landline).
    expect(scrubPhones('callee 62345678 busy; callee 8662345678', ['62345678'])).toBe('callee ****5678 busy; callee 86****5678');
    expect(scrubPhones('HK 61234567 unreachable', ['85261234567'])).toBe('HK ****4567 unreachable');
    // Not phones: template ids, error codes, timestamps, a 400 service line, dates.
    const plain = 'template 1234567 (sdk 1400000000) code 1014 at 1767598260000 on 2026-01-05, call 4001234567';
    expect(scrubPhones(plain)).toBe(plain);
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
