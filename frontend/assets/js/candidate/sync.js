// The save queue: every answer is recorded on the device first and sent in order, with its
// sequence number, whenever the network is there.
import { api, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { S, saveLocal } from './state.js';
import { renderTakenOver } from './takeover.js';
import { syncBadge, showBanner } from './ui.js';

let flushing = false;
let retryTimer = null;

export function updateSyncBadge(offline) {
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
export function answer(qid, response) {
  // A paused paper is covered; should a tap still get through, it is not taken.
  if (S.status === 'paused') return;
  S.seq += 1;
  S.answers[qid] = response;
  S.queue = S.queue.filter((q) => q.qid !== qid);
  S.queue.push({ qid, response, seq: S.seq });
  saveLocal();
  updateSyncBadge();
  flush();
}

/** Sends queued answers in order until the queue is empty or the network fails. */
export async function flush() {
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
          // The server takes nothing after the deadline or the submission: the answers stay
          // counted on the device so the candidate can tell the proctor how many did not count.
          showBanner(t('candidate.timeUp.lost', { n: S.queue.length }), true);
          S.unsent = [...(S.unsent || []), ...S.queue];
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

let positionTimer = null;
let pushedFlags = null;

/** Stores the flags and the current question on the server, so they follow the candidate to
 * another tablet. A flag change goes within a second; moving from question to question only
 * every 15 s (each store is a write of its own, unlike answers, which the server commits in
 * groups; a current question a few seconds stale costs a candidate nothing). */
export function pushPosition(now = false) {
  if (!S.attemptId || S.status === 'submitted' || !S.paper) return;
  S.positionDirty = true;
  saveLocal();
  const flagsChanged = S.flags.join(',') !== pushedFlags;
  // A store already waiting sends the position as it is when it goes.
  if (positionTimer && !now && !flagsChanged) return;
  clearTimeout(positionTimer);
  positionTimer = setTimeout(async () => {
    positionTimer = null;
    const q = S.paper.questions[S.index];
    const sent = `${S.index}|${S.flags.join(',')}`;
    try {
      await api('PUT', `/api/attempts/${S.attemptId}/position`, { token: S.token, body: { flags: S.flags, current_question: q ? q.id : null } });
      pushedFlags = sent.split('|')[1];
      if (sent === `${S.index}|${S.flags.join(',')}`) S.positionDirty = false;
      saveLocal();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'taken_over') renderTakenOver();
    }
  }, now ? 0 : flagsChanged ? 1000 : 15000);
}

/** Retries a store that failed (offline, a server restart); the 3 s loop calls it. */
export function retryPosition() {
  if (S.positionDirty && !positionTimer && navigator.onLine) pushPosition(true);
}
