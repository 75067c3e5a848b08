// A practical task's time allowed, equipment list and marking scheme in the question editor:
// aspect by aspect (sub-criterion, text, points, kind with its parameters), with the running
// sum against the task's points. Edits the body `m` in place; the server checks it on save.
import { el, tc, field, select, nextId, fmtNum } from './core.js';

const KINDS = ['measurement', 'judgement', 'deduction'];
const LEVELS = 4;

/** A number from an input: empty is 0, so the server names the bad field instead of a parse error. */
const num = (input) => (input.value.trim() === '' ? 0 : Number(input.value));

const numberInput = (value, attrs) => el('input', { type: 'number', inputmode: 'decimal', step: 'any', value: value ?? '', ...attrs });

/** The kind object of an aspect, with every parameter present. */
function kindOf(a) {
  const k = a.kind || { type: 'measurement' };
  if (k.type === 'judgement') return { type: 'judgement', descriptors: [...(k.descriptors || []), '', '', '', ''].slice(0, LEVELS) };
  if (k.type === 'deduction') return { type: 'deduction', per: k.per ?? 1 };
  return { type: 'measurement', unit: k.unit || '', bands: (k.bands || []).map((b) => ({ ...b })) };
}

/** What the scheme's aspects that give points add up to (deductions do not count). */
export function schemeSum(scheme) {
  return (scheme || []).filter((a) => (a.kind || {}).type !== 'deduction').reduce((s, a) => s + (Number(a.points) || 0), 0);
}

/** Totals per sub-criterion, in the order they first appear: [group, gives, most taken off]. */
function groupTotals(scheme) {
  const out = [];
  for (const a of scheme) {
    let g = out.find((x) => x[0] === (a.group || ''));
    if (!g) { g = [a.group || '', 0, 0]; out.push(g); }
    if ((a.kind || {}).type === 'deduction') g[2] += Number(a.points) || 0;
    else g[1] += Number(a.points) || 0;
  }
  return out;
}

/**
 * The practical part of the editor for body `m`; `points` is the task's points input, whose
 * changes update the running sum.
 */
