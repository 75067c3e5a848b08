// The attempt's state from the server, and the countdown, which follows the server's clock
// (kept as an offset from the tablet's) rather than the tablet's own.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { adoptProctor } from './pause.js';
import { renderResult, renderTimeUp } from './result.js';
import { S, saveLocal } from './state.js';
import { flush } from './sync.js';
import { clockBadge, showBanner } from './ui.js';

/** Takes the attempt state from the server: status, time (kept as an offset from this tablet's
 * clock, so a wrong tablet clock still counts down right), and answers the device lacks. */
export function adopt(state, sentAt, receivedAt) {
  const serverNow = Date.parse(state.server_time);
  S.offsetMs = serverNow - (sentAt + receivedAt) / 2;
  S.status = state.status;
  S.deadlineMs = Date.parse(state.deadline);
  S.remainingAtSync = state.remaining_seconds;
  S.pausedAt = state.status === 'paused' ? Date.now() : null;
  S.result = state.result;
  S.submittedAt = state.submitted_at;
  S.submittedBy = state.submitted_by;
  adoptProctor(state);
  setTimeout(tick, 0);
  const pending = new Set(S.queue.map((q) => q.qid));
  for (const a of state.answers || []) {
    if (!pending.has(a.question_id)) S.answers[a.question_id] = a.response;
    S.seq = Math.max(S.seq, a.seq);
  }
  saveLocal();
}

export async function refreshState() {
  const sentAt = Date.now();
  const state = await api('GET', `/api/attempts/${S.attemptId}`, { token: S.token });
  adopt(state, sentAt, Date.now());
  return state;
}

export function remainingSeconds() {
  if (S.status === 'submitted') return 0;
  if (S.status === 'paused') return S.remainingAtSync ?? 0;
  if (!S.deadlineMs) return null;
  return Math.max(0, Math.floor((S.deadlineMs - (Date.now() + S.offsetMs)) / 1000));
}

export function fmt(sec) {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  const two = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

let timeUpHandled = false;
export function tick() {
  const left = remainingSeconds();
  if (left === null || !S.attemptId || S.status === 'submitted') { clockBadge.hidden = true; return; }
  clockBadge.hidden = false;
  clockBadge.textContent = S.status === 'paused' ? t('candidate.clock.paused', { left: fmt(left) }) : t('candidate.clock.left', { left: fmt(left) });
  clockBadge.classList.toggle('low', left <= 300);
  clockBadge.setAttribute('aria-label', t('candidate.clock.label', { left: fmt(left) }));
  // The rules card counts down too: the clock already runs while it is read.
  const rulesLeft = document.querySelector('[data-test=rules-left]');
  if (rulesLeft) rulesLeft.textContent = fmt(left);
  const running = document.querySelector('[data-test=rules-running]');
  if (running) running.textContent = t('tablet.rules.running', { left: fmt(left) });
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
    // Saves can no longer be accepted after the deadline: say at once how many answers did not
    // reach the server, and to tell the proctor, rather than pretend all is well.
    renderTimeUp(S.queue.length);
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
