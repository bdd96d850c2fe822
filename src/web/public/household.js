// One household: its state now (from the detector's status API), a 24-hour and a 7-day
// usage chart beside its usual pattern (uPlot, served from node_modules), the alert history,
// marking it away (外出报备) and back, and — for administrators — its family links.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import { api, session } from './api.js';
import { h } from './dom.js';
import { ago, clock, duration, lang, t } from './i18n.js';
import { countdown, householdLine } from './board.js';
import { bucketRange, bucketTicks } from './ticks.js';

const TZ_MS = 8 * 3600_000;
const fmtHour = (ms) => new Date(ms + TZ_MS).toISOString().slice(11, 13) + ':00';
const fmtDay = (ms) => new Date(ms + TZ_MS).toISOString().slice(5, 10).replace('-', '/');

function chart(el, usage, title, fmt) {
  const xs = usage.buckets.map((b) => b.t / 1000);
  const used = usage.buckets.map((b) => b.liters);
  const usual = usage.buckets.map((b) => b.usual);
  const width = Math.max(280, Math.min(el.clientWidth || 600, 1100));
  // The drawn geometry of the latest bar and of the plot (CSS px), left on the element: the
  // canvas says nothing, and the browser test checks the latest bucket is drawn whole.
  let lastBar = null;
  const lastIdx = xs.length - 1;
  const each = (_u, _s, i, lft, _top, wid) => { if (i === lastIdx) lastBar = [lft, lft + wid]; };
  const geometry = (u) => {
    const px = (n) => String(Math.round((n / devicePixelRatio) * 10) / 10);
    el.dataset.plot = [u.bbox.left, u.bbox.left + u.bbox.width].map(px).join(' ');
    if (lastBar) el.dataset.lastBar = lastBar.map(px).join(' ');
  };
  const opts = {
    title,
    width,
    height: 220,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai'),
    // A legend of what each series is; the bars are read against the axis (a live legend showed
    // "时间: 本期用水: 平常:" with nothing after the colons until the pointer was on the chart).
    legend: { live: false },
    hooks: { draw: [geometry] },
    scales: { x: { time: false, range: () => bucketRange(xs, usage.bucketMs / 1000) }, y: { range: (_u, _min, max) => [0, Math.max(5, max * 1.15)] } },
    axes: [
      { splits: () => bucketTicks(xs, width), values: (_u, vals) => vals.map((v) => fmt(v * 1000)), stroke: '#333', grid: { show: false } },
      { stroke: '#333', size: 48 },
    ],
    series: [
      { label: t('hh.time'), value: (_u, v) => (v == null ? '' : fmt(v * 1000)) },
      { label: t('hh.used'), stroke: '#1565c0', fill: 'rgba(21,101,192,0.35)', paths: uPlot.paths.bars({ size: [0.7, 40], each }), points: { show: false }, value: (_u, v) => (v == null ? '' : `${v} L`) },
      { label: t('hh.usual'), stroke: '#6d4c00', width: 2, dash: [6, 4], points: { show: false }, value: (_u, v) => (v == null ? '' : `${v} L`) },
    ],
  };
  el.replaceChildren();
  new uPlot(opts, [xs, used, usual], el);
  // A text summary for screen readers (the canvas itself says nothing).
  const total = used.reduce((s, x) => s + x, 0);
  el.append(h('p', { class: 'sr-only' }, `${title}: ${Math.round(total)} L`));
}

// Charts are drawn at the container's width: redraw when the window changes size.
let redraw = () => {};
window.anxinRedraw = () => redraw();
let resizing;
window.addEventListener('resize', () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => redraw(), 100);
});

const toLocalInput = (ms) => new Date(ms + TZ_MS).toISOString().slice(0, 16);
const fromLocalInput = (s) => Date.parse(`${s}:00+08:00`);

