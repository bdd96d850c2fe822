// The grid worker's dashboard: a hash router over three views (board, alert, household),
// the sign-in form, the live event stream and the new-alert cue.
import { api, loadSession, session, signIn, signOut } from './api.js';
import { h } from './dom.js';
import { applyStatic, lang, setLang, t } from './i18n.js';
import { renderBoard } from './board.js';
import { renderAlert } from './alert.js';
import { renderHousehold } from './household.js';
import { relabel, startLive } from './live.js';

const main = document.getElementById('main');
let rerender = () => {};

function showLogin(message) {
  main.replaceChildren(
    h('section', { class: 'card login', 'aria-labelledby': 'login-title' },
      h('h1', { id: 'login-title' }, t('login.title')),
      h('form', { id: 'login-form', onsubmit: async (e) => {
        e.preventDefault();
        const f = new FormData(e.target);
        try {
          await signIn(String(f.get('username')), String(f.get('password')));
          await boot();
        } catch {
          showLogin(t('login.failed'));
        }
      } },
        h('label', { for: 'username' }, t('login.username')),
        h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true }),
        h('label', { for: 'password' }, t('login.password')),
        h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
        message && h('p', { class: 'error', role: 'alert' }, message),
        h('button', { type: 'submit', class: 'btn-primary' }, t('login.submit')),
      ),
    ),
  );
  document.getElementById('username').focus();
}

function showOperator() {
  live?.stop();
  live = undefined;
  main.replaceChildren(
    h('section', { class: 'card', 'aria-labelledby': 'operator-title' },
      h('h1', { id: 'operator-title' }, t('op.title')),
      h('p', {}, t('op.body')),
      h('ul', {},
        ...[['/health', 'op.health'], ['/metrics', 'op.metrics'], ['/api/dead-letters', 'op.deadLetters'], ['/api/meters', 'op.meters']].map(([href, key]) =>
          h('li', {}, h('a', { href }, t(key)), ' ', h('code', {}, href)))),
    ),
  );
}

async function route() {
  const hash = location.hash || '#/';
  let m;
  try {
    if ((m = /^#\/alerts\/(.+)$/.exec(hash))) rerender = await renderAlert(main, decodeURIComponent(m[1]));
    else if ((m = /^#\/households\/(.+)$/.exec(hash))) rerender = await renderHousehold(main, decodeURIComponent(m[1]));
    else rerender = await renderBoard(main);
  } catch (e) {
    if (e.status === 401) return showLogin();
    const msg = e.status === 404 ? t('err.notFound') : e.status === 403 ? t('err.forbidden') : t('err.generic', { msg: e.message });
    main.replaceChildren(h('p', { class: 'error', role: 'alert' }, msg));
  }
}

let live;
async function boot() {
  applyStatic();
  const user = await loadSession();
  const who = document.getElementById('who');
  const logout = document.getElementById('logout');
  // The header and the tab say whose page this is: an operator's is not a grid worker's board.
  for (const el of document.querySelectorAll('[data-i18n="app.title"], [data-i18n="app.titleOps"]')) {
    el.dataset.i18n = user?.role === 'operator' ? 'app.titleOps' : 'app.title';
    el.textContent = t(el.dataset.i18n);
  }
  if (!user && !session.open) {
    who.textContent = '';
    logout.hidden = true;
    live?.stop();
    live = undefined; // signed in again, the stream starts again
    return showLogin();
  }
  who.textContent = user ? `${user.displayName || user.username}` : '';
  logout.hidden = !user;
  // An operator runs the box and sees no household, contact or alert (the server answers 403):
  // say so and where to look, instead of a board that fails and a live stream refused.
  if (user?.role === 'operator') return showOperator();
  live ??= startLive({ onChange: () => rerender() });
  await route();
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang === 'zh' ? 'en' : 'zh'); // the header and the title (applyStatic)
  relabel(); // the new-alert banner
  boot(); // the view
});
document.getElementById('logout').addEventListener('click', async () => {
  await signOut();
  live?.stop();
  live = undefined;
  location.hash = '#/';
  boot();
});
window.addEventListener('hashchange', () => {
  route().then(() => main.focus({ preventScroll: true }));
});
window.addEventListener('anxin:signed-out', () => boot());
boot();
// Relative times ("35 分钟前") move on even when nothing happens; the live stream brings the rest.
setInterval(() => {
  if (session.user || session.open) rerender();
}, 30_000);
// Exposed for the browser tests and for debugging from the console.
window.anxin = { api, session };
