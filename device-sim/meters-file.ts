// A meters file for the live fleet, with fresh tokens: the same file is registered with
// the service and given to `sim run`, so both sides agree on credentials.
import { randomBytes } from 'node:crypto';
import type { FleetMeter } from './fleet-config.ts';
import { ARCHETYPES } from './profile.ts';
import type { Cadence } from './meter.ts';

export function makeMetersFile(count: number, prefix = 'm-', cadence?: Cadence | 'mix'): FleetMeter[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`expected --count ≥ 1, got ${count}`);
  const width = Math.max(3, String(count).length);
  return Array.from({ length: count }, (_, i) => ({
    meterId: `${prefix}${String(i + 1).padStart(width, '0')}`,
    // 128 bits from the OS CSPRNG: tokens are passwords.
    token: randomBytes(16).toString('base64url'),
    profile: ARCHETYPES[i % ARCHETYPES.length],
    ...(cadence && cadence !== 'mix' ? { cadence } : {}),
  }));
}
