// The board: alerts first (open, urgent on top — the server's order), a clear "all calm"
// state, then every household at a glance with search, filter and sort.
import { api } from './api.js';
import { h } from './dom.js';
import { ago, clock, lang, t } from './i18n.js';
import { nextAlert } from './next-alert.js';
import { heldNote, isHeld, sortHouseholds } from './board-order.js';

const ui = { q: '', filter: 'all', sort: 'state' };

export function reasonText(a) {
  return a.reason?.[lang === 'en' ? 'en' : 'zh'] ?? '';
}

/** Who was told, from the notification steps' recipients (masked name and role, as the API gives
 *  them): delivered, still on its way, or not delivered (a cancelled message is none of them).
 *  `by` is the notifier itself, never a person. */
export function notifiedText(notified = []) {
  const state = new Map(); // "王*（网格员）" → sent | pending | failed
  for (const n of notified) {
    if (!n.recipient) continue;
    const role = t(`role.${n.recipient.role}`) === `role.${n.recipient.role}` ? n.recipient.role : t(`role.${n.recipient.role}`);
    const who = t('notified.who', { name: n.recipient.name, role });
    const was = state.get(who);
    if (n.kind === 'notification-sent') state.set(who, 'sent');
    else if (was === 'sent') continue;
    else if (n.kind === 'notification-queued') state.set(who, 'pending');
    else if (n.kind === 'notification-failed') state.set(who, 'failed');
    else if (n.kind === 'notification-cancelled' && was === 'pending') state.delete(who); // the ladder stopped: not told, and will not be
  }
  const sep = lang === 'en' ? ', ' : '、';
  const of = (s) => [...state].filter(([, v]) => v === s).map(([k]) => k).join(sep);
  const parts = [['sent', 'notified'], ['pending', 'notifying'], ['failed', 'notifyFailed']].filter(([s]) => of(s)).map(([s, key]) => t(key, { list: of(s) }));
  return parts.length ? parts.join(' · ') : t('notNotified');
}

function alertCard(a, now, people = {}) {
  const who = notifiedText(a.notified);
  return h('li', { class: `alert-card sev-${a.severity} st-${a.status}`, 'data-alert-id': a.id },
    h('div', { class: 'alert-head' },
      h('span', { class: `chip sev-${a.severity}` }, t(`sev.${a.severity}`)),
      h('span', { class: `chip st-${a.status}` }, t(`status.${a.status}`)),
      a.stage === 'check-in' && h('span', { class: 'chip' }, t('stage.check-in')),
      h('h3', {}, h('a', { href: `#/alerts/${encodeURIComponent(a.id)}` }, `${t(`type.${a.type}`)} · ${a.householdName}`)),
    ),
    a.address && h('p', { class: 'muted' }, a.address),
    h('p', { class: 'reason' }, reasonText(a)),
    h('p', { class: 'meta' }, t('since', { time: clock(a.openedAt, now), ago: ago(a.openedAt, now) })),
    h('p', { class: 'meta' }, a.acknowledgedBy ? t('ackBy', { by: people[a.acknowledgedBy] ?? a.acknowledgedBy }) : '', a.acknowledgedBy ? ' · ' : '', who),
  );
}

export function householdLine(s, now) {
  const hh = s.household;
  const bits = [];
  if (hh.awayNow && hh.awayUntil) bits.push(h('span', { class: 'chip st-away' }, t('awayUntil', { time: clock(hh.awayUntil, now) })));
  if (s.offline) bits.push(h('span', { class: 'chip sev-warning' }, t('offline')));
  if (s.battery !== null && s.battery < 20) bits.push(h('span', { class: 'chip sev-warning' }, t('battery', { n: Math.round(s.battery) })));
  for (const a of s.activeAlerts) bits.push(h('a', { class: `chip sev-${a.severity}`, href: `#/alerts/${encodeURIComponent(a.id)}` }, t(`type.${a.type}`)));
  return bits;
}

/** The "next alert" column (next-alert.js decides what is true; this puts it into words). */
export function countdown(s, now) {
  const n = nextAlert(s, now);
  const text = t(n.key, { time: n.at === undefined ? '' : clock(n.at, now) }) + (n.learning ? ` ${t('countdown.learning')}` : '');
  // Within the hour: the home to keep an eye on, before it becomes an alert.
  return n.soon ? h('strong', { class: 'soon' }, text) : text;
}

