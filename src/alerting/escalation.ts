// The escalation policy, pure: (alert, its notification history, the household's ladder,
// the policy, now) → the sends that are due and when to look again. No clock, no I/O: the
// history IS the state, so a restart (or a replay) plans exactly what it would have.
//
// The walk: [关怀确认 check-in to the elder, window] → rung after rung every escalateAfterMin
// until someone acknowledges → reminders to everyone told → (critical, at night) a voice call
// per rung told; when the condition clears, an all-clear to everyone who was alerted.
import { ALERT_SEVERITY, CONSENT_WITHDRAWN_BY, type Alert } from '../domain/alert.ts';
import type { ContactChannel, ContactRole } from '../domain/household.ts';
import { quietWindow, type EscalationPolicy } from './policy.ts';
import { deferPast, inWindow, nextInside } from './quiet-hours.ts';

const MIN = 60_000;

export const NOTIFICATION_PURPOSES = ['check-in', 'alert', 'voice', 'reminder', 'all-clear'] as const;
export type NotificationPurpose = (typeof NOTIFICATION_PURPOSES)[number];
export const NOTIFICATION_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export interface LadderContact {
  id: string;
  role: ContactRole;
  rung: number;
  /** Reachable channels in preference order (already filtered by what the contact has). */
  channels: ContactChannel[];
}

/** What the planner needs to know of a queued notification. */
export interface NotificationRecord {
  step: string;
  purpose: NotificationPurpose;
  rung: number;
  contactId: string;
  createdAt: number;
  status: NotificationStatus;
  /** When it was sent, failed for good or cancelled. */
  settledAt?: number;
  /** An attempt's outcome was unknown (a timeout, a crash mid-send): the provider may have
   *  delivered it, so even if it ended failed, this person may have been told. */
  inDoubt?: true;
}

export interface PlannedSend {
  /** With the alert id and contact id, the idempotency key: one step per person, ever. */
  step: string;
  purpose: NotificationPurpose;
  rung: number;
  contactId: string;
  channels: ContactChannel[];
}

export interface EscalationInput {
  alert: Alert;
  history: readonly NotificationRecord[];
  ladder: readonly LadderContact[];
  policy: EscalationPolicy;
  now: number;
  /** Local time zone offset, minutes east of UTC (Asia/Shanghai +480). */
  offsetMin: number;
  /** When a check-in-stage alert was confirmed (its 'escalated' event), if it was. */
  escalatedAt?: number;
  /** The household withdrew its consent (PIPL Art. 15): processing stops, so nobody is told
   *  anything more about it — not the all-clear of an alert that resolved before. */
  consentWithdrawn?: boolean;
}

export interface EscalationPlan {
  sends: PlannedSend[];
  /** When to plan again; undefined = nothing more will ever be due unless the alert changes. */
  nextWakeAt?: number;
}

const ALERTED: ReadonlySet<NotificationPurpose> = new Set(['alert', 'reminder', 'voice']);

/** The moment the elder's check-in window closes (early if every check-in failed for good). */
export function checkInDeadline(history: readonly NotificationRecord[], policy: EscalationPolicy): number | undefined {
  const checkIns = history.filter((h) => h.purpose === 'check-in');
  if (!checkIns.length) return undefined;
  const windowEnd = Math.min(...checkIns.map((h) => h.createdAt)) + policy.checkIn.windowMin * MIN;
  const allFailed = checkIns.every((h) => h.status === 'failed' || h.status === 'cancelled');
  return allFailed ? Math.min(windowEnd, Math.max(...checkIns.map((h) => h.settledAt ?? h.createdAt))) : windowEnd;
}

