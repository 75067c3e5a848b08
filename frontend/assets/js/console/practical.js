// The practical part of a session (实操考核): its setup in the session's screen (stations,
// slots, draw mode, pass line; tasks with weight, aggregation, allowed spread, panel and head
// judge), the advance draw and the two PDFs; and the progress screen (sheets, flags, sign-off
// per task; each candidate's practical result once tasks are locked). Times are entered and
// shown in Beijing time; the API speaks UTC.
import {
  el, tc, call, errorText, heading, field, select, table, show, fmtNum, download, session, checkbox, nextId, ApiError,
} from './core.js';
import { lang } from '../i18n.js';

export const AGGREGATIONS = ['mean', 'trimmed_mean', 'median'];
export const DRAW_MODES = ['check_in', 'schedule'];
const BEIJING_MS = 8 * 3600 * 1000;

/** A datetime-local value showing an ISO time in Beijing time. */
export function beijingInput(iso) {
  if (!iso) return '';
  return new Date(Date.parse(iso) + BEIJING_MS).toISOString().slice(0, 16);
}

/** The UTC time (RFC 3339) of a datetime-local value read as Beijing time; null when empty. */
export function beijingToUtc(value) {
  if (!value) return null;
  const ms = Date.parse(`${value.length === 16 ? `${value}:00` : value}+08:00`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A time shown in Beijing time, whatever the viewer's zone. */
export function fmtBeijing(iso, { time = true } = {}) {
  if (!iso) return '—';
  const opts = time ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' };
  return new Date(iso).toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en-GB', { ...opts, timeZone: 'Asia/Shanghai' });
}

/** The session's practical part, or null when it has none. */
export async function loadPart(sessionId) {
  try {
    return await call('GET', `/api/sessions/${sessionId}/practical`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

const aggregationText = (a) => tc(`practical.aggregations.${a}`);
const drawModeText = (m) => tc(`practical.drawModes.${m}`);
const firstLine = (s) => String(s || '').split('\n')[0].slice(0, 60);
/** A judge as pickers show them: name, then their affiliation (used for conflicts of interest). */
export const judgeLabel = (u) => {
  const name = u.display_name || u.name || u.username || `#${u.id}`;
  return u.affiliation ? `${name}（${u.affiliation}）` : `${name}（${tc('practical.noAffiliation')}）`;
};

/** Active practical questions of every bank (authors). */
async function practicalQuestions() {
  try {
    const page = await call('GET', '/api/questions', { query: { kind: 'practical', status: 'active', per_page: 500 } });
    return page.items || [];
  } catch (_) { return []; }
}

/** Active accounts holding the judge role, with their affiliation when the server gives it. */
async function judgeAccounts() {
  let staff = [];
  try { staff = await call('GET', '/api/staff'); } catch (_) { return []; }
  if (session.has('admin') && staff.some((u) => u.affiliation === undefined)) {
    // Older servers list affiliations only with the accounts themselves.
    try {
      const users = new Map((await call('GET', '/api/users')).map((u) => [u.id, u]));
      staff = staff.map((u) => ({ ...u, affiliation: (users.get(u.id) || {}).affiliation }));
    } catch (_) { /* names without affiliations */ }
  }
  return staff.filter((u) => u.roles.includes('judge'));
}

/** Saves a PDF the API makes (the token goes in the header, so not a plain link). */
async function savePdf(path, filename, msg) {
  try {
    const blob = await call('GET', path, { accept: 'blob', timeoutMs: 60000, query: { lang: lang() === 'en' ? 'en' : 'zh' } });
    download(blob, filename);
  } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'practical-pdf-error' }); }
}

const blankTask = () => ({ question_id: null, weight: 1, aggregation: 'mean', spread: 1, judges: [], head_judge: null });
const defaults = () => ({ stations: 6, slots: 0, slot_minutes: 90, first_slot_at: null, draw_mode: 'check_in', pass_line: 60, tasks: [blankTask()] });

/** What a part says about the setup, as the body of PUT. */
function setupOf(part) {
  return {
    stations: part.stations, slots: part.slots, slot_minutes: part.slot_minutes, first_slot_at: part.first_slot_at,
    draw_mode: part.draw_mode, pass_line: part.pass_line,
    tasks: part.tasks.map((t) => ({
      question_id: t.question_id, weight: t.weight, aggregation: t.aggregation, spread: t.spread,
      judges: t.judges.map((j) => j.id), head_judge: t.head_judge,
    })),
  };
}

/** Whether the part can no longer be changed (someone checked in or places drawn). */
export const started = (part) => !!(part && (part.drawn_at || part.checked_in > 0));

/** The "实操考核" section of a session's screen (authors): folded until opened, so a session
 * without a practical part costs no request (and logs no 404) when its screen is shown. */
export function setupSection(s) {
  const slot = el('div', { 'aria-live': 'polite' });
  const details = el('details', { class: 'practical-setup', 'data-test': 'practical-setup' },
    el('summary', { 'data-test': 'practical-open' }, el('h2', {}, tc('practical.title')), ' ', el('span', { class: 'muted' }, tc('practical.openHint'))),
    slot);
  let loaded = false;
  // A session known to have a part opens it at once; one without stays folded and costs no request.
  if (s.practical) queueMicrotask(() => { details.open = true; });
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    show(slot, 'info', tc('loading'));
    try {
      slot.replaceChildren(await setupBody(s));
    } catch (e) {
      loaded = false;
      show(slot, 'error', errorText(e));
    }
  });
  return details;
}

