// Live updates: one EventSource on /api/events. The browser reconnects by itself and sends
// the last event id, so the server replays what was missed (or says `reset`: reload all).
// A new urgent alert beeps (WebAudio, allowed after the user's first click or key), shows
// the banner and flashes the tab title until the user looks. The indicator and the banner say
// what they say in the language now: a switch re-renders both (relabel()).
import { h } from './dom.js';
import { t } from './i18n.js';

let audio;
const unlock = () => {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') audio.resume();
  } catch {}
};
window.addEventListener('pointerdown', unlock, { once: false });
window.addEventListener('keydown', unlock, { once: false });

function beep() {
  if (!audio || audio.state !== 'running') return false;
  for (const [at, f] of [[0, 880], [0.35, 660], [0.7, 880]]) {
    const o = audio.createOscillator();
    const g = audio.createGain();
    o.frequency.value = f;
    g.gain.setValueAtTime(0.25, audio.currentTime + at);
    g.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + at + 0.3);
    o.connect(g).connect(audio.destination);
    o.start(audio.currentTime + at);
    o.stop(audio.currentTime + at + 0.3);
  }
  return true;
}

let flash;
const baseTitle = () => document.title.replace(/^【.*?】/, '');
function flashTitle(on) {
  clearInterval(flash);
  document.title = baseTitle();
  if (!on) return;
  let n = 0;
  flash = setInterval(() => (document.title = n++ % 2 ? baseTitle() : `【${t('sev.critical')}】${baseTitle()}`), 1000);
}

let shown; // the alert the banner is about
function renderBanner(a) {
  const banner = document.getElementById('banner');
  const dismiss = () => {
    banner.hidden = true;
    flashTitle(false);
  };
  banner.replaceChildren(
    h('span', { class: 'banner-text' }, t('banner.new', { name: a.householdName ?? a.householdId ?? a.meterId, reason: a.reason?.[document.documentElement.lang === 'en' ? 'en' : 'zh'] ?? t(`type.${a.type}`) })),
    h('a', { class: 'btn-light', href: `#/alerts/${encodeURIComponent(a.id)}`, onclick: dismiss }, t('banner.view')),
    h('button', { type: 'button', class: 'btn-quiet-light', onclick: dismiss }, t('banner.dismiss')),
  );
  return banner;
}

export function cue(e) {
  shown = e.alert;
  const banner = renderBanner(shown);
  banner.hidden = false;
  banner.dataset.beeped = String(beep());
  flashTitle(true);
}

/** After a switch of language: the banner in the new one (no new beep; the title flashes on
 *  and picks up the new words itself). The indicator is a data-i18n element: applyStatic. */
export function relabel() {
  if (shown && !document.getElementById('banner').hidden) renderBanner(shown);
}

/** The live indicator says `key` (live.on / live.off), and keeps saying it on a switch. */
function indicate(key) {
  const status = document.getElementById('live');
  if (key) {
    status.dataset.i18n = key;
    status.textContent = t(key);
  } else {
    delete status.dataset.i18n;
    status.textContent = '';
  }
}

export function startLive({ onChange }) {
  const es = new EventSource('/api/events');
  es.onopen = () => indicate('live.on');
  es.onerror = () => indicate('live.off');
  es.addEventListener('alert', (m) => {
    const e = JSON.parse(m.data);
    // What arrived over the stream, for the browser tests and for debugging from the console.
    (window.anxinLive ??= []).push({ id: m.lastEventId, kind: e.kind, alertId: e.alert.id });
    if ((e.kind === 'opened' || e.kind === 'escalated') && e.alert.severity === 'critical') cue(e);
    onChange(e);
  });
  es.addEventListener('reset', () => onChange(null));
  return {
    stop: () => {
      es.close();
      indicate(null); // signed out: no stream, so no "● 实时"
    },
  };
}
