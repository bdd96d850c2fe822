// One alert: why it fired, the household, the timeline of every step, and the visit
// workflow — acknowledge, record the outcome with a note, resolve.
import { actor, api } from './api.js';
import { h } from './dom.js';
import { ago, clock, t } from './i18n.js';
import { reasonText } from './board.js';

export const OUTCOMES = ['elder-fine', 'away-unregistered', 'hospital', 'deceased', 'false-alarm', 'meter-fault', 'other'];

function eventText(e) {
  if (e.kind === 'outcome' && e.note) {
    const [o, ...rest] = e.note.split(': ');
    return OUTCOMES.includes(o) ? [t(`outcome.${o}`), rest.join(': ')].filter(Boolean).join(' — ') : e.note;
  }
  return e.note ?? '';
}

/** Known steps by name; notification steps (recorded by the notifier) by their kind. */
function kindLabel(kind) {
  if (t(`ev.${kind}`) !== `ev.${kind}`) return t(`ev.${kind}`);
  return kind.startsWith('notif') ? `${t('ev.notification')} (${kind})` : kind;
}

function timeline(history, now, people = {}) {
  return h('ol', { class: 'timeline', id: 'timeline' },
    history.map((e) =>
      h('li', { class: `ev ev-${e.kind}`, 'data-kind': e.kind },
        h('span', { class: 'ev-time' }, clock(e.at, now)),
        h('span', { class: 'ev-kind' }, kindLabel(e.kind)),
        h('span', { class: 'ev-by' }, e.by === 'system' ? t('by.system') : (people[e.by] ?? e.by)),
        eventText(e) && h('span', { class: 'ev-note' }, eventText(e)),
      ),
    ),
  );
}

export async function renderAlert(main, id) {
  const [a, board] = await Promise.all([api('GET', `/api/alerts/${encodeURIComponent(id)}`), api('GET', '/api/board')]);
  const now = board.now;
  const sev = board.items.find((x) => x.id === a.id)?.severity ?? (a.type === 'no-usage' || a.type === 'surge' ? 'critical' : 'warning');
  const hh = a.householdId ? await api('GET', `/api/households/${encodeURIComponent(a.householdId)}/status`).catch(() => null) : null;
  const msg = h('p', { class: 'saved', role: 'status', id: 'alert-msg' });
  const act = (fn) => async (e) => {
    e.preventDefault();
    try {
      const form = e.target instanceof HTMLFormElement ? e.target : e.target.closest('form');
      await fn(form ? new FormData(form) : undefined);
      await renderAlert(main, id);
      document.getElementById('alert-msg').textContent = t('alert.done');
    } catch (err) {
      msg.textContent = t('err.generic', { msg: err.message });
    }
  };

  const actions = [];
  if (a.status === 'open')
    actions.push(h('button', { type: 'button', id: 'ack', class: 'btn-primary', onclick: act(() => api('POST', `/api/alerts/${encodeURIComponent(id)}/ack`, { by: actor() })) }, t('alert.ack')));
  actions.push(
    h('form', { class: 'card', id: 'outcome-form', onsubmit: act((f) => api('POST', `/api/alerts/${encodeURIComponent(id)}/outcome`, { outcome: f.get('outcome'), note: String(f.get('note') || '') || undefined, by: actor() })) },
      h('fieldset', {},
        h('legend', {}, t('alert.outcome')),
        h('div', { class: 'radios' }, OUTCOMES.map((o) =>
          h('label', { class: 'radio' }, h('input', { type: 'radio', name: 'outcome', value: o, required: true, checked: a.outcome === o }), t(`outcome.${o}`)))),
      ),
      h('label', { for: 'outcome-note' }, t('alert.outcomeNote')),
      h('textarea', { id: 'outcome-note', name: 'note', rows: 2, maxlength: 2000 }),
      h('button', { type: 'submit', class: 'btn' }, t('alert.saveOutcome')),
    ),
  );
  if (a.status !== 'resolved')
    actions.push(
      h('form', { class: 'card', id: 'resolve-form', onsubmit: act((f) => api('POST', `/api/alerts/${encodeURIComponent(id)}/resolve`, { by: actor(), note: String(f.get('note')) })) },
        h('label', { for: 'resolve-note' }, t('alert.resolveNote')),
        h('textarea', { id: 'resolve-note', name: 'note', rows: 2, required: true, maxlength: 2000 }),
        h('button', { type: 'submit', class: 'btn' }, t('alert.resolve')),
      ),
    );

  main.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, t('back'))),
    h('section', { class: `card alert-detail sev-${sev} st-${a.status}`, 'aria-labelledby': 'alert-title' },
      h('div', { class: 'alert-head' },
        h('span', { class: `chip sev-${sev}` }, t(`sev.${sev}`)),
        h('span', { class: `chip st-${a.status}`, id: 'alert-status' }, t(`status.${a.status}`)),
        a.outcome && h('span', { class: 'chip', id: 'alert-outcome' }, t('alert.outcomeNow', { o: t(`outcome.${a.outcome}`) })),
      ),
      h('h1', { id: 'alert-title' }, t(`type.${a.type}`), hh ? ` · ${hh.household.name}` : ''),
      h('h2', {}, t('alert.why')),
      h('p', { class: 'reason' }, reasonText(a)),
      h('p', { class: 'meta' }, t('since', { time: clock(a.openedAt, now), ago: ago(a.openedAt, now) })),
      hh && h('p', {}, t('alert.household'), t('colon'), h('a', { href: `#/households/${encodeURIComponent(hh.household.id)}` }, hh.household.name), hh.household.address ? ` · ${hh.household.address}` : ''),
    ),
    h('section', { class: 'actions', 'aria-labelledby': 'steps-title' }, h('h2', { id: 'steps-title' }, t('alert.steps')), msg, actions),
    h('section', { class: 'card timeline-card', 'aria-labelledby': 'tl-title' }, h('h2', { id: 'tl-title' }, t('alert.timeline')), timeline(a.history ?? [], now, board.people)),
  );
  main.firstChild.nextSibling.classList.add('detail-main');
  // A live update must not wipe a note being typed.
  return () => {
    const busy = [...main.querySelectorAll('textarea')].some((x) => x.value) || !!main.querySelector('form')?.contains(document.activeElement);
    if (!busy) return renderAlert(main, id);
  };
}