async function setupBody(s) {
  const [first, questions, judges] = await Promise.all([loadPart(s.id), practicalQuestions(), judgeAccounts()]);
  const judgeById = new Map(judges.map((u) => [u.id, u]));
  // Messages of the form sit by its save button; those of the buttons above, by the buttons.
  const msg = el('div', { class: 'msg', 'data-test': 'practical-message', 'aria-live': 'polite' });
  const actionMsg = el('div', { class: 'msg', 'data-test': 'practical-action-message', 'aria-live': 'polite' });
  const body = el('div', { 'data-test': 'practical-body' });
  let part = first;

  function paint(editing) {
    if (!part && !editing) {
      body.replaceChildren(el('div', { class: 'card' },
        el('p', { class: 'muted', 'data-test': 'practical-none' }, tc('practical.none')),
        el('div', { class: 'actions' }, el('button', { type: 'button', class: 'primary', 'data-test': 'practical-add', onclick: () => { show(actionMsg, '', ''); paint(true); } }, tc('practical.add')))), actionMsg);
      return;
    }
    body.replaceChildren(part ? facts(part) : '', part ? actions(part) : '', form(part ? setupOf(part) : defaults(), started(part)));
  }

  function facts(p) {
    const rows = [
      ['practical.stations', String(p.stations)],
      ['practical.slots', p.slots ? String(p.slots) : tc('practical.slotsAuto')],
      ['practical.slotMinutes', tc('practical.minutesValue', { n: p.slot_minutes })],
      ['practical.firstSlot', fmtBeijing(p.first_slot_at)],
      ['practical.drawMode', drawModeText(p.draw_mode)],
      ['practical.passLine', fmtNum(p.pass_line)],
      ['practical.rule', tc('practical.ruleEachPart')],
      ['practical.drawnAt', p.drawn_at ? fmtBeijing(p.drawn_at) : tc('practical.notDrawn')],
      ['practical.checkedIn', tc('practical.checkedInValue', { n: p.checked_in, total: p.candidates })],
    ];
    return el('dl', { class: 'facts card', 'data-test': 'practical-facts' }, ...rows.flatMap(([k, v]) => [el('dt', {}, tc(k)), el('dd', {}, v)]));
  }

  function actions(p) {
    const draw = el('button', { type: 'button', 'data-test': 'practical-draw', disabled: !!p.drawn_at, onclick: async () => {
      draw.disabled = true;
      try {
        const sch = await call('POST', `/api/sessions/${s.id}/practical/draw`);
        part = await loadPart(s.id);
        paint();
        show(actionMsg, 'ok', tc('practical.drawn', { n: (sch.rows || []).length, seed: sch.seed ?? '—' }), { 'data-test': 'practical-drawn' });
      } catch (e) { show(actionMsg, 'error', errorText(e), { 'data-test': 'practical-error' }); draw.disabled = false; }
    } }, tc('practical.draw'));
    const del = el('button', { type: 'button', class: 'danger', 'data-test': 'practical-delete', disabled: started(p) }, tc('practical.delete'));
    const confirmSlot = el('div', { class: 'confirm-slot' });
    del.addEventListener('click', () => {
      const yes = el('button', { type: 'button', class: 'primary danger', 'data-test': 'practical-delete-confirm', onclick: async () => {
        yes.disabled = true;
        try {
          await call('DELETE', `/api/sessions/${s.id}/practical`);
          part = null;
          paint();
          show(actionMsg, 'ok', tc('practical.deleted'), { 'data-test': 'practical-deleted' });
        } catch (e) { show(actionMsg, 'error', errorText(e), { 'data-test': 'practical-error' }); confirmSlot.replaceChildren(); }
      } }, tc('practical.deleteConfirm'));
      confirmSlot.replaceChildren(el('div', { class: 'notice notice-warn', role: 'alertdialog', 'aria-label': tc('practical.delete') },
        tc('practical.deleteQuestion'), ' ', yes, ' ', el('button', { type: 'button', onclick: () => { confirmSlot.replaceChildren(); del.focus(); } }, tc('edit.cancel'))));
      yes.focus();
    });
    return el('div', {},
      el('div', { class: 'actions' },
        el('a', { class: 'button primary', href: `#/sessions/${s.id}/checkin`, 'data-test': 'practical-checkin-link' }, tc('checkin.open')),
        el('a', { class: 'button', href: `#/sessions/${s.id}/practical`, 'data-test': 'practical-progress-link' }, tc('practical.progressOpen')),
        p.draw_mode === 'schedule' ? draw : '',
        el('button', { type: 'button', 'data-test': 'practical-notice-pdf', onclick: () => savePdf(`/api/sessions/${s.id}/practical/notice.pdf`, `practical-notice-${s.id}.pdf`, actionMsg) }, tc('practical.noticePdf')),
        el('button', { type: 'button', 'data-test': 'practical-schedule-pdf', onclick: () => savePdf(`/api/sessions/${s.id}/practical/schedule.pdf`, `practical-schedule-${s.id}.pdf`, actionMsg) }, tc('practical.schedulePdf')),
        del),
      p.draw_mode === 'schedule' && !p.drawn_at ? el('p', { class: 'muted' }, tc('practical.drawHint')) : '',
      actionMsg, confirmSlot);
  }

  function form(setup, locked) {
    const draft = structuredClone(setup);
    const num = (value, attrs) => el('input', { type: 'number', inputmode: 'numeric', value: value ?? '', disabled: locked, ...attrs });
    const stations = num(draft.stations, { min: '1', max: '200', step: '1', 'data-test': 'practical-stations' });
    const slots = num(draft.slots, { min: '0', step: '1', 'data-test': 'practical-slots' });
    const slotMinutes = num(draft.slot_minutes, { min: '1', max: '1440', step: '1', 'data-test': 'practical-slot-minutes' });
    const firstSlot = el('input', { type: 'datetime-local', value: beijingInput(draft.first_slot_at), disabled: locked, 'data-test': 'practical-first-slot' });
    const drawMode = select(DRAW_MODES.map((m) => [m, drawModeText(m)]), draft.draw_mode, { disabled: locked, 'data-test': 'practical-draw-mode' });
    const passLine = num(draft.pass_line, { min: '0', max: '100', step: '0.5', inputmode: 'decimal', 'data-test': 'practical-pass-line' });
    const tasksSlot = el('div', { class: 'practical-tasks', 'data-test': 'practical-tasks' });
    const save = el('button', { type: 'submit', class: 'primary', disabled: locked, 'data-test': 'practical-save' }, tc('practical.save'));
    const addTask = el('button', { type: 'button', disabled: locked, 'data-test': 'practical-task-add', onclick: () => {
      draft.tasks.push(blankTask());
      paintTasks();
      const last = tasksSlot.querySelector('.practical-task:last-child select');
      if (last) last.focus();
    } }, tc('practical.addTask'));

    function questionOptions(t) {
      const opts = questions.map((q) => [q.id, `${q.bank} · ${q.ident} — ${firstLine(q.stem)}`]);
      const known = part && part.tasks.find((pt) => pt.question_id === t.question_id);
      if (t.question_id && !questions.some((q) => q.id === t.question_id)) {
        opts.push([t.question_id, known ? `${known.ident} — ${known.title}` : `#${t.question_id}`]);
      }
      return [['', tc('practical.pickQuestion')], ...opts];
    }

    function taskCard(t, i) {
      const n = i + 1;
      const question = select(questionOptions(t), t.question_id ?? '', { disabled: locked, 'data-test': `task-${n}-question` });
      question.addEventListener('change', () => { t.question_id = question.value ? Number(question.value) : null; });
      const weight = num(t.weight, { min: '0', step: '0.1', inputmode: 'decimal', 'data-test': `task-${n}-weight` });
      weight.addEventListener('change', () => { t.weight = Number(weight.value); });
      const aggregation = select(AGGREGATIONS.map((a) => [a, aggregationText(a)]), t.aggregation, { disabled: locked, 'data-test': `task-${n}-aggregation` });
      aggregation.addEventListener('change', () => { t.aggregation = aggregation.value; });
      const spread = num(t.spread, { min: '0', max: '3', step: '0.5', inputmode: 'decimal', 'data-test': `task-${n}-spread` });
      spread.addEventListener('change', () => { t.spread = Number(spread.value); });
      // Judges of the part who no longer hold the role stay listed, so saving keeps them visible.
      const known = new Map(judgeById);
      if (part) part.tasks.flatMap((pt) => pt.judges).forEach((j) => { if (!known.has(j.id)) known.set(j.id, { id: j.id, display_name: j.name, affiliation: j.affiliation, roles: [] }); });
      const head = select([['', tc('practical.pickHead')], ...t.judges.filter((id) => known.has(id)).map((id) => [id, judgeLabel(known.get(id))])], t.head_judge ?? '', { disabled: locked, 'data-test': `task-${n}-head` });
      head.addEventListener('change', () => { t.head_judge = head.value ? Number(head.value) : null; });
      const boxes = [...known.values()].map((u) => {
        const b = checkbox(judgeLabel(u), t.judges.includes(u.id), { disabled: locked, value: u.id, 'data-test': `task-${n}-judge-${u.username || u.id}` });
        b.input.addEventListener('change', () => {
          t.judges = b.input.checked ? [...t.judges, u.id] : t.judges.filter((id) => id !== u.id);
          // A head judge who leaves the panel is unset; a panel of one is its own head.
          if (!t.judges.includes(t.head_judge)) t.head_judge = t.judges.length === 1 ? t.judges[0] : null;
          paintTasks(b.input.getAttribute('data-test'));
        });
        return b.wrap;
      });
      const remove = el('button', { type: 'button', class: 'danger small', disabled: locked || draft.tasks.length <= 1, 'data-test': `task-${n}-remove`,
        'aria-label': tc('practical.removeTaskLabel', { n }), onclick: () => { draft.tasks.splice(i, 1); paintTasks(); } }, tc('practical.removeTask'));
      const judgesId = nextId('judges');
      return el('fieldset', { class: 'card practical-task', 'data-test': 'practical-task', 'data-n': n },
        el('legend', {}, tc('practical.taskN', { n })),
        el('div', { class: 'grid' },
          field(tc('practical.question'), question, { cls: 'wide-field' }),
          field(tc('practical.weight'), weight),
          field(tc('practical.aggregation'), aggregation, { hint: tc('practical.aggregationHint') }),
          field(tc('practical.spread'), spread, { hint: tc('practical.spreadHint') })),
        el('div', { class: 'judge-pick', role: 'group', 'aria-labelledby': judgesId },
          el('span', { class: 'label-like', id: judgesId }, tc('practical.judges')),
          boxes.length ? el('div', { class: 'judge-boxes' }, ...boxes) : el('p', { class: 'muted', 'data-test': 'practical-no-judges' }, tc('practical.noJudgeAccounts'))),
        el('div', { class: 'grid' }, field(tc('practical.head'), head, { hint: tc('practical.headHint') })),
        el('div', { class: 'actions' }, remove));
    }

    function paintTasks(refocus) {
      tasksSlot.replaceChildren(...draft.tasks.map(taskCard));
      if (refocus) { const again = tasksSlot.querySelector(`[data-test="${refocus}"]`); if (again) again.focus(); }
    }
    paintTasks();

    const f = el('form', { class: 'card', 'data-test': 'practical-form', novalidate: true },
      locked ? el('p', { class: 'notice notice-warn', 'data-test': 'practical-started-note' }, tc('practical.startedNote')) : '',
      el('div', { class: 'grid' },
        field(tc('practical.stations'), stations),
        field(tc('practical.slots'), slots, { hint: tc('practical.slotsHint') }),
        field(tc('practical.slotMinutes'), slotMinutes),
        field(tc('practical.firstSlot'), firstSlot, { hint: tc('practical.firstSlotHint') }),
        field(tc('practical.drawMode'), drawMode, { hint: tc('practical.drawModeHint') }),
        field(tc('practical.passLine'), passLine, { hint: tc('practical.passLineHint') })),
      el('h3', {}, tc('practical.tasks')), tasksSlot,
      el('div', { class: 'actions' }, addTask),
      msg,
      el('div', { class: 'actions save-actions' }, save, part ? '' : el('button', { type: 'button', 'data-test': 'practical-cancel', onclick: () => { paint(); } }, tc('edit.cancel'))));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const bad = draft.tasks.findIndex((t) => !t.question_id);
      if (bad >= 0) { show(msg, 'error', tc('practical.needQuestion', { n: bad + 1 })); tasksSlot.querySelector(`[data-test=task-${bad + 1}-question]`).focus(); return; }
      const noJudge = draft.tasks.findIndex((t) => !t.judges.length);
      if (noJudge >= 0) { show(msg, 'error', tc('practical.needJudges', { n: noJudge + 1 })); return; }
      const noHead = draft.tasks.findIndex((t) => !t.judges.includes(t.head_judge));
      if (noHead >= 0) { show(msg, 'error', tc('practical.needHead', { n: noHead + 1 })); tasksSlot.querySelector(`[data-test=task-${noHead + 1}-head]`).focus(); return; }
      const body = {
        stations: Number(stations.value), slots: Number(slots.value || 0), slot_minutes: Number(slotMinutes.value),
        first_slot_at: beijingToUtc(firstSlot.value), draw_mode: drawMode.value, pass_line: Number(passLine.value),
        tasks: draft.tasks.map((t) => ({ ...t, weight: Number(t.weight), spread: Number(t.spread) })),
      };
      save.disabled = true;
      try {
        part = await call('PUT', `/api/sessions/${s.id}/practical`, { body });
        paint();
        show(msg, 'ok', tc('practical.saved', { n: part.tasks.length }), { 'data-test': 'practical-saved' });
      } catch (e) {
        show(msg, 'error', errorText(e), { 'data-test': 'practical-error' });
        save.disabled = false;
      }
    });
    return f;
  }

  paint();
  return body;
}

