// The tablet exam client. Every tap is saved to a queue on the device first (localStorage, so it
// survives a reload or a browser restart) and synced in order, with its sequence number, whenever
// the network is there; the countdown follows the server's clock, not the tablet's.
import { api, el, ApiError } from './api.js';
import { t, applyI18n, wireToolbar } from './i18n.js';

const main = document.getElementById('main');
const syncBadge = document.getElementById('sync');
const clockBadge = document.getElementById('clock');
const banner = document.getElementById('banner');

const SESSION_KEY = 'exam.session';
const key = (what) => `exam.${what}.${S.attemptId}`;

/** Everything the app knows about the signed-in attempt; persisted per attempt. */
const S = {
  token: null, attemptId: null, candidate: null,
  paper: null, // the paper as the server sent it
  answers: {}, // question id → latest response on this device (synced or not)
  queue: [], // [{qid, response, seq}] not yet acknowledged, oldest first
  seq: 0, // last sequence number used on this device
  flags: [], // flagged question ids
  index: 0, // current question
  status: null, deadlineMs: null, remainingAtSync: null, pausedAt: null, offsetMs: 0,
  result: null, submittedAt: null,
  warned: {}, started: false,
};

// ---------- storage ----------

function saveLocal() {
  if (!S.attemptId) return;
  localStorage.setItem(SESSION_KEY, JSON.stringify({ token: S.token, attemptId: S.attemptId, candidate: S.candidate }));
  localStorage.setItem(key('state'), JSON.stringify({
    answers: S.answers, queue: S.queue, seq: S.seq, flags: S.flags, index: S.index, status: S.status,
    deadlineMs: S.deadlineMs, remainingAtSync: S.remainingAtSync, offsetMs: S.offsetMs, warned: S.warned, started: S.started,
  }));
}

function loadLocal() {
  const s = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
  if (!s || !s.token) return false;
  Object.assign(S, s);
  Object.assign(S, JSON.parse(localStorage.getItem(key('state')) || '{}'));
  S.paper = JSON.parse(localStorage.getItem(key('paper')) || 'null');
  return true;
}

function forget() {
  if (S.attemptId) ['state', 'paper'].forEach((w) => localStorage.removeItem(key(w)));
  localStorage.removeItem(SESSION_KEY);
  Object.assign(S, { token: null, attemptId: null, paper: null, answers: {}, queue: [], seq: 0, flags: [], index: 0, status: null, result: null, warned: {}, started: false });
}

// ---------- server state and time ----------

/** Takes the attempt state from the server: status, time (kept as an offset from this tablet's
 * clock, so a wrong tablet clock still counts down right), and answers the device lacks. */
function adopt(state, sentAt, receivedAt) {
  const serverNow = Date.parse(state.server_time);
  S.offsetMs = serverNow - (sentAt + receivedAt) / 2;
  S.status = state.status;
  S.deadlineMs = Date.parse(state.deadline);
  S.remainingAtSync = state.remaining_seconds;
  S.pausedAt = state.status === 'paused' ? Date.now() : null;
  S.result = state.result;
  S.submittedAt = state.submitted_at;
  S.submittedBy = state.submitted_by;
  setTimeout(tick, 0);
  const pending = new Set(S.queue.map((q) => q.qid));
  for (const a of state.answers || []) {
    if (!pending.has(a.question_id)) S.answers[a.question_id] = a.response;
    S.seq = Math.max(S.seq, a.seq);
  }
  saveLocal();
}

async function refreshState() {
  const sentAt = Date.now();
  const state = await api('GET', `/api/attempts/${S.attemptId}`, { token: S.token });
  adopt(state, sentAt, Date.now());
  return state;
}

function remainingSeconds() {
  if (S.status === 'submitted') return 0;
  if (S.status === 'paused') return S.remainingAtSync ?? 0;
  if (!S.deadlineMs) return null;
  return Math.max(0, Math.floor((S.deadlineMs - (Date.now() + S.offsetMs)) / 1000));
}

