// The navigator: every question by section, answered and flagged at a glance.
import { el } from '../api.js';
import { t } from '../i18n.js';
import { renderConfirm } from './confirm.js';
import { renderQuestion } from './question.js';
import { S, saveLocal, isAnswered } from './state.js';
import { screen } from './ui.js';

export function renderNavigator() {
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
