// The escalation policy as configuration (zod, validated once with the rest of the config).
// Defaults follow severity (src/domain/alert.ts ALERT_SEVERITY): safety alerts climb the
// ladder in minutes and may ring at night; equipment alerts go to the grid worker in the
// daytime only.
import { z } from 'zod';
import { ALERT_TYPES, type AlertType } from '../domain/alert.ts';
import { parseClock, type ClockWindow } from './quiet-hours.ts';

const minutes = (max: number) => z.number().min(0).max(max);
const Clock = z.string().transform((s, ctx) => {
  try {
    return parseClock(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

interface RuleDefaults {
  rungs: number[];
  escalateAfterMin: number;
  repeatEveryMin: number;
  maxReminders: number;
  quietHours: boolean;
  voiceAtNight: boolean;
}

const Rule = (d: RuleDefaults) =>
  z
    .strictObject({
      /** Ladder rungs to walk, in order (0 elder, 1 grid worker, 2 family, 3 duty officer by default). */
      rungs: z.array(z.number().int().min(0).max(9)).min(1).default(d.rungs),
      /** Minutes without acknowledgement before the next rung is told. */
      escalateAfterMin: minutes(24 * 60).default(d.escalateAfterMin),
      /** After the last rung: remind everyone told every this many minutes (0 = never) ... */
      repeatEveryMin: minutes(24 * 60).default(d.repeatEveryMin),
      /** ... at most this many times. */
      maxReminders: z.number().int().min(0).max(50).default(d.maxReminders),
      /** Delayed to the end of quiet hours. Ignored for critical alerts: those are never delayed. */
      quietHours: z.boolean().default(d.quietHours),
      /** Critical alerts only: a voice call to each rung told, if still unacknowledged at night. */
      voiceAtNight: z.boolean().default(d.voiceAtNight),
    })
    .prefault({});

const DEFAULT_RULES: Record<AlertType, RuleDefaults> = {
  'no-usage': { rungs: [1, 2, 3], escalateAfterMin: 20, repeatEveryMin: 15, maxReminders: 4, quietHours: false, voiceAtNight: true },
  surge: { rungs: [0, 1, 2, 3], escalateAfterMin: 15, repeatEveryMin: 15, maxReminders: 4, quietHours: false, voiceAtNight: true },
  leak: { rungs: [0, 1, 2], escalateAfterMin: 240, repeatEveryMin: 720, maxReminders: 2, quietHours: true, voiceAtNight: false },
  offline: { rungs: [1], escalateAfterMin: 0, repeatEveryMin: 1440, maxReminders: 1, quietHours: true, voiceAtNight: false },
  'data-fault': { rungs: [1], escalateAfterMin: 0, repeatEveryMin: 0, maxReminders: 0, quietHours: true, voiceAtNight: false },
  'battery-low': { rungs: [1], escalateAfterMin: 0, repeatEveryMin: 0, maxReminders: 0, quietHours: true, voiceAtNight: false },
};

const rules = Object.fromEntries(ALERT_TYPES.map((t) => [t, Rule(DEFAULT_RULES[t])])) as { [T in AlertType]: ReturnType<typeof Rule> };

export const PolicySchema = z.strictObject({
  rules: z.strictObject(rules).prefault({}),
  /** 关怀确认: ask the elder first ("reply 1 if all is well"); no reply within the window escalates at once. */
  checkIn: z
    .strictObject({
      enabled: z.boolean().default(true),
      types: z.array(z.enum(ALERT_TYPES)).default(['no-usage']),
      windowMin: minutes(240).min(1).default(30),
    })
    .prefault({}),
  /** Local time (notify.timeZone). Also "night" for the voice call of an unacknowledged critical alert. */
  quietHours: z.strictObject({ start: Clock.default(parseClock('22:00')), end: Clock.default(parseClock('07:00')) }).prefault({}),
  /** Minutes after a rung was told before a night-time voice call follows. */
  voiceAfterMin: minutes(240).default(10),
  /** When the condition clears, tell everyone who was alerted ("07:40 已恢复用水"). */
  allClear: z.boolean().default(true),
});

export type EscalationPolicy = z.output<typeof PolicySchema>;
export type EscalationRule = EscalationPolicy['rules'][AlertType];
export const quietWindow = (p: EscalationPolicy): ClockWindow => ({ start: p.quietHours.start, end: p.quietHours.end });
export const defaultPolicy = (): EscalationPolicy => PolicySchema.parse({});