function fmt(sec) {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  const two = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

let timeUpHandled = false;
function tick() {
  const left = remainingSeconds();
  if (left === null || !S.attemptId || S.status === 'submitted') { clockBadge.hidden = true; return; }
  clockBadge.hidden = false;
  clockBadge.textContent = S.status === 'paused' ? t('candidate.clock.paused', { left: fmt(left) }) : t('candidate.clock.left', { left: fmt(left) });
  clockBadge.classList.toggle('low', left <= 300);
  clockBadge.setAttribute('aria-label', t('candidate.clock.label', { left: fmt(left) }));
  if (S.status === 'in_progress') {
    for (const [mark, text] of [[300, 'candidate.warn.five'], [60, 'candidate.warn.one']]) {
      if (left <= mark && left > 0 && !S.warned[mark]) {
        S.warned[mark] = true;
        saveLocal();
        showBanner(t(text));
      }
    }
  }
  if (left === 0 && S.status === 'in_progress' && !timeUpHandled) {
    timeUpHandled = true;
    onTimeUp();
  }
}

async function onTimeUp() {
  if (!navigator.onLine || S.queue.length) {
    // Saves can no longer be accepted after the deadline: say so plainly rather than pretend.
    showBanner(S.queue.length ? t('candidate.timeUp.offlineLost', { n: S.queue.length }) : t('candidate.timeUp.offline'), true);
  }
  try {
    await flush();
    await refreshState();
    if (S.status === 'submitted') renderResult();
    else setTimeout(() => { timeUpHandled = false; }, 3000);
  } catch (e) {
    setTimeout(() => { timeUpHandled = false; }, 3000);
  }
}

// ---------- the save queue ----------

let flushing = false;
let retryTimer = null;

function updateSyncBadge(offline) {
  if (!S.attemptId || S.status === 'submitted') { syncBadge.hidden = true; return; }
  syncBadge.hidden = false;
  const n = S.queue.length;
  syncBadge.classList.toggle('pending', n > 0);
  syncBadge.classList.toggle('offline', !!offline || !navigator.onLine);
  syncBadge.dataset.pending = String(n);
  if (!navigator.onLine || offline) syncBadge.textContent = t('candidate.sync.offline', { n });
  else syncBadge.textContent = n ? t('candidate.sync.pending', { n }) : t('candidate.sync.saved');
}

/** Records an answer on the device and queues it for the server. A newer answer to a question
 * replaces its unsent older one; the order of the queue is the order of the taps. */
function answer(qid, response) {
  S.seq += 1;
  S.answers[qid] = response;
  S.queue = S.queue.filter((q) => q.qid !== qid);
  S.queue.push({ qid, response, seq: S.seq });
  saveLocal();
  updateSyncBadge();
  flush();
}

/** Sends queued answers in order until the queue is empty or the network fails. */
async function flush() {
  if (flushing || !S.attemptId) return;
  flushing = true;
  clearTimeout(retryTimer);
  try {
    while (S.queue.length) {
      const item = S.queue[0];
      try {
        await api('PUT', `/api/attempts/${S.attemptId}/answers/${item.qid}`, { token: S.token, body: { response: item.response, seq: item.seq } });
        S.queue.shift();
        saveLocal();
        updateSyncBadge();
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        if (e.status === 0 || e.status >= 500 || e.status === 429) {
          updateSyncBadge(true);
          retryTimer = setTimeout(flush, 3000);
          return;
        }
        if (e.code === 'taken_over') { renderTakenOver(); return; }
        if (e.code === 'attempt_paused') { S.status = 'paused'; showBanner(t('candidate.paused'), true); retryTimer = setTimeout(flush, 5000); return; }
        if (e.code === 'time_up' || e.code === 'attempt_submitted') {
          showBanner(t('candidate.timeUp.lost', { n: S.queue.length }), true);
          S.queue = [];
          saveLocal();
          updateSyncBadge();
          return;
        }
        // Anything else is an answer the server cannot take at all; keeping it would block the rest.
        S.queue.shift();
        saveLocal();
      }
    }
  } finally {
    flushing = false;
  }
}

// ---------- events for the proctor ----------

const pendingEvents = [];
let eventTimer = null;

function report(kind) {
  if (!S.attemptId || S.status === 'submitted') return;
  pendingEvents.push({ kind, at: Date.now() });
  clearTimeout(eventTimer);
  eventTimer = setTimeout(sendEvents, 200);
}

async function sendEvents() {
  if (!S.attemptId || S.status === 'submitted') return;
  const batch = pendingEvents.splice(0, 100);
  if (!batch.length) batch.push({ kind: 'heartbeat', at: Date.now() });
  try {
    await api('POST', `/api/attempts/${S.attemptId}/events`, { token: S.token, body: { events: batch } });
  } catch (e) {
    if (e.code === 'taken_over') { renderTakenOver(); return; }
    // Kept for the next try unless the server refused them as such.
    if (e.status === 0 || e.status >= 500) pendingEvents.unshift(...batch.filter((b) => b.kind !== 'heartbeat'));
  }
}

document.addEventListener('visibilitychange', () => report(document.hidden ? 'page_hidden' : 'page_visible'));
window.addEventListener('blur', () => report('window_blur'));
window.addEventListener('focus', () => report('window_focus'));
document.addEventListener('fullscreenchange', () => { if (!document.fullscreenElement) report('fullscreen_exit'); });
window.addEventListener('offline', () => { updateSyncBadge(true); report('network_offline'); });
window.addEventListener('online', () => { updateSyncBadge(); report('network_online'); flush(); });

// ---------- live changes from the proctor ----------

let live = null;

/** Opens the attempt's live stream: a pause, extra time, a forced submission or another device
 * taking over shows at once (the 15 s state poll stays as the fallback). */
function openLive() {
  if (live || !S.attemptId || S.status === 'submitted' || !window.EventSource) return;
  live = new EventSource(`/api/attempts/${S.attemptId}/live?access_token=${encodeURIComponent(S.token)}`);
  live.addEventListener('state', (ev) => {
    const st = JSON.parse(ev.data);
    const was = S.status;
    S.offsetMs = Date.parse(st.server_time) - Date.now();
    S.status = st.status;
    S.deadlineMs = Date.parse(st.deadline);
    S.remainingAtSync = st.remaining_seconds;
    S.submittedBy = st.submitted_by;
    saveLocal();
    if (st.status === 'paused') showBanner(t('candidate.paused'), true);
    else if (was === 'paused') { showBanner(t('candidate.resumed')); flush(); }
    if (st.status === 'submitted') {
      closeLive();
      refreshState().then(renderResult).catch(() => renderResult());
    }
    tick();
  });
  live.addEventListener('taken_over', () => { closeLive(); renderTakenOver(); });
}

function closeLive() {
  if (live) live.close();
  live = null;
}

// ---------- screens ----------

function showBanner(text, bad = false) {
  banner.textContent = text;
  banner.classList.toggle('bad', bad);
  banner.hidden = !text;
}

function screen(...children) {
  main.replaceChildren(...children);
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

function renderLogin(message) {
  clockBadge.hidden = true;
  syncBadge.hidden = true;
  const ticket = el('input', { id: 'ticket', name: 'ticket', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', required: true, 'data-test': 'login-ticket' });
  const idn = el('input', { id: 'idn', name: 'id_number', autocomplete: 'off', inputmode: 'text', autocapitalize: 'characters', spellcheck: 'false', required: true, 'data-test': 'login-id' });
  const err = el('p', { class: 'error', role: 'alert', 'data-test': 'login-error' }, message || '');
  const submit = el('button', { type: 'submit', class: 'primary', 'data-test': 'login-submit' }, t('candidate.login.submit'));
  const form = el('form', { class: 'card', novalidate: true },
    el('h1', {}, t('candidate.login.title')),
    el('p', { class: 'muted' }, t('candidate.login.hint')),
    el('label', { for: 'ticket' }, t('candidate.login.ticket')), ticket,
    el('label', { for: 'idn' }, t('candidate.login.idNumber')), idn,
    err, submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    if (!ticket.value.trim() || !idn.value.trim()) { err.textContent = t('candidate.login.missing'); return; }
    submit.disabled = true;
    try {
      await login(ticket.value, idn.value);
    } catch (e) {
      err.textContent = loginError(e);
    } finally {
      submit.disabled = false;
    }
  });
  screen(el('section', { class: 'login' }, form));
  ticket.focus();
}

function loginError(e) {
  const known = ['invalid_credentials', 'invalid_ticket', 'invalid_id_number', 'session_not_open', 'session_closed', 'paper_unavailable', 'network'];
  if (e.code === 'too_many_attempts') return t('candidate.errors.too_many_attempts', { s: e.retryAfter || 60 });
  return known.includes(e.code) ? t(`candidate.errors.${e.code}`) : `${t('candidate.errors.other')} (${e.code})`;
}

async function login(ticket, idNumber) {
  const sentAt = Date.now();
  const r = await api('POST', '/api/candidate/login', { body: { ticket, id_number: idNumber } });
  const receivedAt = Date.now();
  if (S.attemptId && S.attemptId !== r.attempt_id) forget();
  const sameAttempt = S.attemptId === r.attempt_id;
  S.token = r.token;
  S.attemptId = r.attempt_id;
  S.candidate = r.candidate;
  if (!sameAttempt) {
    Object.assign(S, JSON.parse(localStorage.getItem(key('state')) || '{}'));
  }
  // Older unsent answers on this device keep their place; new ones number after everything the
  // server has seen, so another device's answers are never overwritten by a stale counter.
  adopt(r.attempt, sentAt, receivedAt);
  S.paper = await api('GET', `/api/attempts/${S.attemptId}/paper`, { token: S.token });
  localStorage.setItem(key('paper'), JSON.stringify(S.paper));
  saveLocal();
  flush();
  sendEvents();
  openLive();
  if (S.status === 'submitted') renderResult();
  else renderRules();
}

function renderRules() {
  showBanner('');
  const p = S.paper;
  const left = remainingSeconds();
  const resumed = Object.keys(S.answers).length > 0;
  const start = el('button', { class: 'primary', type: 'button', 'data-test': 'start' }, resumed ? t('candidate.rules.continue') : t('candidate.rules.start'));
  start.addEventListener('click', () => {
    // Fullscreen needs a tap; leaving it is reported to the proctor.
    if (document.documentElement.requestFullscreen && !document.fullscreenElement) {
      document.documentElement.requestFullscreen().catch(() => {});
    }
    S.started = true;
    saveLocal();
    renderQuestion();
  });
  screen(el('section', { class: 'rules' },
    el('h1', {}, p.exam.name),
    el('p', {}, t('candidate.rules.hello', { name: S.candidate ? S.candidate.name : '', room: S.candidate ? S.candidate.room : '', seat: S.candidate ? S.candidate.seat : '' })),
    el('div', { class: 'facts' },
      el('div', {}, t('candidate.rules.questions'), el('b', {}, String(p.questions.length))),
      el('div', {}, t('candidate.rules.points'), el('b', {}, String(p.exam.total_points))),
      el('div', {}, t('candidate.rules.passLine'), el('b', {}, String(p.exam.pass_line))),
      el('div', {}, t('candidate.rules.timeLimit'), el('b', {}, t('candidate.rules.minutes', { n: p.exam.time_limit_minutes }))),
      el('div', {}, t('candidate.rules.timeLeft'), el('b', { 'data-test': 'rules-left' }, left === null ? '—' : fmt(left)))),
    el('h2', {}, t('candidate.rules.title')),
    el('ul', {}, ...['r1', 'r2', 'r3', 'r4', 'r5'].map((r) => el('li', {}, t(`candidate.rules.${r}`)))),
    start));
  updateSyncBadge();
}

function isAnswered(qid) {
  const r = S.answers[qid];
  if (!r) return false;
  if (r.type === 'choice') return r.selected.length > 0;
  if (r.type === 'blanks') return r.values.some((v) => v.trim());
  if (r.type === 'text') return r.text.trim().length > 0;
  return true;
}

function stemNode(text) {
  // Plain text with images written as ![alt](/api/media/<sha256>); nothing else is interpreted.
  const node = el('div', { class: 'stem', 'data-test': 'stem' });
  const re = /!\[([^\]]*)\]\((\/api\/media\/[0-9a-f]{64})\)/g;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    node.append(text.slice(last, m.index), el('img', { src: m[2], alt: m[1] || t('candidate.question.image') }));
    last = re.lastIndex;
  }
  node.append(text.slice(last));
  return node;
}

const kindLabel = (k) => t(`candidate.kinds.${k}`);

function optionButtons(q) {
  const r = S.answers[q.id];
  const selected = new Set(r && r.type === 'choice' ? r.selected : []);
  const multi = q.kind === 'multiple';
  const group = el('div', { class: 'options', role: multi ? 'group' : 'radiogroup', 'aria-label': t('candidate.question.options') });
  q.options.forEach((o, i) => {
    const letter = String.fromCharCode(65 + i);
    const b = el('button', {
      type: 'button', class: `option${multi ? ' multi' : ''}`, role: multi ? 'checkbox' : 'radio',
      'aria-checked': selected.has(o.id) ? 'true' : 'false', 'data-test': 'option', 'data-option': o.id,
    }, el('span', { class: 'letter', 'aria-hidden': 'true' }, letter), el('span', {}, o.text));
    b.addEventListener('click', () => {
      const now = new Set(S.answers[q.id] && S.answers[q.id].type === 'choice' ? S.answers[q.id].selected : []);
      if (multi) { if (now.has(o.id)) now.delete(o.id); else now.add(o.id); } else { now.clear(); now.add(o.id); }
      // Keep the order the options are shown in, so a stored answer reads naturally.
      answer(q.id, { type: 'choice', selected: q.options.map((x) => x.id).filter((id) => now.has(id)) });
      group.querySelectorAll('.option').forEach((x) => x.setAttribute('aria-checked', now.has(x.dataset.option) ? 'true' : 'false'));
    });
    group.append(b);
  });
  return group;
}

function trueFalse(q) {
  const r = S.answers[q.id];
  const group = el('div', { class: 'options tf', role: 'radiogroup', 'aria-label': t('candidate.question.options') });
  for (const value of [true, false]) {
    const b = el('button', { type: 'button', class: 'option', role: 'radio', 'aria-checked': r && r.value === value ? 'true' : 'false', 'data-test': 'option', 'data-value': String(value) },
      el('span', { class: 'letter', 'aria-hidden': 'true' }, value ? '✓' : '✗'), el('span', {}, t(value ? 'candidate.question.true' : 'candidate.question.false')));
    b.addEventListener('click', () => {
      answer(q.id, { type: 'true_false', value });
      group.querySelectorAll('.option').forEach((x) => x.setAttribute('aria-checked', x.dataset.value === String(value) ? 'true' : 'false'));
    });
    group.append(b);
  }
  return group;
}

function debounce(fn, ms) {
  let timer;
  const run = (...a) => { clearTimeout(timer); timer = setTimeout(() => fn(...a), ms); };
  run.now = (...a) => { clearTimeout(timer); fn(...a); };
  return run;
}

function blanks(q) {
  const r = S.answers[q.id];
  const values = r && r.type === 'blanks' ? [...r.values] : Array(q.blanks).fill('');
  const wrap = el('div', { class: 'blanks' });
  const save = debounce(() => answer(q.id, { type: 'blanks', values: [...values] }), 600);
  for (let i = 0; i < q.blanks; i++) {
    const id = `blank-${q.id}-${i}`;
    const input = el('input', { id, value: values[i] || '', autocomplete: 'off', 'data-test': 'blank' });
    input.addEventListener('input', () => { values[i] = input.value; save(); });
    input.addEventListener('change', () => { values[i] = input.value; save.now(); });
    wrap.append(el('div', { class: 'blank' }, el('label', { for: id }, t('candidate.question.blank', { n: i + 1 })), input));
  }
  return wrap;
}

function textAnswer(q) {
  const r = S.answers[q.id];
  const id = `text-${q.id}`;
  const area = el('textarea', { id, rows: '8', maxlength: '20000', 'data-test': 'text-answer' });
  area.value = r && r.type === 'text' ? r.text : '';
  const save = debounce(() => answer(q.id, { type: 'text', text: area.value }), 800);
  area.addEventListener('input', save);
  area.addEventListener('change', () => save.now());
  return el('div', {}, el('label', { for: id }, t('candidate.question.yourAnswer')), area);
}

function renderQuestion() {
  const qs = S.paper.questions;
  S.index = Math.min(Math.max(0, S.index), qs.length - 1);
  const q = qs[S.index];
  const section = S.paper.sections[q.section];
  const flagged = S.flags.includes(q.id);
  let body;
  if (q.kind === 'single' || q.kind === 'multiple') body = optionButtons(q);
  else if (q.kind === 'true_false') body = trueFalse(q);
  else if (q.kind === 'fill') body = blanks(q);
  else body = textAnswer(q);
  const prev = el('button', { type: 'button', 'data-test': 'prev', disabled: S.index === 0 }, t('candidate.nav.prev'));
  const next = el('button', { type: 'button', class: 'primary', 'data-test': 'next', disabled: S.index === qs.length - 1 }, t('candidate.nav.next'));
  const flag = el('button', { type: 'button', class: 'flag', 'aria-pressed': flagged ? 'true' : 'false', 'data-test': 'flag' }, t(flagged ? 'candidate.nav.unflag' : 'candidate.nav.flag'));
  const nav = el('button', { type: 'button', 'data-test': 'open-navigator' }, t('candidate.nav.navigator'));
  const submit = el('button', { type: 'button', class: 'danger', 'data-test': 'open-submit' }, t('candidate.nav.submit'));
  prev.addEventListener('click', () => { S.index -= 1; saveLocal(); renderQuestion(); });
  next.addEventListener('click', () => { S.index += 1; saveLocal(); renderQuestion(); });
  flag.addEventListener('click', () => {
    S.flags = S.flags.includes(q.id) ? S.flags.filter((x) => x !== q.id) : [...S.flags, q.id];
    saveLocal();
    renderQuestion();
  });
  nav.addEventListener('click', renderNavigator);
  submit.addEventListener('click', renderConfirm);
  screen(
    el('article', { class: 'question', 'data-test': 'question', 'data-qid': String(q.id), 'aria-labelledby': 'qhead' },
      el('div', { class: 'meta' },
        el('span', { class: 'section-title' }, section ? section.title : ''),
        el('span', { id: 'qhead' }, t('candidate.question.position', { n: q.number, total: qs.length, kind: kindLabel(q.kind), points: q.points }))),
      stemNode(q.stem),
      body),
    el('nav', { class: 'actionbar', 'aria-label': t('candidate.nav.label') }, prev, flag, nav, next, submit));
  updateSyncBadge();
}

function renderNavigator() {
  const qs = S.paper.questions;
  const answered = qs.filter((q) => isAnswered(q.id)).length;
  const grids = S.paper.sections.map((sec) => {
    const items = qs.map((q, i) => [q, i]).filter(([q]) => q.section === sec.index);
    if (!items.length) return null;
    return el('div', {},
      el('h2', {}, sec.title || t('candidate.navigator.section', { n: sec.index + 1 })),
      el('div', { class: 'grid' }, ...items.map(([q, i]) => {
        const state = [isAnswered(q.id) ? t('candidate.navigator.answered') : t('candidate.navigator.unanswered'), S.flags.includes(q.id) ? t('candidate.navigator.flagged') : ''].filter(Boolean).join('，');
        const b = el('button', {
          type: 'button', 'data-test': 'nav-item', 'data-qid': String(q.id),
          class: [isAnswered(q.id) ? 'answered' : '', S.flags.includes(q.id) ? 'flagged' : '', i === S.index ? 'current' : ''].join(' ').trim(),
          'aria-label': t('candidate.navigator.item', { n: q.number, state }),
        }, String(q.number));
        b.addEventListener('click', () => { S.index = i; saveLocal(); renderQuestion(); });
        return b;
      })));
  });
  const back = el('button', { type: 'button', class: 'primary', 'data-test': 'back-to-question' }, t('candidate.navigator.back'));
  back.addEventListener('click', renderQuestion);
  const submit = el('button', { type: 'button', class: 'danger', 'data-test': 'open-submit' }, t('candidate.nav.submit'));
  submit.addEventListener('click', renderConfirm);
  screen(el('section', { class: 'navigator', 'data-test': 'navigator' },
    el('h1', {}, t('candidate.navigator.title')),
    el('p', {}, t('candidate.navigator.summary', { answered, total: qs.length, flagged: S.flags.length })),
    el('div', { class: 'legend' },
      el('span', { class: 'l-answered' }, t('candidate.navigator.answered')),
      el('span', { class: 'l-unanswered' }, t('candidate.navigator.unanswered')),
      el('span', { class: 'l-flagged' }, t('candidate.navigator.flagged'))),
    ...grids.filter(Boolean)),
  el('nav', { class: 'actionbar' }, back, submit));
}

function jumpList(ids) {
  return el('div', { class: 'list' }, ...ids.map((qid) => {
    const i = S.paper.questions.findIndex((q) => q.id === qid);
    const b = el('button', { type: 'button' }, String(S.paper.questions[i].number));
    b.addEventListener('click', () => { S.index = i; saveLocal(); renderQuestion(); });
    return b;
  }));
}

function renderConfirm() {
  const qs = S.paper.questions;
  const unanswered = qs.filter((q) => !isAnswered(q.id)).map((q) => q.id);
  const flagged = qs.filter((q) => S.flags.includes(q.id)).map((q) => q.id);
  const err = el('p', { class: 'error', role: 'alert', 'data-test': 'submit-error' });
  const confirm = el('button', { type: 'button', class: 'danger primary', 'data-test': 'confirm-submit' }, t('candidate.confirm.submit'));
  const back = el('button', { type: 'button', 'data-test': 'back-to-question' }, t('candidate.confirm.back'));
  back.addEventListener('click', renderQuestion);
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    err.textContent = '';
    try {
      await flush();
      if (S.queue.length) { err.textContent = t('candidate.confirm.unsynced', { n: S.queue.length }); return; }
      const sentAt = Date.now();
      const state = await api('POST', `/api/attempts/${S.attemptId}/submit`, { token: S.token, body: {} });
      adopt(state, sentAt, Date.now());
      renderResult();
    } catch (e) {
      if (e.code === 'taken_over') { renderTakenOver(); return; }
      err.textContent = e.status === 0 ? t('candidate.confirm.offline') : `${t('candidate.errors.other')} (${e.code})`;
    } finally {
      confirm.disabled = false;
    }
  });
  screen(el('section', { class: 'confirm', 'data-test': 'confirm' },
    el('h1', {}, t('candidate.confirm.title')),
    el('p', {}, t('candidate.confirm.summary', { answered: qs.length - unanswered.length, total: qs.length })),
    el('h2', {}, t('candidate.confirm.unanswered', { n: unanswered.length })),
    unanswered.length ? jumpList(unanswered) : el('p', { class: 'ok' }, t('candidate.confirm.none')),
    el('h2', {}, t('candidate.confirm.flagged', { n: flagged.length })),
    flagged.length ? jumpList(flagged) : el('p', { class: 'muted' }, t('candidate.confirm.noneFlagged')),
    S.queue.length ? el('p', { class: 'warn' }, t('candidate.sync.pending', { n: S.queue.length })) : null,
    el('p', { class: 'muted' }, t('candidate.confirm.final')),
    err,
    el('div', { class: 'actions' }, back, confirm)));
}

