// The recheck (复核) of a final's locked marks, by marking code only: start it (the top of each
// group plus a seeded random share of the rest are selected), re-enter each selected sheet
// (code × task × judge) aspect by aspect, without the first marks on screen so the second entry
// is independent; then the differences, the error rate against the limit, and finish. Over the
// limit every task goes back for re-marking, and the screen says so.
import { el, call, errorText, field, table, show, fmtPct, fmtNum, session } from './core.js';
import { cc, paths, rowsOf, fmtDate, flash, rerender, confirmBox, fmtScore, staffList, personName, stageLine } from './competition.js';
import { progressOf } from './competition-final.js';

/** A task's scheme (aspects in order), for those who may read the task board; null otherwise. */
async function schemeOf(taskId) {
  try { return rowsOf((await call('GET', `/api/judging/tasks/${taskId}`)).task.scheme); } catch (_) { return null; }
}

/** One selected sheet's re-entry form. */
function sheetForm(sid, cand, sheet, scheme, names) {
  const key = `${cand.code}-${sheet.task_id}-${sheet.judge_id}`;
  const m = el('div', { class: 'msg', 'data-test': `recheck-msg-${key}` });
  const save = el('button', { type: 'submit', class: 'primary', 'data-test': `recheck-save-${key}` }, cc('recheck.save'));
  let inputs;
  let fields;
  if (scheme) {
    inputs = scheme.map((a, i) => {
      const judgement = (a.kind && a.kind.type) === 'judgement';
      const input = el('input', { type: 'number', min: '0', step: 'any', inputmode: 'decimal', 'data-test': `recheck-${key}-${i}` });
      return { i, input, label: `${i + 1}. ${a.text || ''}`, hint: judgement ? cc('recheck.judgementHint') : cc('recheck.entryHint', { points: fmtNum(a.points) }) };
    });
    fields = el('div', { class: 'grid' }, ...inputs.map((x) => field(x.label, x.input, { hint: x.hint })));
  } else {
    // Without the scheme: the entries in aspect order, comma-separated.
    const all = el('input', { 'data-test': `recheck-${key}-all`, inputmode: 'decimal', placeholder: '1, 0, 2, …' });
    inputs = null;
    fields = field(cc('recheck.allEntries'), all, { hint: cc('recheck.allHint') });
    fields.dataset.all = '1';
  }
  const f = el('form', { class: 'card recheck-sheet', novalidate: true, 'data-test': 'recheck-sheet', 'data-code': cand.code, 'data-task': sheet.task_id, 'data-judge': sheet.judge_id, 'data-entered': String(sheet.entered) },
    el('h3', {}, el('code', { class: 'mono' }, cand.code), ' · ', names.task(sheet.task_id), ' · ', names.judge(sheet.judge_id), ' ',
      sheet.entered ? el('span', { class: 'badge state-open' }, cc('recheck.entered')) : el('span', { class: 'badge state-upcoming' }, cc('recheck.toEnter'))),
    fields, m, el('div', { class: 'actions' }, save));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let entries;
    if (inputs) {
      const missing = inputs.find((x) => x.input.value === '');
      if (missing) { show(m, 'error', cc('recheck.missing')); missing.input.focus(); return; }
      entries = inputs.map((x) => ({ aspect: x.i, entry: Number(x.input.value) }));
    } else {
      const vals = f.querySelector(`[data-test=recheck-${key}-all]`).value.split(/[,，\s]+/).filter(Boolean).map(Number);
      if (!vals.length || vals.some(Number.isNaN)) { show(m, 'error', cc('recheck.missing')); return; }
      entries = vals.map((entry, aspect) => ({ aspect, entry }));
    }
    save.disabled = true;
    try {
      await call('PUT', paths.recheckEntries(sid), { body: { code: cand.code, task_id: sheet.task_id, judge_id: sheet.judge_id, entries } });
      flash.set(cc('recheck.saved', { code: cand.code }));
      rerender();
    } catch (e) { show(m, 'error', errorText(e), { 'data-test': 'recheck-error' }); save.disabled = false; }
  });
  return f;
}

