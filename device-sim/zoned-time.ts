// Local wall time in an IANA zone → UTC, with Intl only (no tz library). Real meter exports
// carry local time; getting DST right matters: a wrong hour shifts every night-time rule.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at instant `utcMs`, in ms (Madrid in summer: +7,200,000). */
export function zoneOffsetAt(utcMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(utcMs)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** "2016-10-30 02:37:38" (or with "T") → the wall time read as if it were UTC. */
function wallAsUtc(wall: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall.trim());
  if (!m) throw new TypeError(`expected a local time like 2016-10-30 02:37:38, got "${wall}"`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s ?? 0);
}

/**
 * Every UTC instant that shows `wall` in `timeZone`: one normally, two in the repeated hour
 * when DST ends (earlier first), none in the skipped hour when DST starts.
 */
export function zonedCandidates(wall: string, timeZone: string): number[] {
  const guess = wallAsUtc(wall);
  // Offsets in force a day either side cover any transition near this wall time.
  const offsets = new Set([zoneOffsetAt(guess - 86_400_000, timeZone), zoneOffsetAt(guess + 86_400_000, timeZone)]);
  const out = [...offsets].map((o) => guess - o).filter((t) => t + zoneOffsetAt(t, timeZone) === guess);
  return [...new Set(out)].sort((a, b) => a - b);
}

/**
 * Local wall time → UTC epoch ms. Ambiguous times take `prefer`; a time skipped by DST is
 * read with the offset before the change, i.e. moved forward by the gap (as clocks do).
 */
export function zonedToUtc(wall: string, timeZone: string, prefer: 'earlier' | 'later' = 'earlier'): number {
  const c = zonedCandidates(wall, timeZone);
  if (c.length === 0) {
    const guess = wallAsUtc(wall);
    return guess - zoneOffsetAt(guess - 86_400_000, timeZone);
  }
  return (prefer === 'earlier' ? c[0] : c[c.length - 1]) as number;
}