/** Rows of a list the server may wrap ({rows|candidates|items: [...]}) or not. */
const rowsOf = (x, ...keys) => (Array.isArray(x) ? x : keys.map((k) => x && x[k]).find(Array.isArray) || []);

/** One task's overview table: per work code, sheets in, open flags, points and score. */
function overviewView(task, ov) {
  const rows = rowsOf(ov, 'candidates', 'rows');
  const count = (r, k) => (Array.isArray(r[k]) ? r[k].length : Number(r[k] || 0));
  const submitted = rows.reduce((n, r) => n + count(r, 'submitted'), 0);
  const expected = rows.reduce((n, r) => n + count(r, 'expected'), 0);
  const flags = rows.reduce((n, r) => n + count(r, 'flags'), 0);
  return el('div', {},
    el('p', { class: 'totals', 'data-test': `task-${task.id}-counts` },
      el('span', {}, tc('practical.sheetsIn', { submitted, expected })),
      el('span', { class: flags ? 'flag-count' : '' }, tc('practical.openFlags', { n: flags })),
      !task.locked_at && ov && ov.ready ? el('span', { class: 'badge state-open', 'data-test': `task-${task.id}-ready` }, tc('practical.ready')) : ''),
    rows.length ? table([
      { head: tc('practical.code'), cell: (r) => el('code', {}, r.code), cls: 'nowrap' },
      ...(task.locked_at ? [{ head: tc('practical.name'), cell: (r) => r.name || '' }] : []),
      { head: tc('checkin.slot'), cell: (r) => (r.slot ? tc('checkin.slotValue', { n: r.slot }) : '—'), cls: 'nowrap' },
      { head: tc('checkin.station'), cell: (r) => (r.station ? String(r.station) : '—'), cls: 'num' },
      { head: tc('practical.sheets'), cell: (r) => `${count(r, 'submitted')}/${count(r, 'expected')}`, cls: 'num' },
      { head: tc('practical.flags'), cell: (r) => (count(r, 'flags') ? el('span', { class: 'badge state-closed' }, String(count(r, 'flags'))) : '0'), cls: 'num' },
      { head: tc('practical.points'), cell: (r) => fmtNum(r.points), cls: 'num' },
      { head: tc('practical.score'), cell: (r) => fmtNum(r.score), cls: 'num' },
    ], rows, { 'aria-label': tc('practical.overviewOf', { title: task.title }), 'data-test': `task-${task.id}-overview` }) : el('p', { class: 'muted' }, tc('practical.noneOnTask')));
}