/** #/competitions/stages/{sid}/recheck */
export async function render({ root, params, query, alive }) {
  const sid = Number(params[0]);
  const [r, prog, staff, line] = await Promise.all([call('GET', paths.recheck(sid)), progressOf(sid), session.has('author') ? staffList() : [], stageLine(sid, query)]);
  if (!alive()) return;
  const state = r.status || 'not_started';
  const taskTitle = (tid) => { const t = rowsOf(prog && prog.tasks).find((x) => x.task_id === tid); return t ? t.title : cc('recheck.taskN', { n: tid }); };
  const names = { task: taskTitle, judge: (jid) => (staff.length ? personName(staff, jid) : cc('recheck.judgeN', { n: jid })) };
  const msg = el('div', { class: 'msg', 'data-test': 'recheck-message', 'aria-live': 'polite' });
  const fl = flash.take();
  if (fl) show(msg, 'ok', fl, { 'data-test': 'recheck-flash' });
  const confirmSlot = el('div', {});
  root.append(el('h1', { tabindex: '-1' }, cc('recheck.title')), line, el('p', { class: 'muted' }, cc('recheck.intro')), msg,
    el('p', { 'data-test': 'recheck-state', 'data-state': state }, el('span', { class: `badge recheck-${state}` }, cc(`recheck.state.${state}`)),
      r.round ? el('span', { class: 'muted' }, ` · ${cc('recheck.round', { n: r.round })}`) : '',
      r.seed ? el('span', { class: 'muted mono' }, ` · ${cc('recheck.seed', { seed: r.seed })}`) : ''),
    el('p', { class: 'muted' }, cc('recheck.selectionHint', { top: r.top, share: fmtPct(r.share), limit: fmtPct(r.error_limit) })));
  if (state === 'not_started' || state === 'remark') {
    if (state === 'remark') root.append(el('div', { class: 'notice notice-error', 'data-test': 'recheck-remark' }, cc('recheck.remarkNote', { rate: fmtPct(r.error_rate), limit: fmtPct(r.error_limit) })));
    const start = el('button', { type: 'button', class: 'primary', 'data-test': 'recheck-start' }, state === 'remark' ? cc('recheck.startAgain') : cc('recheck.start'));
    start.addEventListener('click', async () => {
      if (!(await confirmBox(confirmSlot, cc('recheck.startQuestion'), { yes: cc('recheck.start'), test: 'recheck-start-box' }))) return;
      start.disabled = true;
      try { await call('POST', paths.recheck(sid)); flash.set(cc('recheck.started')); rerender(); } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'recheck-error' }); start.disabled = false; }
    });
    root.append(el('div', { class: 'actions' }, start), confirmSlot);
    if (state === 'not_started') return;
  }
  const cands = rowsOf(r.candidates);
  const sheets = cands.flatMap((c) => rowsOf(c.sheets).map((s) => ({ c, s })));
  const entered = sheets.filter((x) => x.s.entered).length;
  root.append(el('section', { 'aria-labelledby': 'rc-sel-h', 'data-test': 'recheck-selection' },
    el('h2', { id: 'rc-sel-h' }, cc('recheck.selection', { n: cands.length, sheets: sheets.length, entered })),
    table([
      { head: cc('recheck.code'), cell: (c) => el('code', {}, c.code), cls: 'nowrap' },
      { head: cc('recheck.reason'), cell: (c) => cc(`recheck.why.${c.reason}`) },
      { head: cc('recheck.sheets'), cell: (c) => `${rowsOf(c.sheets).filter((s) => s.entered).length}/${rowsOf(c.sheets).length}`, cls: 'num' },
    ], cands, { 'aria-label': cc('recheck.selectionTitle'), 'data-test': 'recheck-selection-table' }, (c) => ({ 'data-code': c.code, 'data-reason': c.reason }))));
  if (state === 'open') {
    if (session.has('supervisor')) {
      const schemes = new Map();
      for (const tid of new Set(sheets.map((x) => x.s.task_id))) schemes.set(tid, await schemeOf(tid));
      if (!alive()) return;
      root.append(el('section', { 'aria-labelledby': 'rc-in-h' }, el('h2', { id: 'rc-in-h' }, cc('recheck.entry')),
        el('p', { class: 'muted' }, cc('recheck.entryIntro')),
        ...sheets.map(({ c, s }) => sheetForm(sid, c, s, schemes.get(s.task_id), names))));
    } else {
      root.append(el('p', { class: 'notice notice-info' }, cc('recheck.supervisorsEnter')));
    }
  }
  const diffs = rowsOf(r.differences);
  root.append(el('section', { 'aria-labelledby': 'rc-diff-h', 'data-test': 'recheck-differences' },
    el('h2', { id: 'rc-diff-h' }, cc('recheck.differences', { n: diffs.length })),
    diffs.length ? table([
      { head: cc('recheck.code'), cell: (d) => el('code', {}, d.code), cls: 'nowrap' },
      { head: cc('recheck.task'), cell: (d) => names.task(d.task_id) },
      { head: cc('recheck.judge'), cell: (d) => names.judge(d.judge_id) },
      { head: cc('recheck.aspect'), cell: (d) => String(d.aspect + 1), cls: 'num' },
      { head: cc('recheck.first'), cell: (d) => fmtScore(d.stored), cls: 'num' },
      { head: cc('recheck.second'), cell: (d) => fmtScore(d.rechecked), cls: 'num' },
      { head: cc('recheck.correction'), cell: (d) => (d.correction_status ? cc(`recheck.corr.${d.correction_status}`) : cc('recheck.corr.none')) },
    ], diffs, { 'aria-label': cc('recheck.differences', { n: diffs.length }), 'data-test': 'recheck-diff-table' }) : el('p', { class: 'muted' }, cc('recheck.noDiffs'))),
  el('p', { class: `recheck-rate ${r.error_rate !== null && r.error_rate !== undefined && r.error_rate > r.error_limit ? 'error' : 'ok'}`, 'data-test': 'recheck-rate' },
    r.error_rate === null || r.error_rate === undefined
      ? cc('recheck.rateLater', { limit: fmtPct(r.error_limit) })
      : cc('recheck.rate', { rate: fmtPct(r.error_rate), limit: fmtPct(r.error_limit), wrong: r.wrong_sheets ?? 0, sheets: r.sheets ?? 0 })));
  if (state === 'corrections') root.append(el('div', { class: 'notice notice-ok', 'data-test': 'recheck-ok' }, cc('recheck.correctionsNote')));
  if (state === 'open') {
    const finish = el('button', { type: 'button', class: 'primary', 'data-test': 'recheck-finish', disabled: entered < sheets.length }, cc('recheck.finish'));
    finish.addEventListener('click', async () => {
      if (!(await confirmBox(confirmSlot, cc('recheck.finishQuestion'), { yes: cc('recheck.finish'), test: 'recheck-finish-box' }))) return;
      finish.disabled = true;
      try { await call('POST', paths.recheckFinish(sid)); flash.set(cc('recheck.finished')); rerender(); } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'recheck-error' }); finish.disabled = false; }
    });
    root.append(el('div', { class: 'actions' }, finish, entered < sheets.length ? el('span', { class: 'muted' }, cc('recheck.enterAll', { n: sheets.length - entered })) : ''), confirmSlot);
  }
  if (r.finished_at) root.append(el('p', { class: 'muted' }, cc('recheck.finishedAt', { at: fmtDate(r.finished_at) })));
}
