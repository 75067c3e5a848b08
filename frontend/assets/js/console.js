// The staff console: log in, then banks and questions, imports, exams (blueprints), sessions,
// results and marking, competitions (竞赛). Hash routes (#/banks, #/sessions/3/results, …) so a reload stays put.
import { applyI18n, wireToolbar } from './i18n.js';
import { api } from './api.js';
import { el, tc, session, call, errorText, setUnauthorizedHandler, heading, field, show } from './console/core.js';
import * as banks from './console/banks.js';
import * as importer from './console/import.js';
import * as exams from './console/exams.js';
import * as sessions from './console/sessions.js';
import * as results from './console/results.js';
import * as marking from './console/marking.js';
import * as room from './console/room.js';
import * as certs from './console/certificates.js';
import * as users from './console/users.js';
import * as audit from './console/audit.js';
import * as practical from './console/practical.js';
import * as checkin from './console/checkin.js';
import * as corrections from './console/corrections.js';
import * as competitions from './console/competition.js';
import * as compSetup from './console/competition-setup.js';
import * as compRegs from './console/competition-registrations.js';
import * as compStage from './console/competition-stage.js';
import * as compFinal from './console/competition-final.js';
import * as compRecheck from './console/competition-recheck.js';
import * as compDecrypt from './console/competition-decrypt.js';
import * as compRanking from './console/competition-ranking.js';
import * as appeals from './console/appeals.js';
import * as compBoard from './console/competition-board.js';
// Issue 15, part B.
import * as compAwards from './console/competition-awards.js';
// Issue 16: question review.
import * as review from './console/review.js';
// Issue 16: item analytics.
import * as analytics from './console/analytics.js';

const main = document.getElementById('main');

const ROUTES = [
  [/^\/login$/, login, []],
  [/^\/banks$/, banks.list, ['author']],
  [/^\/questions\/(new|\d+)$/, banks.question, ['author']],
  [/^\/import$/, importer.render, ['author']],
  [/^\/review$/, review.queue, ['author']],
  [/^\/exams$/, exams.list, ['author']],
  [/^\/exams\/new$/, exams.editor, ['author']],
  [/^\/exams\/(\d+)$/, exams.editor, ['author']],
  [/^\/sessions$/, sessions.list, ['author', 'proctor']],
  [/^\/sessions\/new$/, sessions.create, ['author']],
  [/^\/sessions\/(\d+)$/, sessions.detail, ['author', 'proctor']],
  [/^\/sessions\/(\d+)\/tickets$/, sessions.tickets, ['author', 'proctor']],
  [/^\/sessions\/(\d+)\/results$/, results.render, ['author', 'proctor']],
  [/^\/sessions\/(\d+)\/room$/, room.render, ['author', 'proctor']],
  [/^\/sessions\/(\d+)\/marking$/, marking.render, ['author', 'judge']],
  [/^\/marking$/, marking.pick, ['author', 'judge']],
  [/^\/sessions\/(\d+)\/practical$/, practical.progress, ['author']],
  [/^\/sessions\/(\d+)\/checkin$/, checkin.render, ['author', 'proctor']],
  [/^\/checkin$/, checkin.pick, ['author', 'proctor']],
  [/^\/corrections$/, corrections.render, ['admin', 'supervisor']],
  [/^\/competitions$/, competitions.list, ['author']],
  [/^\/competitions\/(\d+)$/, compSetup.render, ['author']],
  [/^\/competitions\/(\d+)\/registrations$/, compRegs.render, ['author']],
  [/^\/competitions\/(\d+)\/stages\/(\d+)$/, compStage.render, ['author']],
  [/^\/competitions\/(\d+)\/ranking$/, compRanking.render, ['author']],
  [/^\/competitions\/(\d+)\/publication$/, appeals.publication, ['author']],
  [/^\/competitions\/(\d+)\/leaders$/, appeals.leaders, ['author']],
  [/^\/arbitration(?:\/(\d+))?$/, appeals.arbitration, ['arbitrator']],
  [/^\/arbitration\/appeals\/(\d+)$/, appeals.appealDetail, ['arbitrator']],
  [/^\/competitions\/(\d+)\/board$/, compBoard.render, ['admin']],
  [/^\/competitions\/(\d+)\/awards$/, compAwards.render, ['author']],
  [/^\/analytics$/, analytics.pick, ['author']],
  [/^\/sessions\/(\d+)\/analytics$/, analytics.sessionView, ['author']],
  [/^\/exams\/(\d+)\/analytics$/, analytics.examView, ['author']],
  [/^\/banks\/([^/]+)\/analytics$/, analytics.bankView, ['author']],
  // The holders (加密裁判, 监督) and the door may be any staff: the server checks who they are.
  [/^\/competition-stage$/, competitions.pickStage, []],
  [/^\/competitions\/stages\/(\d+)\/checkin$/, compFinal.checkin, ['author']],
  [/^\/competitions\/stages\/(\d+)\/seal$/, compFinal.seal, []],
  [/^\/competitions\/stages\/(\d+)\/progress$/, compFinal.progress, []],
  [/^\/competitions\/stages\/(\d+)\/recheck$/, compRecheck.render, []],
  [/^\/competitions\/stages\/(\d+)\/decrypt$/, compDecrypt.render, []],
  [/^\/certificates$/, certs.list, ['author']],
  [/^\/certificates\/types$/, certs.types, ['author']],
  [/^\/certificates\/types\/new$/, certs.typeEditor, ['author']],
  [/^\/certificates\/types\/(\d+)$/, certs.typeEditor, ['author']],
  [/^\/certificates\/keys$/, certs.keys, ['admin']],
  [/^\/users$/, users.render, ['admin']],
  [/^\/audit$/, audit.render, ['admin']],
];

