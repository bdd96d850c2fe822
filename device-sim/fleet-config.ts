// Inputs of the live side: the meters file (`meters.json`) and scenario strings from the CLI.
import { z } from 'zod';
import { METER_ID } from '../src/domain/wire.ts';
import { describeZodError } from '../src/domain/wire.ts';
import { CADENCES, type Cadence } from './meter.ts';
import { ARCHETYPES, type Archetype } from './profile.ts';
import { isScenarioName, type ScenarioSpec } from './scenarios.ts';
import { parseDuration, parseWhen } from './sim-time.ts';

export const FleetMeterSchema = z.strictObject({
  meterId: z.string().regex(METER_ID, 'expected a meter id of letters, digits, _ or -'),
  token: z.string().min(1),
  profile: z.enum(ARCHETYPES).optional(),
  cadence: z.enum(CADENCES).optional(),
});
export const MetersFileSchema = z.array(FleetMeterSchema).min(1);

export interface FleetMeter {
  meterId: string;
  /** The meter's MQTT password. Never logged. */
  token: string;
  profile?: Archetype;
  cadence?: Cadence;
}

export function parseMetersFile(text: string): FleetMeter[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SyntaxError('meters file: expected JSON like [{"meterId": "m-001", "token": "..."}]');
  }
  const parsed = MetersFileSchema.safeParse(json);
  if (!parsed.success) throw new TypeError(`meters file: ${describeZodError(parsed.error)}`);
  const ids = new Set<string>();
  for (const m of parsed.data) {
    if (ids.has(m.meterId)) throw new TypeError(`meters file: expected unique meter ids, got "${m.meterId}" twice`);
    ids.add(m.meterId);
  }
  return parsed.data;
}

export interface FleetScenario extends ScenarioSpec {
  meterId: string;
}

/** "incapacitation@m-001@+2h" or "burst-pipe@m-002@2026-01-05T03:00:00Z@6h" (last part: duration). */
export function parseScenarioArg(text: string, startAt: number): FleetScenario {
  const [name = '', meterId = '', when = '', duration] = text.split('@');
  if (!isScenarioName(name)) throw new TypeError(`scenario "${text}": expected name@meterId@when[@duration] with a known name, got "${name}"`);
  if (!METER_ID.test(meterId)) throw new TypeError(`scenario "${text}": expected a meter id, got "${meterId}"`);
  if (!when) throw new TypeError(`scenario "${text}": expected a time such as +2h or an ISO instant`);
  return { name, meterId, at: parseWhen(when, startAt), ...(duration ? { durationMs: parseDuration(duration) } : {}) };
}