function renderResult() {
  clockBadge.hidden = true;
  updateSyncBadge();
  showBanner('');
  const r = S.result;
  const leave = el('button', { type: 'button', 'data-test': 'leave' }, t('candidate.result.leave'));
  leave.addEventListener('click', () => { forget(); renderLogin(); });
  closeLive();
  const parts = [el('h1', {}, t('candidate.result.title'))];
  if (S.submittedBy === 'terminated') parts.push(el('p', { class: 'error', 'data-test': 'terminated' }, t('candidate.result.terminated')));
  else if (S.submittedBy === 'staff') parts.push(el('p', { class: 'muted' }, t('candidate.result.byStaff')));
  if (r) {
    parts.push(
      el('p', { class: 'score', 'data-test': 'score' }, t('candidate.result.score', { total: r.total, max: r.max })),
      r.passed === true ? el('p', { class: 'pass', 'data-test': 'verdict' }, t('candidate.result.passed'))
        : r.passed === false ? el('p', { class: 'fail', 'data-test': 'verdict' }, t('candidate.result.failed'))
          : el('p', { class: 'muted', 'data-test': 'verdict' }, t('candidate.result.pending')),
      el('p', { class: 'muted' }, t('candidate.result.passLine', { line: r.pass_line })),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, t('candidate.result.section')), el('th', {}, t('candidate.result.points')))),
        el('tbody', {}, ...r.sections.map((s) => el('tr', {}, el('td', {}, s.title || String(s.index + 1)), el('td', {}, `${s.earned} / ${s.max}`))))));
  } else {
    parts.push(el('p', { 'data-test': 'not-released' }, t('candidate.result.notReleased')));
  }
  parts.push(el('div', { class: 'actions' }, leave));
  screen(el('section', { class: 'result', 'data-test': 'result' }, ...parts));
}

