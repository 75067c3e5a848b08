// A candidate's sheet for one judge: the scheme aspect by aspect, grouped by sub-criterion, the
// running total, and the submission. Every tap is saved on the device and queued (queue.js); the
// screen shows the device's entries over the server's. After submission the sheet is read-only
// except aspects with an open spread flag, which show the panel's entries and can be re-marked.
import { el, tj, load, keep, cached, call, errorText, screen, heading, back, notice, staleNotice, fmtNum, fmtTime, confirmDialog } from './core.js';
import { aspectCard } from './aspect.js';
import { groups, groupTotals, sheetTotal, schemeSum, judgeMark } from './scheme.js';
import { record, flush, pendingFor, pendingCount, setSavedHandler, setDroppedHandler } from './queue.js';
import { taskPath } from './task.js';

export const sheetPath = (task, code) => `/api/judging/tasks/${task}/sheets/${encodeURIComponent(code)}`;

// A saved mark goes into the kept copy of its sheet, so a reload offline shows it.
// So does the open sheet, which then shows it as synced.
const withMark = (sheet, saved) => ({ ...sheet, marks: (sheet.marks || []).filter((m) => m.aspect !== saved.aspect).concat([saved]) });
setSavedHandler((item, saved) => {
  if (!saved) return;
  const path = sheetPath(item.task, item.code);
  const sheet = cached(path);
  if (sheet) keep(path, withMark(sheet, saved));
  if (isOpen(item.task, item.code)) {
    current.sheet = withMark(current.sheet, saved);
    draw();
  }
});

let current = null; // {taskId, code, task, sheet, stale, message}

export async function renderSheet(taskId, code) {
  const [t, s] = await Promise.all([load(taskPath(taskId)), load(sheetPath(taskId, code))]);
  current = { taskId, code, task: t.data.task, sheet: s.data, stale: t.stale || s.stale, message: null };
  window.scrollTo(0, 0);
  draw();
  // Once the queue is through, the server's copy is the truth (a refused save reverts).
  setDroppedHandler(() => { if (isOpen(taskId, code)) refresh(); });
  flush();
}

const isOpen = (taskId, code) => current && current.taskId === taskId && current.code === code
  && document.querySelector(`[data-test=sheet][data-code="${CSS.escape(code)}"]`);

async function refresh() {
  const { taskId, code } = current;
  try {
    const { data, stale } = await load(sheetPath(taskId, code));
    if (!isOpen(taskId, code)) return;
    current.sheet = data;
    current.stale = stale;
  } catch (e) {
    current.message = notice('error', errorText(e));
  }
  draw();
}

/** The judge's current entries: the server's, with the device's unsent taps over them. */
function entries() {
  const out = {};
  (current.sheet.marks || []).forEach((m) => { out[m.aspect] = m.entry; });
  return Object.assign(out, pendingFor(current.taskId, current.code));
}

