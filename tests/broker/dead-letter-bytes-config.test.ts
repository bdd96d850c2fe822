// limits.store.deadLetterBytesTotal is documented as configurable (README "Dead letters are
// bounded": store.deadLetterBytesTotal 64 MiB) with the schema int(65_536, 1 << 40). In JS
// `1 << 40` is a 32-bit shift, i.e. 1 << 8 = 256, so the maximum is 256 and the minimum 65,536:
// every value an operator can write is refused at start, and the bound can never be changed.
// Guards the fix (the maximum is 2 ** 40; the other shifts in src stay below 1 << 31).
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';

describe('hostile-input limits: configuring the dead-letter byte bound', () => {
  it('accepts store.deadLetterBytesTotal of 1 MiB and of 128 MiB', () => {
    for (const bytes of [1024 * 1024, 128 * 1024 * 1024]) {
      let config: ReturnType<typeof parseConfig> | undefined;
      let error: unknown;
      try {
        config = parseConfig({ limits: { store: { deadLetterBytesTotal: bytes } } });
      } catch (err) {
        error = err;
      }
      expect(error, `deadLetterBytesTotal ${bytes}`).toBeUndefined();
      expect(config?.limits.store.deadLetterBytesTotal).toBe(bytes);
    }
  });
});
