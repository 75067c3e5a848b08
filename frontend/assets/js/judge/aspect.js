// One aspect of the sheet and its control: four big level buttons with their descriptors for a
// judgement, met / not met for a plain measurement, the deviation with the band table for a
// banded measurement, a − / + counter for a deduction.
import { el, tj, fmtNum } from './core.js';
import { kindOf, banded, judgeMark } from './scheme.js';

/** The kind as the judge reads it. */
export function kindText(a) {
  const k = kindOf(a);
  if (k === 'measurement') return banded(a) ? tj('aspect.banded') : tj('aspect.plain');
  return tj(`aspect.${k}`);
}

/** An entry as the judge reads it (level 2, met, 1.5 mm, 3×). */
export function entryText(a, entry) {
  if (entry === null || entry === undefined) return '—';
  switch (kindOf(a)) {
    case 'judgement': return tj('aspect.level', { n: entry });
    case 'deduction': return tj('aspect.times', { n: entry });
    default:
      if (!banded(a)) return entry === 1 ? tj('aspect.met') : tj('aspect.notMet');
      return `${fmtNum(entry)} ${a.kind.unit || ''}`.trim();
  }
}

/** The card of aspect `index`: `entry` is the judge's current entry (or undefined), `onEntry`
 * records a new one; `editable` false shows it read-only. `flag` (open spread flag) adds the
 * panel's entries (`others`). */
export function aspectCard(a, index, entry, { editable, flag, others = [], pending, onEntry }) {
  const k = kindOf(a);
  const mark = judgeMark(a, entry);
  const control = k === 'judgement' ? levels(a, entry, editable, onEntry)
    : k === 'deduction' ? counter(a, entry, editable, onEntry)
      : banded(a) ? deviation(a, entry, editable, onEntry)
        : metOrNot(entry, editable, onEntry);
  const head = el('div', { class: 'j-aspect-head' },
    el('span', { class: 'j-aspect-no' }, String(index + 1)),
    el('span', { class: 'j-aspect-text' }, a.text),
    el('span', { class: 'badge' }, kindText(a)),
    el('span', { class: 'j-aspect-points' }, k === 'deduction'
      ? tj('aspect.deductPoints', { per: fmtNum(a.kind.per), max: fmtNum(a.points) })
      : tj('aspect.points', { n: fmtNum(a.points) })));
  const foot = el('div', { class: 'j-aspect-foot' },
    el('span', { 'data-test': 'aspect-mark' }, entry === undefined ? tj('aspect.notEntered')
      : k === 'deduction' ? tj('aspect.off', { n: fmtNum(mark) }) : tj('aspect.mark', { n: fmtNum(mark) })),
    pending ? el('span', { class: 'badge pending', 'data-test': 'aspect-pending' }, tj('aspect.pending')) : null);
  return el('div', {
    class: `j-aspect k-${k}${flag ? ' flagged' : ''}${entry === undefined ? ' empty' : ''}`,
    'data-test': 'aspect', 'data-aspect': index, 'data-entry': entry === undefined ? '' : String(entry),
  },
  head,
  flag ? flagBox(a, flag, others) : null,
  control,
  foot);
}

function flagBox(a, flag, others) {
  return el('div', { class: 'j-flag', role: 'note', 'data-test': 'flag' },
    el('strong', {}, tj('flag.title', { spread: fmtNum(flag.spread) })),
    el('p', {}, tj('flag.hint')),
    others.length ? el('ul', { 'data-test': 'panel-entries' }, ...others.map((o) => el('li', {}, `${o.judge_name}：${entryText(a, o.entry)}`))) : null);
}

function pressed(on) { return on ? 'true' : 'false'; }

function levels(a, entry, editable, onEntry) {
  const d = a.kind.descriptors || [];
  return el('div', { class: 'j-levels', role: 'group', 'aria-label': tj('aspect.levels') }, ...[0, 1, 2, 3].map((n) => {
    const b = el('button', { type: 'button', class: 'j-level', 'aria-pressed': pressed(entry === n), disabled: !editable, 'data-test': `level-${n}` },
      el('span', { class: 'j-level-n' }, String(n)), el('span', { class: 'j-level-d' }, d[n] || ''));
    b.addEventListener('click', () => onEntry(n));
    return b;
  }));
}

function metOrNot(entry, editable, onEntry) {
  const met = el('button', { type: 'button', class: 'j-met', 'aria-pressed': pressed(entry === 1), disabled: !editable, 'data-test': 'met' }, tj('aspect.met'));
  const not = el('button', { type: 'button', class: 'j-notmet', 'aria-pressed': pressed(entry === 0), disabled: !editable, 'data-test': 'not-met' }, tj('aspect.notMet'));
  met.addEventListener('click', () => onEntry(1));
  not.addEventListener('click', () => onEntry(0));
  return el('div', { class: 'j-pair' }, met, not);
}

function deviation(a, entry, editable, onEntry) {
  const unit = a.kind.unit || '';
  const input = el('input', { type: 'number', inputmode: 'decimal', step: 'any', min: '0', class: 'j-dev', value: entry === undefined ? null : entry, disabled: !editable, 'data-test': 'deviation', 'aria-label': tj('aspect.deviation', { unit }) });
  const err = el('span', { class: 'error', role: 'alert' });
  const save = () => {
    if (input.value.trim() === '') return;
    const v = Math.abs(Number(input.value));
    if (!Number.isFinite(v) || v > 1e6) { err.textContent = tj('aspect.badDeviation'); return; }
    err.textContent = '';
    // Enter then leaving the field would save the same value twice.
    if (v !== entry && String(v) !== input.dataset.sent) { input.dataset.sent = String(v); onEntry(v); }
  };
  input.addEventListener('change', save);
  input.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); save(); } });
  const table = el('table', { class: 'j-bands' },
    el('thead', {}, el('tr', {}, el('th', {}, tj('aspect.within')), el('th', {}, tj('aspect.earns')))),
    el('tbody', {}, ...a.kind.bands.map((b) => el('tr', {}, el('td', {}, `≤ ${fmtNum(b.within)} ${unit}`), el('td', {}, `${fmtNum(b.fraction * a.points)}（${fmtNum(b.fraction * 100)}%）`))),
      el('tr', {}, el('td', {}, tj('aspect.beyond')), el('td', {}, '0'))));
  return el('div', { class: 'j-deviation' }, el('label', { class: 'j-dev-row' }, el('span', {}, tj('aspect.deviation', { unit })), input, el('span', { class: 'unit' }, unit)), err, table);
}

function counter(a, entry, editable, onEntry) {
  const n = entry === undefined ? 0 : entry;
  const minus = el('button', { type: 'button', class: 'j-step', disabled: !editable || n <= 0, 'data-test': 'dec-minus', 'aria-label': tj('aspect.less') }, '−');
  const plus = el('button', { type: 'button', class: 'j-step', disabled: !editable || n >= 100, 'data-test': 'dec-plus', 'aria-label': tj('aspect.more') }, '+');
  const none = el('button', { type: 'button', class: 'j-none', 'aria-pressed': pressed(entry === 0), disabled: !editable, 'data-test': 'dec-none' }, tj('aspect.none'));
  minus.addEventListener('click', () => onEntry(Math.max(0, n - 1)));
  plus.addEventListener('click', () => onEntry(Math.min(100, n + 1)));
  none.addEventListener('click', () => onEntry(0));
  return el('div', { class: 'j-counter' }, minus, el('output', { class: 'j-count', 'data-test': 'dec-count', 'aria-live': 'polite' }, String(n)), plus, none);
}
