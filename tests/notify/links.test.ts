import { describe, expect, it } from 'vitest';
import { createLinkSigner } from '../../src/notify/links.ts';

describe('link tokens', () => {
  const signer = createLinkSigner('a-secret-of-sixteen+');
  it('are at most 12 characters for the first 1.6 million notifications (a Tencent SMS variable) and verify', () => {
    for (const id of [1, 35, 36, 46_655, 1_679_615]) {
      const t = signer.sign(id);
      expect(t.length).toBeLessThanOrEqual(12);
      expect(signer.verify(t)).toEqual({ ok: true, notificationId: id });
    }
  });
  it('an altered id or tag, another secret, or garbage does not verify', () => {
    const t = signer.sign(42);
    expect(signer.verify(`${(43).toString(36)}${t.slice(-8)}`)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(signer.verify(t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A'))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(createLinkSigner('another-secret-0123').verify(t).ok).toBe(false);
    expect(signer.verify('../../etc')).toEqual({ ok: false, reason: 'malformed' });
    expect(() => createLinkSigner('short')).toThrow(/at least 16/);
  });
});
