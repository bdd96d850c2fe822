// The order of the board's household list, which homes are held and what the alerts say of them. Pure (no DOM), so the
// order is tested over the real status API (tests/dashboard/board-order.test.ts).
import { nextAlert } from './next-alert.js';

/** A no-usage alert was handled while the home is still silent: the detector holds its
 *  condition and will not alert again until water is used. The same test as the "下次预警"
 *  column's (next-alert.js), so the list, the banner and the column never disagree. */
export const isHeld = (s, now) => nextAlert(s, now).key === 'countdown.held';

/** What the alerts section says of the held homes (an i18n key and the count), or null when
 *  none is held. With no alert waiting, the amber banner counts them ('board.held'); below the
 *  alerts waiting, a note ('board.heldMore'): the list of alerts says nothing of them, and no
 *  alert will come for them. `waiting`: how many alerts are waiting. */
export function heldNote(items, waiting, now) {
  const held = items.filter((s) => isHeld(s, now)).length;
  if (!held) return null;
  const key = waiting ? 'board.heldMore' : 'board.held';
  return { key: held === 1 ? `${key}.one` : key, held };
}

/** "Needs attention first": an urgent alert, any other alert, then a held home — nobody is
 *  told about it again, yet it has been silent past its limit — then offline (nothing to judge
 *  by), the rest, and away last. */
export function stateRank(s, now) {
  if (s.activeAlerts.some((a) => a.severity === 'critical')) return 0;
  if (s.activeAlerts.length) return 1;
  if (isHeld(s, now)) return 2;
  if (s.offline) return 3;
  return s.household.awayNow ? 5 : 4;
}

const byName = (a, b) => a.household.name.localeCompare(b.household.name, 'zh-CN');
const lastUse = (s) => s.lastUseAt ?? 0;

/** Sorts `rows` (household statuses) in place by 'state', 'lastUse' or 'name'. Within a rank:
 *  the soonest countdown first; held homes, which have none, the longest silent first. */
export function sortHouseholds(rows, sort, now) {
  if (sort === 'name') return rows.sort(byName);
  if (sort === 'lastUse') return rows.sort((a, b) => lastUse(a) - lastUse(b) || byName(a, b));
  const ranked = rows.map((s) => [s, stateRank(s, now)]);
  ranked.sort(([a, ra], [b, rb]) =>
    ra - rb || (a.noUsageDeadline ?? Infinity) - (b.noUsageDeadline ?? Infinity) || (ra === 2 ? lastUse(a) - lastUse(b) : 0) || byName(a, b));
  ranked.forEach(([s], i) => (rows[i] = s));
  return rows;
}
