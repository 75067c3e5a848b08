// The confirmation before submitting: what is unanswered or flagged, then the submission.
import { api, el } from '../api.js';
import { t } from '../i18n.js';
import { adopt } from './clock.js';
import { renderQuestion } from './question.js';
import { renderResult } from './result.js';
import { S, saveLocal, isAnswered } from './state.js';
import { flush } from './sync.js';
import { renderTakenOver } from './takeover.js';
import { screen } from './ui.js';

function jumpList(ids) {
  return el('div', { class: 'list' }, ...ids.map((qid) => {
    const i = S.paper.questions.findIndex((q) => q.id === qid);
    const b = el('button', { type: 'button' }, String(S.paper.questions[i].number));
    b.addEventListener('click', () => { S.index = i; saveLocal(); renderQuestion(); });
    return b;
  }));
}

export function renderConfirm() {
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