function renderTakenOver() {
  closeLive();
  clockBadge.hidden = true;
  syncBadge.hidden = true;
  const again = el('button', { type: 'button', class: 'primary', 'data-test': 'login-again' }, t('candidate.takenOver.again'));
  again.addEventListener('click', () => renderLogin());
  screen(el('section', { class: 'card', 'data-test': 'taken-over' },
    el('h1', {}, t('candidate.takenOver.title')),
    el('p', {}, t('candidate.takenOver.body')),
    again));
}

// ---------- start ----------

async function boot() {
  applyI18n();
  wireToolbar();
  window.addEventListener('langchange', () => rerender());
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
  setInterval(tick, 1000);
  setInterval(() => { if (S.queue.length) flush(); }, 3000);
  setInterval(() => { if (S.attemptId && S.status !== 'submitted') sendEvents(); }, 10000);
  // Re-read the server's clock now and then: pauses and extensions by the proctor arrive this way.
  setInterval(() => { if (S.attemptId && S.status !== 'submitted' && navigator.onLine) refreshState().then(rerenderClockOnly).catch(onStateError); }, 15000);
  if (!loadLocal()) { renderLogin(); return; }
  updateSyncBadge();
  if (S.paper) { if (S.started) renderQuestion(); else renderRules(); }
  try {
    await refreshState();
    if (!S.paper) {
      S.paper = await api('GET', `/api/attempts/${S.attemptId}/paper`, { token: S.token });
      localStorage.setItem(key('paper'), JSON.stringify(S.paper));
    }
    flush();
    openLive();
    if (S.status === 'submitted') renderResult();
    else if (!main.querySelector('[data-test="question"]')) { if (S.started) renderQuestion(); else renderRules(); }
  } catch (e) {
    onStateError(e);
    if (!S.paper) renderLogin(e.status === 0 ? t('candidate.errors.network') : '');
  }
}

function rerenderClockOnly() {
  if (S.status === 'paused') showBanner(t('candidate.paused'), true);
  else if (banner.textContent === t('candidate.paused')) showBanner('');
  if (S.status === 'submitted') renderResult();
}

function onStateError(e) {
  if (!(e instanceof ApiError)) return;
  if (e.code === 'taken_over') renderTakenOver();
  else if (e.status === 401) { forget(); renderLogin(t('candidate.errors.expired')); }
}

function rerender() {
  const current = main.firstElementChild && main.firstElementChild.dataset.test;
  if (!S.attemptId || !S.paper) renderLogin();
  else if (current === 'navigator') renderNavigator();
  else if (current === 'confirm') renderConfirm();
  else if (current === 'result' || S.status === 'submitted') renderResult();
  else if (current === 'taken-over') renderTakenOver();
  else if (S.started) renderQuestion();
  else renderRules();
  updateSyncBadge();
  tick();
}

boot();
