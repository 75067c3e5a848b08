// The recheck (复核) of a final's locked marks, by marking code only: start it (the top of each
// group plus a seeded random share of the rest are selected), re-enter each selected sheet
// aspect by aspect (the first marks are not shown, so the second entry is independent), then the
// differences, the error rate against the limit, and finish. Over the limit the event goes back
// for re-marking, and the screen says so.
import { el, call, errorText, field, table, show, fmtPct, fmtNum } from './core.js';
import { cc, paths, rowsOf, fmtDate, flash, rerender, confirmBox, fmtScore } from './competition.js';

const stateOf = (r) => r.state || r.status || (r.finished_at ? 'done' : r.started_at ? 'open' : 'not_started');

/** One selected sheet's re-entry form. */
function sheetForm(sid, sheet, msg) {
  const code = sheet.code;
  const task = sheet.task_id;
  const aspects = rowsOf(sheet.aspects, 'aspects');
  const inputs = aspects.map((a, i) => {
    const idx = a.index ?? a.aspect ?? i;
    const kind = a.kind?.type || a.kind || 'measurement';
    const max = kind === 'judgement' ? 3 : (a.points ?? a.max ?? '');
    const value = a.recheck ?? a.entry ?? '';
    const input = el('input', { type: 'number', min: '0', max: String(max), step: 'any', inputmode: 'decimal', value: value === null ? '' : String(value), 'data-test': `recheck-${code}-${task}-${idx}` });
    return { idx, input, a, kind };
  });
  const save = el('button', { type: 'submit', class: 'primary', 'data-test': `recheck-save-${code}-${task}` }, cc('recheck.save'));
  const m = el('div', { class: 'msg' });
  const f = el('form', { class: 'card recheck-sheet', novalidate: true, 'data-test': 'recheck-sheet', 'data-code': code, 'data-task': task, 'data-entered': String(!!sheet.entered) },
    el('h3', {}, el('code', { class: 'mono' }, code), ' · ', sheet.task_title || cc('recheck.taskN', { n: task }), ' ',
      sheet.entered ? el('span', { class: 'badge state-open' }, cc('recheck.entered')) : el('span', { class: 'badge state-upcoming' }, cc('recheck.toEnter')),
      sheet.reason ? el('span', { class: 'badge' }, cc(`recheck.why.${sheet.reason}`)) : ''),
    el('div', { class: 'grid' }, ...inputs.map(({ idx, input, a, kind }) => field(`${idx + 1}. ${a.text || a.title || ''}`, input, { hint: kind === 'judgement' ? cc('recheck.judgementHint') : cc('recheck.pointsHint', { max: fmtNum(a.points ?? a.max) }) }))),
    m, el('div', { class: 'actions' }, save));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const missing = inputs.find((x) => x.input.value === '');
    if (missing) { show(m, 'error', cc('recheck.missing')); missing.input.focus(); return; }
    save.disabled = true;
    try {
      await call('PUT', paths.recheckEntries(sid), { body: { code, task_id: task, entries: inputs.map((x) => Number(x.input.value)) } });
      flash.set(cc('recheck.saved', { code }));
      rerender();
    } catch (e) { show(m, 'error', errorText(e), { 'data-test': 'recheck-error' }); save.disabled = false; }
  });
  return f;
}

