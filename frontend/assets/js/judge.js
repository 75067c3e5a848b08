// The judge's tablet app at /judge: log in with the staff account, pick a task, pick a work code
// of the current slot, mark the sheet aspect by aspect, submit it; the head judge also sees the
// overview, signs the task off and asks for corrections. Every tap is saved on the device and
// synced in order (judge/queue.js); the service worker keeps the app for reloads without network.
// Hash routes: #/tasks, #/tasks/3?slot=2, #/tasks/3/sheets/ABC234, #/tasks/3/overview.
import { applyI18n, wireToolbar } from './i18n.js';
import { setUnauthorizedHandler } from './console/core.js';
import { el, tj, session, call, errorText, main, screen, heading, notice, forgetViews, ApiError } from './judge/core.js';
import { renderLogin } from './judge/login.js';
import { flush, updateBadge, showDropped, queue } from './judge/queue.js';
import { renderTasks } from './judge/tasks.js';
import { renderTask } from './judge/task.js';
import { renderSheet, refreshOpenSheet } from './judge/sheet.js';
import { renderOverview } from './judge/overview.js';

const ROUTES = [
  [/^\/tasks$/, () => renderTasks()],
  [/^\/tasks\/(\d+)$/, (m, q) => renderTask(Number(m[1]), q)],
  [/^\/tasks\/(\d+)\/sheets\/([^/]+)$/, (m) => renderSheet(Number(m[1]), decodeURIComponent(m[2]))],
  [/^\/tasks\/(\d+)\/overview$/, (m) => renderOverview(Number(m[1]))],
];

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?');
  return { path, query: new URLSearchParams(qs || '') };
}

function chrome() {
  const user = session.token && session.user;
  const who = document.getElementById('current-user');
  who.hidden = !user;
  who.textContent = user ? (user.display_name || user.username) : '';
  document.getElementById('logout').hidden = !user;
  updateBadge();
  showDropped();
}

let seq = 0;
async function route() {
  const mine = ++seq;
  chrome();
  if (!session.token) {
    renderLogin(() => { flush(); route(); });
    return;
  }
  const { path, query } = parseHash();
  const hit = ROUTES.map(([re, view]) => [path.match(re), view]).find(([m]) => m);
  if (!hit) { location.replace('#/tasks'); return; }
  try {
    await hit[1](hit[0], query);
  } catch (e) {
    if (mine !== seq || (e instanceof ApiError && e.status === 401)) return;
    screen(el('section', { 'data-test': 'view-error' },
      heading(tj('error.title')),
      notice('error', e instanceof ApiError && e.status === 0 ? tj('error.offline') : errorText(e)),
      el('p', {}, el('a', { href: '#/tasks', class: 'button' }, tj('tasks.title')))));
  }
  if (mine === seq) {
    const h = main.querySelector('h1');
    if (h) h.focus({ preventScroll: true });
  }
}

setUnauthorizedHandler(() => {
  // The login is shown again; the queue stays on the device and goes once the judge is back.
  route();
  const box = document.querySelector('[data-test=login-error]');
  if (box) box.replaceChildren(notice('warn', tj('login.expired')));
});

document.getElementById('logout').addEventListener('click', () => {
  const n = queue().filter((q) => session.user && q.user === session.user.id).length;
  if (n && !window.confirm(tj('logoutPending', { n }))) return;
  session.clear();
  forgetViews();
  route();
});

window.addEventListener('hashchange', route);
window.addEventListener('langchange', route);
// Flags raised or cleared by the other judges show on the open sheet.
setInterval(() => { if (navigator.onLine && document.visibilityState === 'visible') refreshOpenSheet(); }, 15000);

wireToolbar();
applyI18n();
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
(async () => {
  if (session.token && navigator.onLine) {
    try { session.setUser(await call('GET', '/api/auth/me')); } catch (_) { /* offline or a 401 (the login shows) */ }
  }
  if (!location.hash) location.replace('#/tasks');
  await route();
  flush();
})();
