// The result page's question-by-question review: points, right or wrong, and (when the exam
// shows them) the key and the explanation (解析). The server sends these only once the exam's
// review rule allows (after the last sitting, or after the session closes).
import { el } from '../api.js';
import { t } from '../i18n.js';
import { S } from './state.js';

function keyText(q, key) {
  if (!key) return '';
  if (Array.isArray(key.selected)) {
    const letters = key.selected.map((id) => {
      const i = q ? q.options.findIndex((o) => o.id === id) : -1;
      return i >= 0 ? String.fromCharCode(65 + i) : '';
    }).filter(Boolean);
    return letters.join('、');
  }
  if (typeof key.value === 'boolean') return t(key.value ? 'candidate.question.true' : 'candidate.question.false');
  if (Array.isArray(key.accepted)) return key.accepted.map((alts) => (Array.isArray(alts) ? alts.join(' / ') : String(alts))).join('；');
  if (key.reference) return String(key.reference);
  return '';
}

/** The review table, or the note saying when it will show; nothing when the exam shows none. */
export function reviewSection(r) {
  if (r.review_withheld) {
    return el('p', { class: 'muted', 'data-test': 'review-withheld' }, t(`tablet.result.withheld_${r.review_withheld}`));
  }
  if (!r.items || !r.items.length) return null;
  const byId = new Map((S.paper ? S.paper.questions : []).map((q) => [q.id, q]));
  const rows = r.items.map((item, i) => {
    const q = byId.get(item.question_id);
    const verdict = item.earned === null || item.earned === undefined ? ['marking', '']
      : item.correct === true ? ['right', 'right'] : item.correct === false ? ['wrong', 'wrong'] : ['', ''];
    const extra = [];
    if (item.key) extra.push(el('div', {}, `${t('tablet.result.key')}：${keyText(q, item.key)}`));
    if (item.explanation) extra.push(el('div', { class: 'explanation', 'data-test': 'explanation' }, `${t('tablet.result.explanation')}：${item.explanation}`));
    return el('tr', { 'data-test': 'review-item', 'data-qid': String(item.question_id) },
      el('td', {}, String(q ? q.number : i + 1)),
      el('td', {}, item.earned === null || item.earned === undefined ? '—' : `${item.earned} / ${item.max}`),
      el('td', { class: verdict[1] }, verdict[0] ? t(`tablet.result.${verdict[0]}`) : ''),
      el('td', {}, q ? el('div', {}, q.stem.length > 80 ? `${q.stem.slice(0, 80)}…` : q.stem) : '', ...extra));
  });
  return el('section', { class: 'review', 'data-test': 'review' },
    el('h2', {}, t('tablet.result.review')),
    el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, t('tablet.result.number')), el('th', {}, t('tablet.result.points')), el('th', {}, t('tablet.result.verdict')), el('th', {}, ''))),
      el('tbody', {}, ...rows)));
}
