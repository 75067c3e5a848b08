// The result screen after submission (or the note that results are not released yet).
import { el } from '../api.js';
import { t } from '../i18n.js';
import { closeLive } from './live.js';
import { renderLogin } from './login.js';
import { S, forget } from './state.js';
import { updateSyncBadge } from './sync.js';
import { clockBadge, showBanner, screen } from './ui.js';

export function renderResult() {
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