function draw() {
  const { task, sheet, taskId, code } = current;
  const scheme = task.scheme || [];
  const mine = entries();
  const pending = pendingFor(taskId, code);
  const flags = new Map((sheet.flags || []).map((f) => [f.aspect, f]));
  const submitted = !!sheet.submitted_at;
  const editable = (i) => !task.locked && (!submitted || flags.has(i));
  const onEntry = (i) => (v) => {
    record(taskId, code, i, v);
    draw();
  };
  const totals = groupTotals(scheme, mine);
  const sections = groups(scheme).map(({ group, items }, gi) => el('section', { class: 'j-group', 'data-test': 'group' },
    el('h2', {}, el('span', {}, group || tj('sheet.noGroup')), el('span', { class: 'j-subtotal' }, tj('sheet.subtotal', { n: fmtNum(totals[gi].total), of: fmtNum(items.filter((x) => x.aspect.kind?.type !== 'deduction').reduce((s, x) => s + x.aspect.points, 0)) }))),
    ...items.map(({ aspect, index }) => aspectCard(aspect, index, mine[index], {
      editable: editable(index),
      flag: flags.get(index),
      others: (sheet.others || []).filter((o) => o.aspect === index),
      pending: index in pending,
      onEntry: onEntry(index),
    }))));

  const missing = scheme.map((_, i) => i).filter((i) => mine[i] === undefined || judgeMark(scheme[i], mine[i]) === null);
  const total = sheetTotal(scheme, mine);
  const submit = el('button', { type: 'button', class: 'primary', 'data-test': 'submit-sheet', disabled: submitted || task.locked }, tj('sheet.submit'));
  const msg = el('div', { 'data-test': 'sheet-message', 'aria-live': 'assertive' }, current.message);
  submit.addEventListener('click', () => submitSheet(missing, msg, submit));

  const status = task.locked ? notice('info', tj('sheet.locked'), { 'data-test': 'sheet-locked' })
    : submitted ? notice(flags.size ? 'warn' : 'ok', flags.size ? tj('sheet.flagged', { n: flags.size }) : tj('sheet.submittedAt', { at: fmtTime(sheet.submitted_at) }), { 'data-test': 'sheet-submitted' })
      : null;

  const y = window.scrollY;
  const active = document.activeElement;
  // A deviation being typed is kept as typed (a save coming back redraws the sheet meanwhile).
  const focusAt = active && active.closest && active.closest('[data-test=aspect]')
    ? [active.closest('[data-test=aspect]').dataset.aspect, active.dataset.test, active.tagName === 'INPUT' ? active.value : null] : null;
  screen(el('article', { class: 'j-sheet', 'data-test': 'sheet', 'data-code': code, 'data-submitted': submitted ? 'true' : 'false' },
    current.stale ? staleNotice() : null,
    back(`#/tasks/${taskId}`, tj('sheet.backToCodes')),
    heading(tj('sheet.title', { code })),
    el('p', { class: 'j-facts' },
      el('span', { class: 'badge' }, task.title),
      el('span', { class: 'badge' }, tj('task.slot', { n: sheet.slot })),
      el('span', { class: 'badge' }, tj('task.station', { n: sheet.station })),
      sheet.name ? el('span', { class: 'badge', 'data-test': 'candidate-name' }, sheet.name) : null),
    status,
    ...sections,
    el('div', { class: 'j-bar' },
      el('div', { class: 'j-total', 'data-test': 'total', 'data-points': String(total) }, tj('sheet.total', { n: fmtNum(total), of: fmtNum(schemeSum(scheme)) })),
      !submitted && !task.locked ? el('span', { class: missing.length ? 'warn' : 'ok', 'data-test': 'missing' }, missing.length ? tj('sheet.missing', { n: missing.length }) : tj('sheet.complete')) : null,
      !submitted && !task.locked ? submit : null,
      msg)));
  // A tap redraws the sheet: the judge stays where they were.
  window.scrollTo(0, y);
  if (focusAt) {
    const again = document.querySelector(`[data-test=aspect][data-aspect="${focusAt[0]}"] [data-test="${focusAt[1]}"]`);
    if (again && !again.disabled) {
      if (focusAt[2] !== null) again.value = focusAt[2];
      again.focus({ preventScroll: true });
    }
  }
}

async function submitSheet(missing, msg, button) {
  const { taskId, code } = current;
  if (missing.length) {
    msg.replaceChildren(notice('error', tj('sheet.incomplete', { list: missing.map((i) => i + 1).join('、') })));
    return;
  }
  if (!(await confirmDialog(tj('sheet.confirmTitle', { code }), tj('sheet.confirmBody'), tj('sheet.submit')))) return;
  button.disabled = true;
  try {
    await flush();
    const left = pendingCount(taskId, code);
    if (left) { msg.replaceChildren(notice('error', tj('sheet.unsynced', { n: left }), { 'data-test': 'submit-error' })); return; }
    const sheet = await call('POST', `${sheetPath(taskId, code)}/submit`, { body: {} });
    keep(sheetPath(taskId, code), sheet);
    if (!isOpen(taskId, code)) return;
    current.sheet = sheet;
    current.message = notice('ok', tj('sheet.done'), { 'data-test': 'submit-ok' });
    draw();
  } catch (e) {
    msg.replaceChildren(notice('error', e.status === 0 ? tj('sheet.offline') : errorText(e), { 'data-test': 'submit-error' }));
  } finally {
    button.disabled = false;
  }
}

/** Re-reads the open sheet (flags raised or cleared by other judges' work). */
export function refreshOpenSheet() {
  if (current && isOpen(current.taskId, current.code) && !pendingCount(current.taskId, current.code)) refresh();
}