const NAV = [
  ['#/banks', 'nav.banks', ['author'], /^\/(banks|questions)/],
  ['#/import', 'nav.import', ['author'], /^\/import/],
  ['#/review', 'review.nav', ['author'], /^\/review/],
  ['#/exams', 'nav.exams', ['author'], /^\/exams/],
  ['#/sessions', 'nav.sessions', ['author', 'proctor'], /^\/sessions(\/new|\/\d+(\/tickets|\/results|\/room|\/practical)?)?$/],
  ['#/checkin', 'nav.checkin', ['author', 'proctor'], /^(\/checkin|\/sessions\/\d+\/checkin)$/],
  ['#/marking', 'nav.marking', ['author', 'judge'], /^(\/marking|\/sessions\/\d+\/marking)$/],
  ['#/analytics', 'analytics.nav', ['author'], /^\/(analytics|sessions\/\d+\/analytics|exams\/\d+\/analytics|banks\/[^/]+\/analytics)$/],
  ['#/certificates', 'certs.nav', ['author'], /^\/certificates/],
  ['#/corrections', 'nav.corrections', ['admin', 'supervisor'], /^\/corrections$/],
  ['#/competitions', 'competition.nav', ['author'], /^\/competitions(\/\d+.*)?$/],
  ['#/competition-stage', 'competition.navKeys', ['supervisor', 'judge'], /^\/(competition-stage|competitions\/stages\/.*)$/],
  ['#/arbitration', 'appeals.nav', ['arbitrator'], /^\/arbitration/],
  ['#/users', 'users.nav', ['admin'], /^\/users$/],
  ['#/audit', 'audit.nav', ['admin'], /^\/audit$/],
];

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?');
  return { path, query: new URLSearchParams(qs || '') };
}

/** The first screen a role can use. */
function home() {
  if (session.has('author')) return '#/banks';
  if (session.has('proctor')) return '#/sessions';
  if (session.has('judge')) return '#/marking';
  if (session.has('supervisor')) return '#/corrections';
  if (session.has('arbitrator')) return '#/arbitration';
  return '#/login';
}

function renderChrome() {
  const user = session.user;
  const signedIn = !!(session.token && user);
  const who = document.getElementById('current-user');
  const out = document.getElementById('logout');
  const nav = document.getElementById('nav');
  who.hidden = !signedIn;
  out.hidden = !signedIn;
  nav.hidden = !signedIn;
  if (!signedIn) { nav.replaceChildren(); return; }
  who.replaceChildren(
    el('span', { class: 'user-name', 'data-test': 'user-name' }, user.display_name || user.username),
    el('span', { class: 'muted' }, ` (${user.username})`),
    el('span', { class: 'roles', 'data-test': 'user-roles' }, ...user.roles.map((r) => el('span', { class: 'badge role' }, tc(`roles.${r}`)))));
  const { path } = parseHash();
  nav.replaceChildren(el('ul', {}, ...NAV.filter(([, , roles]) => session.has(...roles)).map(([href, key, , active]) => {
    const current = active.test(path);
    return el('li', {}, el('a', { href, 'aria-current': current ? 'page' : null, 'data-test': `nav-${href.slice(2)}` }, tc(key)));
  })));
}