export async function renderHousehold(main, id) {
  const enc = encodeURIComponent(id);
  const [s, day, week, alerts] = await Promise.all([
    api('GET', `/api/households/${enc}/status`),
    api('GET', `/api/households/${enc}/usage?range=24h`),
    api('GET', `/api/households/${enc}/usage?range=7d`),
    api('GET', `/api/alerts?householdId=${enc}&limit=20`),
  ]);
  const now = s.now;
  const hh = s.household;
  const msg = h('p', { class: 'saved', role: 'status' });
  const act = (fn) => async (e) => {
    e.preventDefault();
    try {
      const form = e.target instanceof HTMLFormElement ? e.target : e.target.closest('form');
      await fn(form ? new FormData(form) : undefined);
      await renderHousehold(main, id);
    } catch (err) {
      msg.textContent = t('err.generic', { msg: err.message });
    }
  };
  const c24 = h('div', { class: 'chart', id: 'chart-24h', role: 'img', 'aria-label': t('hh.chart24') });
  const c7 = h('div', { class: 'chart', id: 'chart-7d', role: 'img', 'aria-label': t('hh.chart7') });

  const away = hh.awayNow
    ? h('button', { type: 'button', class: 'btn', id: 'away-clear', onclick: act(() => api('DELETE', `/api/households/${enc}/away`)) }, t('hh.back'))
    : h('form', { id: 'away-form', class: 'inline-form', onsubmit: act((f) => api('PUT', `/api/households/${enc}/away`, { from: now, until: fromLocalInput(String(f.get('until'))) })) },
        h('label', { for: 'away-until' }, t('hh.awayUntil')),
        h('input', { id: 'away-until', name: 'until', type: 'datetime-local', required: true, value: toLocalInput(now + 3 * 86400_000) }),
        h('button', { type: 'submit', class: 'btn' }, t('hh.setAway')));

  const isAdmin = session.open || session.user?.role === 'admin';
  let family = '';
  if (isAdmin) {
    const links = await api('GET', `/api/households/${enc}/family-links`).catch(() => ({ items: [] }));
    const fresh = h('div', { id: 'family-new' });
    family = h('section', { class: 'card', 'aria-labelledby': 'fam-title' },
      h('h2', { id: 'fam-title' }, t('hh.family')),
      fresh,
      h('button', { type: 'button', class: 'btn', id: 'family-create', onclick: async () => {
        try {
          const r = await api('POST', `/api/households/${enc}/family-links`, {});
          const url = `${location.origin}${r.path}`;
          fresh.replaceChildren(h('p', {}, t('hh.familyNew')), h('p', {}, h('a', { id: 'family-url', href: url, class: 'mono' }, url)));
        } catch (err) {
          msg.textContent = t('err.generic', { msg: err.message });
        }
      } }, t('hh.familyCreate')),
      h('ul', { class: 'plain', id: 'family-links' }, links.items.map((l) =>
        h('li', {}, `${l.label ?? l.id} · ${l.revokedAt ? t('hh.familyRevoked') : t('hh.familyUntil', { time: clock(l.expiresAt, now) })} `,
          !l.revokedAt && h('button', { type: 'button', class: 'btn-quiet', 'data-link-id': l.id, onclick: act(() => api('DELETE', `/api/family-links/${l.id}`)) }, t('hh.familyRevoke'))))),
    );
  }

  main.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, t('back'))),
    h('section', { class: 'card', 'aria-labelledby': 'hh-name' },
      h('h1', { id: 'hh-name' }, hh.name),
      hh.address && h('p', { class: 'muted' }, hh.address),
      h('dl', { class: 'facts' },
        h('dt', {}, t('col.lastUse')), h('dd', { id: 'hh-last-use' }, s.lastUseAt === null ? t('lastUse.none') : t('hh.lastUseAt', { time: clock(s.lastUseAt, now), ago: ago(s.lastUseAt, now) })),
        h('dt', {}, t('col.next')), h('dd', { id: 'hh-countdown' }, countdown(s, now)),
        h('dt', {}, t('col.meter')), h('dd', {}, s.offline ? t('offline') : t('online'), s.battery !== null ? ` · ${t('battery', { n: Math.round(s.battery) })}` : ''),
      ),
      h('div', { class: 'hh-flags' }, householdLine(s, now)),
      // What this household's meters cannot show (detect/status.ts): said, not left silent.
      (s.notWatched ?? []).map((r) => h('p', { class: 'muted', 'data-not-watched': r }, t(`notWatched.${r}`, { interval: s.readingIntervalMs ? duration(s.readingIntervalMs) : '?' }))),
    ),
    h('section', { class: 'card', 'aria-label': t('hh.chart24') }, c24),
    h('section', { class: 'card', 'aria-label': t('hh.chart7') }, c7),
    h('section', { class: 'card', 'aria-labelledby': 'away-title' }, h('h2', { id: 'away-title' }, t('hh.away')), msg, away),
    h('section', { class: 'card', 'aria-labelledby': 'hist-title' },
      h('h2', { id: 'hist-title' }, t('hh.alerts')),
      alerts.items.length
        ? h('ul', { class: 'plain' }, alerts.items.map((a) => h('li', {}, h('a', { href: `#/alerts/${encodeURIComponent(a.id)}` }, `${clock(a.openedAt, now)} · ${t(`type.${a.type}`)} · ${t(`status.${a.status}`)}`), a.outcome ? ` · ${t(`outcome.${a.outcome}`)}` : '')))
        : h('p', { class: 'muted' }, t('hh.noAlerts')),
    ),
    family,
  );
  redraw = () => {
    if (!c24.isConnected) return;
    chart(c24, day, t('hh.chart24'), fmtHour);
    chart(c7, week, t('hh.chart7'), fmtDay);
  };
  redraw();
  void lang;
  return () => {
    if (!main.querySelector('form')?.contains(document.activeElement)) return renderHousehold(main, id);
  };
}
