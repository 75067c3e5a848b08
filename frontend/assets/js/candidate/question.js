// The question screen: the stem with its images, the answer controls per kind (options,
// true/false, blanks, text), and moving between questions.
import { el } from '../api.js';
import { t } from '../i18n.js';
import { renderConfirm } from './confirm.js';
import { renderNavigator } from './navigator.js';
import { S, saveLocal } from './state.js';
import { updateSyncBadge, answer, pushPosition } from './sync.js';
import { screen } from './ui.js';

function stemNode(text) {
  // Plain text with images written as ![alt](/api/media/<sha256>); nothing else is interpreted.
  const node = el('div', { class: 'stem', 'data-test': 'stem' });
  const re = /!\[([^\]]*)\]\((\/api\/media\/[0-9a-f]{64})\)/g;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    node.append(text.slice(last, m.index), el('img', { src: m[2], alt: m[1] || t('candidate.question.image') }));
    last = re.lastIndex;
  }
  node.append(text.slice(last));
  return node;
}

const kindLabel = (k) => t(`candidate.kinds.${k}`);

function optionButtons(q) {
  const r = S.answers[q.id];
  const selected = new Set(r && r.type === 'choice' ? r.selected : []);
  const multi = q.kind === 'multiple';
  const group = el('div', { class: 'options', role: multi ? 'group' : 'radiogroup', 'aria-label': t('candidate.question.options') });
  q.options.forEach((o, i) => {
    const letter = String.fromCharCode(65 + i);
    const b = el('button', {
      type: 'button', class: `option${multi ? ' multi' : ''}`, role: multi ? 'checkbox' : 'radio',
      'aria-checked': selected.has(o.id) ? 'true' : 'false', 'data-test': 'option', 'data-option': o.id,
    }, el('span', { class: 'letter', 'aria-hidden': 'true' }, letter), el('span', {}, o.text));
    b.addEventListener('click', () => {
      const now = new Set(S.answers[q.id] && S.answers[q.id].type === 'choice' ? S.answers[q.id].selected : []);
      if (multi) { if (now.has(o.id)) now.delete(o.id); else now.add(o.id); } else { now.clear(); now.add(o.id); }
      // Keep the order the options are shown in, so a stored answer reads naturally.
      answer(q.id, { type: 'choice', selected: q.options.map((x) => x.id).filter((id) => now.has(id)) });
      group.querySelectorAll('.option').forEach((x) => x.setAttribute('aria-checked', now.has(x.dataset.option) ? 'true' : 'false'));
    });
    group.append(b);
  });
  return group;
}

function trueFalse(q) {
  const r = S.answers[q.id];
  const group = el('div', { class: 'options tf', role: 'radiogroup', 'aria-label': t('candidate.question.options') });
  for (const value of [true, false]) {
    const b = el('button', { type: 'button', class: 'option', role: 'radio', 'aria-checked': r && r.value === value ? 'true' : 'false', 'data-test': 'option', 'data-value': String(value) },
      el('span', { class: 'letter', 'aria-hidden': 'true' }, value ? '✓' : '✗'), el('span', {}, t(value ? 'candidate.question.true' : 'candidate.question.false')));
    b.addEventListener('click', () => {
      answer(q.id, { type: 'true_false', value });
      group.querySelectorAll('.option').forEach((x) => x.setAttribute('aria-checked', x.dataset.value === String(value) ? 'true' : 'false'));
    });
    group.append(b);
  }
  return group;
}

function debounce(fn, ms) {
  let timer;
  const run = (...a) => { clearTimeout(timer); timer = setTimeout(() => fn(...a), ms); };
  run.now = (...a) => { clearTimeout(timer); fn(...a); };
  return run;
}

