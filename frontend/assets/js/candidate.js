// The tablet exam client. Every tap is saved to a queue on the device first (localStorage, so it
// survives a reload or a browser restart) and synced in order, with its sequence number, whenever
// the network is there; the countdown follows the server's clock, not the tablet's.
//
// This file starts the app and redraws on a language switch. The screens are in candidate/ (login,
// rules, question, navigator, confirm, result, takeover); state.js keeps the attempt on the device,
// and clock.js, sync.js, events.js and live.js talk to the server.
import { api, ApiError } from './api.js';
import { t, applyI18n, wireToolbar } from './i18n.js';
import { refreshState, tick } from './candidate/clock.js';
import { renderConfirm } from './candidate/confirm.js';
import { sendEvents } from './candidate/events.js';
import { openLive } from './candidate/live.js';
import { renderLogin } from './candidate/login.js';
import { renderNavigator } from './candidate/navigator.js';
import { renderQuestion } from './candidate/question.js';
import { renderResult } from './candidate/result.js';
import { renderRules } from './candidate/rules.js';
import { key, S, loadLocal, forget } from './candidate/state.js';
import { updateSyncBadge, flush, retryPosition } from './candidate/sync.js';
import { updatePauseCover } from './candidate/pause.js';
import { renderTakenOver } from './candidate/takeover.js';
import { main, banner, showBanner } from './candidate/ui.js';

async function boot() {
  applyI18n();
  wireToolbar();
  window.addEventListener('langchange', () => rerender());
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
  setInterval(tick, 1000);
  setInterval(() => { if (S.queue.length) flush(); retryPosition(); }, 3000);
  setInterval(() => { if (S.attemptId && S.status !== 'submitted') sendEvents(); }, 10000);
  // Re-read the server's clock now and then: pauses and extensions by the proctor arrive this way.
  setInterval(() => { if (S.attemptId && S.status !== 'submitted' && navigator.onLine) refreshState().then(rerenderClockOnly).catch(onStateError); }, 15000);
  if (!loadLocal()) { renderLogin(); return; }
  updateSyncBadge();
  if (S.paper) { if (S.started) renderQuestion(); else renderRules(); }
  updatePauseCover();
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
  updatePauseCover();
  tick();
}

boot();
