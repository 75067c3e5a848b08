// The rules screen before the first question (or before continuing).
import { el } from '../api.js';
import { t } from '../i18n.js';
import { remainingSeconds, fmt } from './clock.js';
import { renderQuestion } from './question.js';
import { S, saveLocal } from './state.js';
import { updateSyncBadge } from './sync.js';
import { showBanner, screen } from './ui.js';

export function renderRules() {
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
    // The clock started at login: say so plainly, with the time left counting down (clock.js).
    left === null ? null : el('p', { class: 'warn', role: 'status', 'data-test': 'rules-running' }, t('tablet.rules.running', { left: fmt(left) })),
    el('h2', {}, t('candidate.rules.title')),
    el('ul', {}, ...['r1', 'r2', 'r3', 'r4', 'r5'].map((r) => el('li', {}, t(`candidate.rules.${r}`)))),
    start));
  updateSyncBadge();
}