function blanks(q) {
  const r = S.answers[q.id];
  const values = r && r.type === 'blanks' ? [...r.values] : Array(q.blanks).fill('');
  const wrap = el('div', { class: 'blanks' });
  const save = debounce(() => answer(q.id, { type: 'blanks', values: [...values] }), 600);
  for (let i = 0; i < q.blanks; i++) {
    const id = `blank-${q.id}-${i}`;
    const input = el('input', { id, value: values[i] || '', autocomplete: 'off', 'data-test': 'blank' });
    input.addEventListener('input', () => { values[i] = input.value; save(); });
    input.addEventListener('change', () => { values[i] = input.value; save.now(); });
    wrap.append(el('div', { class: 'blank' }, el('label', { for: id }, t('candidate.question.blank', { n: i + 1 })), input));
  }
  return wrap;
}

function textAnswer(q) {
  const r = S.answers[q.id];
  const id = `text-${q.id}`;
  const area = el('textarea', { id, rows: '8', maxlength: '20000', 'data-test': 'text-answer' });
  area.value = r && r.type === 'text' ? r.text : '';
  const save = debounce(() => answer(q.id, { type: 'text', text: area.value }), 800);
  area.addEventListener('input', save);
  area.addEventListener('change', () => save.now());
  return el('div', {}, el('label', { for: id }, t('candidate.question.yourAnswer')), area);
}

export function renderQuestion() {
  const qs = S.paper.questions;
  S.index = Math.min(Math.max(0, S.index), qs.length - 1);
  const q = qs[S.index];
  const section = S.paper.sections[q.section];
  const flagged = S.flags.includes(q.id);
  let body;
  if (q.kind === 'single' || q.kind === 'multiple') body = optionButtons(q);
  else if (q.kind === 'true_false') body = trueFalse(q);
  else if (q.kind === 'fill') body = blanks(q);
  else body = textAnswer(q);
  const prev = el('button', { type: 'button', 'data-test': 'prev', disabled: S.index === 0 }, t('candidate.nav.prev'));
  const next = el('button', { type: 'button', class: 'primary', 'data-test': 'next', disabled: S.index === qs.length - 1 }, t('candidate.nav.next'));
  const flag = el('button', { type: 'button', class: 'flag', 'aria-pressed': flagged ? 'true' : 'false', 'data-test': 'flag' }, t(flagged ? 'candidate.nav.unflag' : 'candidate.nav.flag'));
  const nav = el('button', { type: 'button', 'data-test': 'open-navigator' }, t('candidate.nav.navigator'));
  const submit = el('button', { type: 'button', class: 'danger', 'data-test': 'open-submit' }, t('candidate.nav.submit'));
  prev.addEventListener('click', () => { S.index -= 1; saveLocal(); renderQuestion(); });
  next.addEventListener('click', () => { S.index += 1; saveLocal(); renderQuestion(); });
  flag.addEventListener('click', () => {
    S.flags = S.flags.includes(q.id) ? S.flags.filter((x) => x !== q.id) : [...S.flags, q.id];
    saveLocal();
    renderQuestion();
  });
  nav.addEventListener('click', renderNavigator);
  submit.addEventListener('click', renderConfirm);
  screen(
    el('article', { class: 'question', 'data-test': 'question', 'data-qid': String(q.id), 'aria-labelledby': 'qhead' },
      el('div', { class: 'meta' },
        el('span', { class: 'section-title' }, section ? section.title : ''),
        el('span', { id: 'qhead' }, t('candidate.question.position', { n: q.number, total: qs.length, kind: kindLabel(q.kind), points: q.points }))),
      stemNode(q.stem),
      body),
    el('nav', { class: 'actionbar', 'aria-label': t('candidate.nav.label') }, prev, flag, nav, next, submit));
  updateSyncBadge();
  // Flags and the current question follow the candidate to another tablet.
  if (S.lastPushed !== `${S.index}|${S.flags.join(',')}`) {
    S.lastPushed = `${S.index}|${S.flags.join(',')}`;
    pushPosition();
  }
}