/** #/sessions/{id}/practical: progress per task and the candidates' practical results. */
export async function progress({ root, params, alive }) {
  const id = Number(params[0]);
  const [s, part] = await Promise.all([call('GET', `/api/sessions/${id}`), loadPart(id)]);
  if (!alive()) return;
  const title = `${s.name} ${s.number}`.trim();
  root.append(heading(tc('practical.progressTitle', { name: title })),
    el('div', { class: 'actions' },
      el('a', { class: 'button', href: `#/sessions/${id}`, 'data-test': 'practical-back' }, tc('sessions.backToSession')),
      el('a', { class: 'button', href: `#/sessions/${id}/checkin` }, tc('checkin.open')),
      el('button', { type: 'button', 'data-test': 'practical-refresh', onclick: () => window.dispatchEvent(new HashChangeEvent('hashchange')) }, tc('practical.refresh'))));
  if (!part) { root.append(el('p', { class: 'muted', 'data-test': 'practical-none' }, tc('practical.none'))); return; }
  const msg = el('div', { class: 'msg', 'aria-live': 'polite' });
  root.append(el('p', { 'data-test': 'practical-checked-in' }, tc('practical.checkedInValue', { n: part.checked_in, total: part.candidates })), msg);
  const judgeName = (jid) => { const j = part.tasks.flatMap((t) => t.judges).find((x) => x.id === jid); return j ? j.name : (jid ?? '—'); };
  const cards = await Promise.all(part.tasks.map(async (task) => {
    let ov = null;
    let err = null;
    try { ov = await call('GET', `/api/judging/tasks/${task.id}/overview`); } catch (e) { err = e; }
    const state = task.locked_at
      ? el('span', { class: 'badge state-open', 'data-test': 'task-locked' }, tc('practical.lockedAt', { at: fmtBeijing(task.locked_at), by: judgeName(task.signed_off_by) }))
      : el('span', { class: 'badge state-upcoming', 'data-test': 'task-open' }, tc('practical.notLocked'));
    return el('article', { class: 'card practical-progress', 'data-test': 'practical-task-progress', 'data-task': task.id },
      el('h2', {}, tc('practical.taskN', { n: task.position + 1 }), ' ', task.title, ' ', state),
      el('p', { class: 'muted' }, tc('practical.taskLine', { minutes: task.minutes || '—', points: fmtNum(task.points), weight: fmtNum(task.weight), aggregation: aggregationText(task.aggregation), spread: fmtNum(task.spread) })),
      el('p', { 'data-test': 'task-panel' }, tc('practical.panel'), ' ',
        ...task.judges.map((j) => el('span', { class: `badge${j.id === task.head_judge ? ' role' : ''}` }, j.id === task.head_judge ? tc('practical.headName', { name: j.name }) : j.name, ' '))),
      err ? el('div', { class: 'notice notice-warn' }, errorText(err)) : overviewView(task, ov),
      task.locked_at ? el('div', { class: 'actions' }, el('button', { type: 'button', 'data-test': `task-${task.id}-records`,
        onclick: () => savePdf(`/api/judging/tasks/${task.id}/records.pdf`, `practical-records-task-${task.id}.pdf`, msg) }, tc('practical.recordsPdf'))) : '');
  }));
  if (!alive()) return;
  root.append(...cards);
  root.append(await resultsView(id, part));
}