export function planEscalation(input: EscalationInput): EscalationPlan {
  const { alert, history, ladder, policy, now, offsetMin } = input;
  const rule = policy.rules[alert.type];
  const critical = ALERT_SEVERITY[alert.type] === 'critical';
  const quiet = quietWindow(policy);
  // [never urgent ones]: quiet hours delay only non-critical alerts.
  // Quiet hours hold the moment a message would go, not the moment it fell due: a step due at
  // 21:30 but planned at 23:30 (the service was down) waits for the morning too.
  const defer = (t: number) => (rule.quietHours && !critical ? deferPast(Math.max(t, now), quiet, offsetMin) : t);
  const has = (step: string, contactId: string) => history.some((h) => h.step === step && h.contactId === contactId);
  const sends: PlannedSend[] = [];
  const wakes: number[] = [];
  const plan = (): EscalationPlan => {
    const future = wakes.filter((w) => w > now);
    return future.length ? { sends, nextWakeAt: Math.min(...future) } : { sends };
  };
  // Before anything else: whatever the alert's state, a withdrawn household hears nothing more.
  if (input.consentWithdrawn) return plan();
  const tell = (step: string, purpose: NotificationPurpose, rung: number, c: LadderContact, channels = c.channels) => {
    if (!has(step, c.id) && channels.length) sends.push({ step, purpose, rung, contactId: c.id, channels });
  };

  if (alert.status === 'resolved') {
    // Consent withdrawn: processing stops at once — no all-clear (it would also say water use
    // resumed, which nobody saw).
    if (!policy.allClear || alert.resolvedBy === CONSENT_WITHDRAWN_BY) return plan();
    // A message still on its way (it will be sent or cancelled): look again shortly.
    if (history.some((h) => ALERTED.has(h.purpose) && (h.status === 'pending' || h.status === 'sending'))) wakes.push(now + MIN);
    // Who may have been told: sent, or failed after an attempt that may have got through.
    // Possibly told: in doubt on a channel, then failed on the next, or stopped there by the
    // acknowledgement (dispatcher.ts): the all-clear follows.
    const told = new Set(history.filter((h) => ALERTED.has(h.purpose) && (h.status === 'sent' || ((h.status === 'failed' || h.status === 'cancelled') && h.inDoubt))).map((h) => h.contactId));
    const due = defer(now);
    for (const c of ladder)
      if (told.has(c.id) && !has('all-clear', c.id)) {
        if (due <= now) tell('all-clear', 'all-clear', c.rung, c);
        else wakes.push(due);
      }
    return plan();
  }
  // Someone has it in hand: the ladder stops (the all-clear still follows the resolution).
  if (alert.status === 'acknowledged') return plan();

  // 关怀确认: the elder first, alone, for the window.
  let walkStart = alert.openedAt;
  const elders = ladder.filter((c) => c.role === 'elder' && c.channels.some((ch) => ch !== 'wecom'));
  if (policy.checkIn.enabled && policy.checkIn.types.includes(alert.type) && elders.length) {
    for (const e of elders) tell('check-in', 'check-in', e.rung, e, e.channels.filter((ch) => ch !== 'wecom'));
    const deadline = checkInDeadline(history, policy) ?? now + policy.checkIn.windowMin * MIN;
    // A check-in-stage alert confirmed by the detector does not wait out the window.
    walkStart = input.escalatedAt !== undefined ? Math.min(deadline, input.escalatedAt) : deadline;
    if (now < walkStart) {
      wakes.push(walkStart);
      return plan();
    }
  } else if (alert.stage === 'check-in') {
    // Nobody to ask (no elder contact, or check-ins off): a check-in-stage alert disturbs no one until confirmed.
    return plan();
  }

  const rungs = rule.rungs.filter((r) => ladder.some((c) => c.rung === r && c.channels.length));
  let nextDue = walkStart;
  let lastRungAt: number | undefined;
  for (const r of rungs) {
    const members = ladder.filter((c) => c.rung === r && c.channels.length);
    const told = history.filter((h) => h.purpose === 'alert' && h.rung === r);
    if (!told.length) {
      const due = defer(nextDue);
      if (now >= due) {
        for (const c of members) tell(`rung-${r}`, 'alert', r, c);
        lastRungAt = now;
        wakes.push(now + rule.escalateAfterMin * MIN);
        voice(r, members, now);
      } else wakes.push(due);
      break;
    }
    const toldAt = Math.min(...told.map((h) => h.createdAt));
    lastRungAt = toldAt;
    // A contact added to this rung after it was told is told too.
    for (const c of members) tell(`rung-${r}`, 'alert', r, c);
    voice(r, members, toldAt);
    // Everyone on this rung unreachable for good: the next rung does not wait.
    const allFailed = told.every((h) => h.status === 'failed' || h.status === 'cancelled');
    nextDue = allFailed ? Math.max(...told.map((h) => h.settledAt ?? h.createdAt)) : toldAt + rule.escalateAfterMin * MIN;
    if (r === rungs[rungs.length - 1]) reminders(toldAt);
  }
  return plan();

  function voice(r: number, members: LadderContact[], toldAt: number) {
    if (!critical || !rule.voiceAtNight) return;
    // [a voice call for an urgent alert still unacknowledged at night]
    const due = nextInside(toldAt + policy.voiceAfterMin * MIN, quiet, offsetMin);
    for (const c of members.filter((m) => m.channels.includes('voice') || m.channels.includes('sms'))) {
      if (has(`voice-${r}`, c.id)) continue;
      if (now >= due && inWindow(now, quiet, offsetMin)) tell(`voice-${r}`, 'voice', r, c, ['voice']);
      else wakes.push(now >= due ? nextInside(now, quiet, offsetMin) : due);
    }
  }

  function reminders(lastToldAt: number) {
    if (rule.repeatEveryMin <= 0 || lastRungAt === undefined) return;
    const done = new Set(history.filter((h) => h.purpose === 'reminder').map((h) => h.step));
    const k = done.size;
    if (k >= rule.maxReminders) return;
    const prevAt = k === 0 ? lastToldAt : Math.min(...history.filter((h) => h.step === `reminder-${k}`).map((h) => h.createdAt));
    const due = defer(prevAt + rule.repeatEveryMin * MIN);
    if (now < due) {
      wakes.push(due);
      return;
    }
    const told = new Set(history.filter((h) => h.purpose === 'alert' && h.status !== 'failed').map((h) => h.contactId));
    for (const c of ladder) if (told.has(c.id)) tell(`reminder-${k + 1}`, 'reminder', c.rung, c);
    wakes.push(now + rule.repeatEveryMin * MIN);
  }
}