export function practicalEditor(m, points) {
  m.scheme = (m.scheme || []).map((a) => ({ group: a.group || '', text: a.text || '', points: a.points ?? 1, kind: kindOf(a) }));
  m.equipment = (m.equipment || []).map((e) => ({ name: e.name || '', spec: e.spec || '', quantity: e.quantity ?? 1, unit: e.unit || '' }));
  m.minutes = m.minutes || 0;

  const minutes = numberInput(m.minutes || '', { min: '0', max: '1440', step: '1', 'data-test': 'q-minutes' });
  minutes.addEventListener('input', () => { m.minutes = Math.max(0, Math.round(num(minutes))); });

  const sum = el('div', { class: 'scheme-sum', role: 'status', 'aria-live': 'polite', 'data-test': 'q-scheme-sum' });
  const groupsList = el('datalist', { id: nextId('groups') });
  const aspects = el('div', { class: 'aspects', 'data-test': 'q-aspects' });
  const equipment = el('div', { class: 'equipment-rows', 'data-test': 'q-equipment' });

  function paintSum() {
    const total = schemeSum(m.scheme);
    const want = num(points);
    const ok = m.scheme.length === 0 || Math.abs(total - want) < 1e-6;
    sum.dataset.state = ok ? 'ok' : 'mismatch';
    const groups = groupTotals(m.scheme).map(([g, gives, off]) => el('li', {},
      el('strong', {}, g || tc('schemeEdit.noGroup')), ' ', tc('schemeEdit.groupTotal', { points: fmtNum(gives) }),
      off > 0 ? ` ${tc('schemeEdit.groupDeductions', { points: fmtNum(off) })}` : ''));
    sum.replaceChildren(
      el('p', {}, el('strong', {}, tc('schemeEdit.sum', { sum: fmtNum(total), points: fmtNum(want) })), ' ',
        m.scheme.length === 0 ? tc('schemeEdit.empty') : ok ? tc('schemeEdit.sumOk') : tc(total > want ? 'schemeEdit.sumOver' : 'schemeEdit.sumUnder', { diff: fmtNum(Math.abs(want - total)) })),
      groups.length ? el('ul', { class: 'group-totals' }, ...groups) : '');
    const names = [...new Set(m.scheme.map((a) => a.group).filter(Boolean))];
    groupsList.replaceChildren(...names.map((g) => el('option', { value: g })));
  }
  // The editor is rebuilt when the kind changes: a detached one stops listening.
  const onPoints = () => { if (sum.isConnected) paintSum(); else points.removeEventListener('input', onPoints); };
  points.addEventListener('input', onPoints);

  function paintAspects(focusIndex) {
    aspects.replaceChildren(...m.scheme.map((a, i) => aspectCard(a, i)));
    if (focusIndex !== undefined) {
      const card = aspects.children[focusIndex];
      if (card) card.querySelector('input, textarea, select').focus();
    }
    paintSum();
  }

  function move(i, by) {
    const j = i + by;
    if (j < 0 || j >= m.scheme.length) return;
    [m.scheme[i], m.scheme[j]] = [m.scheme[j], m.scheme[i]];
    paintAspects(j);
  }

  function aspectCard(a, i) {
    const n = i + 1;
    const group = el('input', { value: a.group, list: groupsList.id, 'data-test': `aspect-group-${i}`, placeholder: tc('schemeEdit.groupExample') });
    group.addEventListener('input', () => { a.group = group.value; paintSum(); });
    const text = el('textarea', { rows: '2', 'data-test': `aspect-text-${i}` });
    text.value = a.text;
    text.addEventListener('input', () => { a.text = text.value; });
    const pts = numberInput(a.points, { min: '0', max: '100', step: '0.5', 'data-test': `aspect-points-${i}` });
    pts.addEventListener('input', () => { a.points = num(pts); paintSum(); });
    const kind = select(KINDS.map((k) => [k, tc(`schemeEdit.kind.${k}`)]), a.kind.type, { 'data-test': `aspect-kind-${i}` });
    kind.addEventListener('change', () => { a.kind = kindOf({ kind: { type: kind.value } }); paintAspects(); aspects.children[i].querySelector('select').focus(); });
    const pointsLabel = a.kind.type === 'deduction' ? tc('schemeEdit.cap') : tc('schemeEdit.points');
    const tools = el('div', { class: 'row-actions' },
      el('button', { type: 'button', disabled: i === 0, 'aria-label': tc('schemeEdit.up', { n }), 'data-test': `aspect-up-${i}`, onclick: () => move(i, -1) }, '↑'),
      el('button', { type: 'button', disabled: i === m.scheme.length - 1, 'aria-label': tc('schemeEdit.down', { n }), 'data-test': `aspect-down-${i}`, onclick: () => move(i, 1) }, '↓'),
      el('button', { type: 'button', class: 'danger', 'aria-label': tc('schemeEdit.remove', { n }), 'data-test': `aspect-remove-${i}`, onclick: () => { m.scheme.splice(i, 1); paintAspects(); } }, '✕'));
    return el('fieldset', { class: `aspect aspect-${a.kind.type}`, 'data-test': `aspect-${i}` },
      el('legend', {}, tc('schemeEdit.aspect', { n })),
      el('div', { class: 'aspect-head' },
        field(tc('schemeEdit.group'), group, { cls: 'aspect-group' }),
        field(pointsLabel, pts, { cls: 'aspect-points' }),
        field(tc('schemeEdit.kindLabel'), kind, { cls: 'aspect-kind' }),
        tools),
      field(tc('schemeEdit.text'), text),
      ...kindParams(a, i));
  }

  function kindParams(a, i) {
    const k = a.kind;
    if (k.type === 'judgement') {
      return [el('div', { class: 'levels' }, ...k.descriptors.map((d, level) => {
        const ta = el('textarea', { rows: '2', 'data-test': `aspect-level-${i}-${level}` });
        ta.value = d;
        ta.addEventListener('input', () => { k.descriptors[level] = ta.value; });
        return field(tc('schemeEdit.level', { level }), ta);
      })), el('p', { class: 'hint' }, tc('schemeEdit.judgementHint'))];
    }
    if (k.type === 'deduction') {
      const per = numberInput(k.per, { min: '0', step: '0.5', 'data-test': `aspect-per-${i}` });
      per.addEventListener('input', () => { k.per = num(per); });
      return [field(tc('schemeEdit.per'), per, { hint: tc('schemeEdit.deductionHint') })];
    }
    const unit = el('input', { value: k.unit, maxlength: '50', 'data-test': `aspect-unit-${i}`, placeholder: 'mm' });
    unit.addEventListener('input', () => { k.unit = unit.value; paintBands(); });
    const bands = el('div', { class: 'bands' });
    function paintBands() {
      bands.replaceChildren(...k.bands.map((b, j) => {
        const within = numberInput(b.within, { min: '0', 'data-test': `aspect-within-${i}-${j}` });
        within.addEventListener('input', () => { b.within = num(within); });
        const share = numberInput(b.fraction, { min: '0', max: '1', step: '0.05', 'data-test': `aspect-fraction-${i}-${j}` });
        share.addEventListener('input', () => { b.fraction = num(share); });
        return el('div', { class: 'band-row' },
          field(tc('schemeEdit.within', { unit: k.unit || '' }), within),
          field(tc('schemeEdit.fraction'), share),
          el('button', { type: 'button', class: 'danger', 'aria-label': tc('schemeEdit.removeBand', { n: j + 1 }), onclick: () => { k.bands.splice(j, 1); paintBands(); } }, '✕'));
      }), el('button', { type: 'button', 'data-test': `aspect-add-band-${i}`, disabled: k.bands.length >= 10, onclick: () => {
        const last = k.bands[k.bands.length - 1];
        k.bands.push(last ? { within: last.within * 2 || 1, fraction: Math.max(0.1, last.fraction / 2) } : { within: 1, fraction: 1 });
        paintBands();
        bands.querySelector(`[data-test="aspect-within-${i}-${k.bands.length - 1}"]`).focus();
      } }, tc('schemeEdit.addBand')));
    }
    paintBands();
    return [field(tc('schemeEdit.unit'), unit, { cls: 'aspect-unit' }), bands, el('p', { class: 'hint' }, tc('schemeEdit.measurementHint'))];
  }

  function paintEquipment() {
    equipment.replaceChildren(...m.equipment.map((e, i) => {
      const input = (key, attrs) => {
        const x = el('input', { value: e[key], 'data-test': `equipment-${key}-${i}`, ...attrs });
        x.addEventListener('input', () => { e[key] = key === 'quantity' ? num(x) : x.value; });
        return x;
      };
      return el('div', { class: 'equipment-row', 'data-test': `equipment-${i}` },
        field(tc('schemeEdit.eqName'), input('name', {})),
        field(tc('schemeEdit.eqSpec'), input('spec', {})),
        field(tc('schemeEdit.eqQuantity'), input('quantity', { type: 'number', min: '0', step: 'any', inputmode: 'decimal' })),
        field(tc('schemeEdit.eqUnit'), input('unit', { maxlength: '50' })),
        el('button', { type: 'button', class: 'danger', 'aria-label': tc('schemeEdit.eqRemove', { n: i + 1 }), onclick: () => { m.equipment.splice(i, 1); paintEquipment(); } }, '✕'));
    }));
  }

  const addAspect = el('button', { type: 'button', 'data-test': 'q-add-aspect', onclick: () => {
    const last = m.scheme[m.scheme.length - 1];
    m.scheme.push({ group: last ? last.group : '', text: '', points: 1, kind: kindOf({}) });
    paintAspects(m.scheme.length - 1);
  } }, tc('schemeEdit.addAspect'));
  const addEquipment = el('button', { type: 'button', 'data-test': 'q-add-equipment', onclick: () => {
    m.equipment.push({ name: '', spec: '', quantity: 1, unit: '' });
    paintEquipment();
    equipment.lastElementChild.querySelector('input').focus();
  } }, tc('schemeEdit.eqAdd'));

  paintEquipment();
  paintAspects();
  return el('div', { class: 'practical-editor', 'data-test': 'q-practical' },
    field(tc('schemeEdit.minutes'), minutes, { hint: tc('schemeEdit.minutesHint'), cls: 'minutes' }),
    el('fieldset', {}, el('legend', {}, tc('schemeEdit.equipment')), equipment, addEquipment),
    el('fieldset', {}, el('legend', {}, tc('schemeEdit.scheme')), groupsList, sum, aspects, addAspect));
}
