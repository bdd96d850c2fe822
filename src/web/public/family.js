// The family page: read-only, opened by a signed link, showing only what the elder's
// consent shares. It asks /family/<token>/status and shows one or two plain sentences.
import { h } from './dom.js';
import { applyStatic, clock, lang, setLang, t } from './i18n.js';

const token = location.pathname.split('/')[2] ?? '';
/** The status's `progress` (src/http/family-progress.ts) → what the page says. */
const PROGRESS = {
  'checking-in': 'fam.checkingIn',
  'grid-worker-told': 'fam.waiting',
  'contact-told': 'fam.contactTold',
  notifying: 'fam.notifying',
  recorded: 'fam.recorded',
};
const main = document.getElementById('main');

async function render() {
  applyStatic();
  const res = await fetch(`/family/${encodeURIComponent(token)}/status`, { headers: { accept: 'application/json' }, referrerPolicy: 'no-referrer' });
  if (!res.ok) {
    main.replaceChildren(h('section', { class: 'card', id: 'family-invalid' }, h('h1', {}, t('family.title')), h('p', { role: 'alert' }, t('fam.invalid'))));
    return;
  }
  const s = await res.json();
  const lines = [];
  const alerts = s.alerts ?? [];
  if (s.shares.alerts && alerts.length) {
    for (const a of alerts) {
      lines.push(h('p', { class: 'fam-alert' }, t('fam.alert', { type: t(`type.${a.type}`), time: clock(a.openedAt, s.now) })));
      // Who knows, as far as the ladder has got: never "the grid worker was told" while only the elder is asked.
      const progress = PROGRESS[a.progress] ?? 'fam.recorded';
      lines.push(h('p', { class: 'fam-progress', 'data-progress': a.progress ?? '' }, a.acknowledgedBy ? t('fam.onIt', { by: a.acknowledgedBy, time: clock(a.acknowledgedAt, s.now) }) : t(progress)));
    }
  }
  if (s.shares.status) {
    if (s.away) lines.push(h('p', {}, t('fam.away')));
    else if (!alerts.length) lines.push(h('p', { class: 'fam-calm' }, s.lastUseToday !== null ? t('fam.calm', { time: clock(s.lastUseToday, s.now) }) : t('fam.notYet')));
  }
  if (s.shares.alerts && !alerts.length && !s.shares.status) lines.push(h('p', { class: 'fam-calm' }, t('fam.noAlert')));
  if (!s.shares.status || !s.shares.alerts) lines.push(h('p', { class: 'muted' }, t('fam.notShared')));
  main.replaceChildren(
    h('section', { class: `card family-card ${alerts.length ? 'sev-critical' : 'calm'}`, id: 'family-status', 'aria-labelledby': 'fam-h' },
      h('h1', { id: 'fam-h' }, s.label ?? t('family.title')),
      lines,
      h('p', { class: 'muted' }, t('fam.updated', { time: clock(s.now, s.now) })),
    ),
  );
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang === 'zh' ? 'en' : 'zh');
  render();
});
render();
setInterval(render, 60_000);