let renderSeq = 0;
async function route({ focus = true } = {}) {
  const { path, query } = parseHash();
  const seq = ++renderSeq;
  if (!session.token && path !== '/login') {
    sessionStorage.setItem('console.return', location.hash);
    location.replace('#/login');
    return;
  }
  if (path === '/' || (path === '/login' && session.token)) { location.replace(home()); return; }
  const hit = ROUTES.map(([re, view, roles]) => [path.match(re), view, roles]).find(([m]) => m);
  renderChrome();
  const root = el('div', { class: 'view' });
  main.replaceChildren(root);
  if (!hit) {
    root.append(heading(tc('notFound.title')), el('p', {}, el('a', { href: home() }, tc('notFound.home'))));
    return;
  }
  const [m, view, roles] = hit;
  if (roles.length && !session.has(...roles)) {
    root.append(heading(tc('forbidden.title')), el('p', {}, tc('forbidden.text')));
    return;
  }
  const ctx = { root, params: m.slice(1), query, alive: () => seq === renderSeq };
  try {
    await view(ctx);
  } catch (e) {
    if (ctx.alive()) root.append(el('div', { class: 'notice notice-error', role: 'alert', 'data-test': 'view-error' }, errorText(e)));
  }
  if (focus && ctx.alive()) {
    const h = root.querySelector('h1');
    if (h) h.focus({ preventScroll: false });
  }
}

/** The login screen. */
async function login({ root }) {
  const username = el('input', { name: 'username', autocomplete: 'username', required: true, 'data-test': 'login-username', autocapitalize: 'none', spellcheck: 'false' });
  const password = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-test': 'login-password' });
  const msg = el('div', { class: 'msg', 'data-test': 'login-error', 'aria-live': 'assertive' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-test': 'login-submit' }, tc('login.submit'));
  // Kept until the next login: the login screen may render twice (check of the kept token, then the hash change).
  const reason = sessionStorage.getItem('console.logoutReason');
  if (reason === 'expired' || reason === 'revoked') show(msg, 'warn', tc(`login.${reason}`));
  const form = el('form', { class: 'card login', 'data-test': 'login-form', novalidate: true },
    field(tc('login.username'), username),
    field(tc('login.password'), password),
    msg,
    el('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!username.value.trim() || !password.value) { show(msg, 'error', tc('login.missing')); (username.value.trim() ? password : username).focus(); return; }
    submit.disabled = true;
    show(msg, 'info', tc('login.working'));
    try {
      const r = await api('POST', '/api/auth/login', { body: { username: username.value.trim(), password: password.value } });
      session.save(r);
      sessionStorage.removeItem('console.logoutReason');
      const back = sessionStorage.getItem('console.return');
      sessionStorage.removeItem('console.return');
      location.replace(back && back !== '#/login' ? back : home());
    } catch (e) {
      show(msg, 'error', e.code === 'invalid_credentials' ? tc('login.wrong') : errorText(e));
      password.select();
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  root.append(heading(tc('login.title')), el('p', { class: 'muted' }, tc('login.intro')), form);
  username.focus();
}

setUnauthorizedHandler((e) => {
  sessionStorage.setItem('console.logoutReason', e && e.code === 'token_revoked' ? 'revoked' : 'expired');
  sessionStorage.setItem('console.return', location.hash);
  location.replace('#/login');
});

document.getElementById('logout').addEventListener('click', () => {
  session.clear();
  sessionStorage.removeItem('console.logoutReason');
  location.replace('#/login');
});

// The skip link moves focus without changing the route hash.
document.querySelector('.skip-link').addEventListener('click', (ev) => {
  ev.preventDefault();
  const h = main.querySelector('h1') || main;
  h.focus();
});

window.addEventListener('hashchange', () => route());
window.addEventListener('langchange', () => { route({ focus: false }); });

wireToolbar();
applyI18n();
(async () => {
  // Check a kept token once; the account may have been disabled or its roles changed.
  if (session.token) {
    try { session.setUser(await call('GET', '/api/auth/me')); } catch (_) { /* a 401 already went to the login */ }
  }
  route({ focus: false });
})();