/** #/competitions/stages/{sid}/recheck */
export async function render({ root, params, alive }) {
  const sid = Number(params[0]);
  let r;
  try { r = await call('GET', paths.recheck(sid)); } catch (e) {
    if (e.code !== 'recheck_not_started') throw e;
    r = { state: 'not_started' };
  }
  if (!alive()) return;
  const state = stateOf(r);
  const msg = el('div', { class: 'msg', 'data-test': 'recheck-message', 'aria-live': 'polite' });
  const fl = flash.take();
  if (fl) show(msg, 'ok', fl, { 'data-test': 'recheck-flash' });
  const confirmSlot = el('div', {});
  root.append(el('h1', { tabindex: '-1' }, cc('recheck.title')), el('p', { class: 'muted' }, cc('recheck.intro')), msg,
    el('p', { 'data-test': 'recheck-state', 'data-state': state }, el('span', { class: `badge recheck-${state}` }, cc(`recheck.state.${state}`)),
      r.seed !== undefined && r.seed !== null ? el('span', { class: 'muted' }, ` · ${cc('recheck.seed', { seed: r.seed })}`) : ''));
  if (state === 'not_started') {
    const start = el('button', { type: 'button', class: 'primary', 'data-test': 'recheck-start' }, cc('recheck.start'));
    start.addEventListener('click', async () => {
      if (!(await confirmBox(confirmSlot, cc('recheck.startQuestion'), { yes: cc('recheck.start'), test: 'recheck-start-box' }))) return;
      start.disabled = true;
      try { await call('POST', paths.recheck(sid), { body: {} }); flash.set(cc('recheck.started')); rerender(); } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'recheck-error' }); start.disabled = false; }
    });
    root.append(el('div', { class: 'actions' }, start), confirmSlot);
    return;
  }
  const sheets = rowsOf(r.selection ?? r.selected ?? r.sheets, 'sheets');
  const entered = sheets.filter((s) => s.entered).length;
  const limit = r.error_limit ?? r.limit;
  const rate = r.error_rate ?? r.rate;
  root.append(el('section', { 'aria-labelledby': 'rc-sel-h', 'data-test': 'recheck-selection' },
    el('h2', { id: 'rc-sel-h' }, cc('recheck.selection', { n: sheets.length, entered })),
    el('p', { class: 'muted' }, cc('recheck.selectionHint', { top: r.top ?? r.recheck_top ?? 10, share: fmtPct(r.share ?? r.recheck_share ?? 0.15) })),
    table([
      { head: cc('recheck.code'), cell: (s) => el('code', {}, s.code), cls: 'nowrap' },
      { head: cc('recheck.task'), cell: (s) => s.task_title || `#${s.task_id}` },
      { head: cc('recheck.reason'), cell: (s) => (s.reason ? cc(`recheck.why.${s.reason}`) : '—') },
      { head: cc('recheck.status'), cell: (s) => (s.entered ? cc('recheck.entered') : cc('recheck.toEnter')) },
    ], sheets, { 'aria-label': cc('recheck.selectionTitle'), 'data-test': 'recheck-selection-table' }, (s) => ({ 'data-code': s.code }))));
  if (state === 'open') root.append(el('section', { 'aria-labelledby': 'rc-in-h' }, el('h2', { id: 'rc-in-h' }, cc('recheck.entry')), ...sheets.map((s) => sheetForm(sid, s, msg))));
  const diffs = rowsOf(r.differences ?? r.diffs, 'differences');
  root.append(el('section', { 'aria-labelledby': 'rc-diff-h', 'data-test': 'recheck-differences' },
    el('h2', { id: 'rc-diff-h' }, cc('recheck.differences', { n: diffs.length })),
    diffs.length ? table([
      { head: cc('recheck.code'), cell: (d) => el('code', {}, d.code), cls: 'nowrap' },
      { head: cc('recheck.task'), cell: (d) => d.task_title || `#${d.task_id}` },
      { head: cc('recheck.aspect'), cell: (d) => `${(d.aspect ?? 0) + 1}. ${d.aspect_text || ''}` },
      { head: cc('recheck.first'), cell: (d) => fmtScore(d.original ?? d.first), cls: 'num' },
      { head: cc('recheck.second'), cell: (d) => fmtScore(d.recheck ?? d.second), cls: 'num' },
    ], diffs, { 'aria-label': cc('recheck.differences', { n: diffs.length }), 'data-test': 'recheck-diff-table' }) : el('p', { class: 'muted' }, cc('recheck.noDiffs'))),
  el('p', { class: `recheck-rate ${rate !== undefined && limit !== undefined && rate > limit ? 'error' : 'ok'}`, 'data-test': 'recheck-rate' },
    rate === undefined || rate === null ? cc('recheck.rateLater', { limit: fmtPct(limit ?? 0.05) }) : cc('recheck.rate', { rate: fmtPct(rate), limit: fmtPct(limit ?? 0.05) })));
  if (state === 'remark' || r.remark_required || r.remark) {
    root.append(el('div', { class: 'notice notice-error', 'data-test': 'recheck-remark' }, cc('recheck.remarkNote')));
  }
  if (state === 'open') {
    const finish = el('button', { type: 'button', class: 'primary', 'data-test': 'recheck-finish', disabled: entered < sheets.length }, cc('recheck.finish'));
    finish.addEventListener('click', async () => {
      if (!(await confirmBox(confirmSlot, cc('recheck.finishQuestion'), { yes: cc('recheck.finish'), test: 'recheck-finish-box' }))) return;
      finish.disabled = true;
      try { await call('POST', paths.recheckFinish(sid), { body: {} }); flash.set(cc('recheck.finished')); rerender(); } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'recheck-error' }); finish.disabled = false; }
    });
    root.append(el('div', { class: 'actions' }, finish, entered < sheets.length ? el('span', { class: 'muted' }, cc('recheck.enterAll', { n: sheets.length - entered })) : ''), confirmSlot);
  }
  if (r.finished_at) root.append(el('p', { class: 'muted' }, cc('recheck.finishedAt', { at: fmtDate(r.finished_at) })));
}