function householdRows(items, now) {
  const q = ui.q.trim().toLowerCase();
  let rows = items.filter((s) => !q || s.household.name.toLowerCase().includes(q) || (s.household.address ?? '').toLowerCase().includes(q));
  if (ui.filter === 'alert') rows = rows.filter((s) => s.activeAlerts.length);
  if (ui.filter === 'away') rows = rows.filter((s) => s.household.awayNow);
  if (ui.filter === 'offline') rows = rows.filter((s) => s.offline);
  if (ui.filter === 'battery') rows = rows.filter((s) => s.battery !== null && s.battery < 20);
  sortHouseholds(rows, ui.sort, now);
  if (!rows.length) return h('p', { class: 'muted' }, t('noHouseholds'));
  return h('ul', { class: 'hh-list', 'aria-label': t('board.households') },
    rows.map((s) =>
      h('li', { class: 'hh-row', 'data-household-id': s.household.id, 'data-held': isHeld(s, now) },
        h('div', { class: 'hh-name' },
          h('a', { href: `#/households/${encodeURIComponent(s.household.id)}` }, s.household.name),
          s.household.address && h('span', { class: 'muted' }, s.household.address),
        ),
        h('div', { class: 'hh-use' }, s.lastUseAt === null ? t('lastUse.none') : t('lastUse', { ago: ago(s.lastUseAt, now) })),
        h('div', { class: 'hh-next' }, countdown(s, now)),
        h('div', { class: 'hh-flags' }, householdLine(s, now), s.battery !== null && s.battery >= 20 ? h('span', { class: 'muted' }, t('battery', { n: Math.round(s.battery) })) : ''),
      ),
    ),
  );
}

/** Nothing waiting. "一切正常" only when no home is held either: a held home has been silent
 *  past its limit and will not raise another alert, so the board must not call it calm. */
function noAlerts(total, note) {
  if (!note) return h('div', { class: 'calm', id: 'calm', role: 'status' }, h('p', { class: 'calm-title' }, '✓ ', t('board.calm')), h('p', {}, t('board.calmText', { n: total })));
  return h('div', { class: 'calm held', id: 'calm', role: 'status', 'data-held': note.held },
    h('p', { class: 'calm-title' }, t('board.noneWaiting')),
    h('p', { class: 'held-count' }, t(note.key, { held: note.held, n: total })),
    h('p', {}, t('board.heldText')));
}

/** Below the alerts waiting: the held homes they do not show, and a way to them in the list
 *  (the first held row's link, or the list's heading when the filter hides them). */
function heldMore(note) {
  const show = () => {
    const to = document.querySelector('.hh-row[data-held] a') ?? document.getElementById('hh-title');
    to.scrollIntoView({ block: 'center' });
    to.focus({ preventScroll: true });
  };
  return h('p', { class: 'held-more', id: 'held-more', 'data-held': note.held },
    t(note.key, { held: note.held }), ' ',
    h('button', { type: 'button', class: 'btn-link', id: 'held-show', onclick: show }, t('board.heldShow')));
}

export async function renderBoard(main) {
  const [board, hh] = await Promise.all([api('GET', '/api/board'), api('GET', '/api/households/status')]);
  const now = board.now;
  const active = board.items.filter((a) => a.status !== 'resolved');
  const resolved = board.items.filter((a) => a.status === 'resolved');
  const note = heldNote(hh.items, active.length, now);
  const list = h('div', { id: 'hh-list' });
  const refreshList = () => list.replaceChildren(householdRows(hh.items, now));
  refreshList();
  const select = (id, key, options) =>
    h('select', { id, onchange: (e) => { ui[key] = e.target.value; refreshList(); } },
      options.map(([v, label]) => h('option', { value: v, selected: ui[key] === v }, label)));

  main.replaceChildren(
    h('section', { class: 'alerts', 'aria-labelledby': 'alerts-title' },
      h('h1', { id: 'alerts-title' }, t('board.alerts'), active.length ? h('span', { class: 'count' }, t(active.length === 1 ? 'board.openCount.one' : 'board.openCount', { n: active.length })) : ''),
      active.length
        ? [h('ol', { class: 'alert-list', id: 'alert-list' }, active.map((a) => alertCard(a, now, board.people))), note && heldMore(note)]
        : noAlerts(hh.total, note),
      resolved.length
        ? h('details', { class: 'resolved' }, h('summary', {}, `${t('board.resolvedToday')} (${resolved.length})`), h('ol', { class: 'alert-list' }, resolved.map((a) => alertCard(a, now, board.people))))
        : '',
    ),
    h('section', { class: 'households', 'aria-labelledby': 'hh-title' },
      h('h2', { id: 'hh-title', tabindex: -1 }, t('board.households'), h('span', { class: 'count' }, String(hh.total))),
      h('div', { class: 'controls' },
        h('div', { class: 'field' }, h('label', { for: 'hh-search' }, t('search.label')),
          h('input', { id: 'hh-search', type: 'search', value: ui.q, oninput: (e) => { ui.q = e.target.value; refreshList(); } })),
        h('div', { class: 'field' }, h('label', { for: 'hh-filter' }, t('filter.label')),
          select('hh-filter', 'filter', [['all', t('filter.all')], ['alert', t('filter.alert')], ['away', t('filter.away')], ['offline', t('filter.offline')], ['battery', t('filter.battery')]])),
        h('div', { class: 'field' }, h('label', { for: 'hh-sort' }, t('sort.label')),
          select('hh-sort', 'sort', [['state', t('sort.state')], ['lastUse', t('sort.lastUse')], ['name', t('sort.name')]])),
      ),
      list,
    ),
  );
  // Keep the search box focused across live re-renders.
  return async () => {
    const focused = document.activeElement?.id;
    await renderBoard(main);
    if (focused) document.getElementById(focused)?.focus();
  };
}
