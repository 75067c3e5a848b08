// The login screen: ticket and ID number, then the paper.
import { api, el } from '../api.js';
import { t } from '../i18n.js';
import { adopt } from './clock.js';
import { sendEvents } from './events.js';
import { openLive } from './live.js';
import { renderResult } from './result.js';
import { renderRules } from './rules.js';
import { key, S, saveLocal, forget } from './state.js';
import { flush } from './sync.js';
import { syncBadge, clockBadge, screen } from './ui.js';

export function renderLogin(message) {
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
    clearInterval(countdownTimer);
    err.textContent = '';
    if (!ticket.value.trim() || !idn.value.trim()) { err.textContent = t('candidate.login.missing'); return; }
    // The same shape the server accepts: 6–20 letters and digits (full-width read as half-width).
    if (!/^[A-Z0-9]{6,20}$/.test(normalTicket(ticket.value))) { err.textContent = t('tablet.login.badTicket'); return; }
    submit.disabled = true;
    let locked = false;
    try {
      await login(ticket.value, idn.value);
    } catch (e) {
      if (countdown(e, err, submit)) locked = e.code === 'too_many_attempts';
      else err.textContent = loginError(e);
    } finally {
      if (!locked) submit.disabled = false;
    }
  });
  screen(el('section', { class: 'login' }, form));
  ticket.focus();
}

/** A ticket as the server reads it: trimmed, full-width forms as half-width, upper case. */
function normalTicket(v) {
  return v.trim().replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).toUpperCase();
}

let countdownTimer = null;

/** A wait the server imposes, counted down live in minutes and seconds: a login lockout
 * ("请在 4 分 59 秒后重试") or a session that opens later. Returns false for other errors; the
 * login button stays disabled until a lockout ends. */
function countdown(e, err, submit) {
  clearInterval(countdownTimer);
  let until;
  let text;
  let done;
  if (e.code === 'too_many_attempts') {
    until = Date.now() + (e.retryAfter || 60) * 1000;
    text = (m, s) => t('tablet.login.lockedFor', { m, s });
    done = t('tablet.login.unlocked');
  } else if (e.code === 'session_not_open' && e.details && e.details.opens_at) {
    const opens = Date.parse(e.details.opens_at);
    const skew = e.details.server_time ? Date.parse(e.details.server_time) - Date.now() : 0;
    until = opens - skew;
    const time = new Date(opens).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai' });
    text = (m, s) => t('tablet.login.opensIn', { m, s, time });
    done = t('tablet.login.opensNow');
  } else {
    return false;
  }
  const step = () => {
    const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
    if (!err.isConnected) { clearInterval(countdownTimer); return; }
    if (left === 0) {
      clearInterval(countdownTimer);
      err.textContent = done;
      submit.disabled = false;
      return;
    }
    err.textContent = text(Math.floor(left / 60), left % 60);
  };
  submit.disabled = e.code === 'too_many_attempts';
  step();
  countdownTimer = setInterval(step, 1000);
  return true;
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
  // The flags and the question the candidate was on follow them from another tablet.
  const pos = r.attempt.position;
  if (pos && (pos.flags.length || pos.current_question !== null)) {
    S.flags = pos.flags.filter((id) => S.paper.questions.some((q) => q.id === id));
    const i = S.paper.questions.findIndex((q) => q.id === pos.current_question);
    if (i >= 0) S.index = i;
    S.lastPushed = `${S.index}|${S.flags.join(',')}`;
  }
  saveLocal();
  flush();
  sendEvents();
  openLive();
  if (S.status === 'submitted') renderResult();
  else renderRules();
}
