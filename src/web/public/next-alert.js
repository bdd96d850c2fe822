// What the "下次预警" (next alert) column can truthfully say about one household, from its
// status alone (GET /api/households/status or /:id/status, src/http/routes/status.ts): an i18n
// key and the time it names. board.js puts it into words. Kept pure so every state is tested
// against the real API (tests/dashboard/next-alert.test.ts).
//
// A bare "—" used to stand for all of: away, no meter, no readings, a register too coarse
// to watch, and a no-usage alert resolved while the home is still silent — and a worker reading
// "—" took it for "nothing to watch". Each now says which; "—" is left only for what the
// status does not explain.
const HOUR = 3_600_000;

export function nextAlert(s, now) {
  const noUsage = s.activeAlerts.filter((a) => a.type === 'no-usage');
  if (noUsage.some((a) => a.status === 'open')) return { key: 'countdown.fired' };
  if (noUsage.length) return { key: 'countdown.acknowledged' };
  // Away clears the condition and stops the rule until the trip ends (detect/detector.ts setAway).
  if (s.household.awayNow) return { key: 'countdown.away' };
  const due = s.noUsageDeadline;
  if (due !== null) {
    // Offline, nothing arrives to judge by: the rule decides once readings come in again, so the
    // deadline is not a moment an alert will come at.
    if (s.offline) return { key: 'countdown.offline', at: due };
    // The rule fires at the first reading at or after the deadline; until it arrives the deadline is past.
    if (due <= now) return { key: 'countdown.due', at: due, soon: true };
    return { key: 'countdown', at: due, learning: !s.routineLearned, soon: due - now <= HOUR };
  }
  // Raised and answered, held until water is used: no new alert for this silence.
  if (s.noUsageHeld && s.lastUseAt !== null) return { key: 'countdown.held', at: s.lastUseAt };
  if (s.notWatched.includes('no-usage')) return { key: 'countdown.notWatched' };
  if (!s.meters.some((m) => m.status === 'active')) return { key: 'countdown.noMeter' };
  // (A meter's first reading starts its silence clock, detector.ts: with readings there is a
  // lastUseAt, so "no use seen yet" is not a state of its own.)
  if (s.lastReportAt === null || s.lastUseAt === null) return { key: 'countdown.noReadings' };
  return { key: 'countdown.none' };
}