/** The candidates' practical results (authors and admins). */
async function resultsView(id, part) {
  const section = el('section', { 'aria-labelledby': 'pr-h', 'data-test': 'practical-results' }, el('h2', { id: 'pr-h' }, tc('practical.results')));
  let res;
  try { res = await call('GET', `/api/sessions/${id}/practical/results`); } catch (e) {
    section.append(el('div', { class: 'notice notice-warn' }, errorText(e)));
    return section;
  }
  const rows = rowsOf(res, 'candidates', 'rows', 'items');
  const taskOf = (r, t) => rowsOf(r.tasks).find((x) => x.task_id === t.id) || {};
  section.append(
    el('p', { class: 'muted' }, tc('practical.resultsHint', { line: fmtNum(part.pass_line) })),
    rows.length ? table([
      { head: tc('sessions.ticket'), cell: (r) => el('code', {}, r.ticket || ''), cls: 'nowrap' },
      { head: tc('practical.name'), cell: (r) => r.name || '' },
      { head: tc('practical.code'), cell: (r) => (r.code ? el('code', {}, r.code) : '—') },
      ...part.tasks.map((t) => ({ head: t.title, cls: 'num', cell: (r) => {
        const x = taskOf(r, t);
        return x.locked === false || x.score === null || x.score === undefined ? el('span', { class: 'muted' }, tc('practical.pending')) : fmtNum(x.score);
      } })),
      { head: tc('practical.practicalScore'), cell: (r) => fmtNum(r.score ?? r.practical_score), cls: 'num' },
      { head: tc('practical.outcome'), cell: (r) => {
        const final = r.final ?? r.final_;
        if (!final) return el('span', { class: 'badge rs-submitted' }, tc('practical.pending'));
        return el('span', { class: `badge ${r.passed ? 'state-open' : 'state-closed'}` }, r.passed ? tc('practical.passed') : tc('practical.failed'));
      } },
    ], rows, { 'aria-label': tc('practical.results'), 'data-test': 'practical-results-table' }) : el('p', { class: 'muted' }, tc('practical.noResults')));
  return section;
}
