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
