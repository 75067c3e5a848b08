// The head judge's overview of a task (GET …/overview): progress per work code, open spread
// flags with each judge's entries, the sign-off (which locks the task), and after the lock the
// names and the correction requests.
import { el, tj, call, load, errorText, screen, heading, back, notice, staleNotice, fmtNum, fmtTime, confirmDialog } from './core.js';
import { entryText } from './aspect.js';
import { taskPath } from './task.js';
import { correctionForm, pendingList, entriesOf } from './correction.js';

const flagAspect = (f) => (typeof f === 'object' && f !== null ? f.aspect : f);

export async function renderOverview(taskId) {
  const [ov, tv] = await Promise.all([load(`/api/judging/tasks/${taskId}/overview`), load(taskPath(taskId))]);
  // The overview is the task's record: title, panel, lock and sign-off at the top level.
  const rec = ov.data;
  const task = { ...tv.data.task, title: rec.title || tv.data.task.title, judges: rec.judges || [], locked_at: rec.locked_at || tv.data.task.locked_at, signed_off_by: rec.signed_off_by };
  const scheme = tv.data.task.scheme || [];
  const rows = ov.data.candidates || [];
  const locked = !!(task.locked || task.locked_at);
  const missing = rows.filter((r) => (r.submitted ?? 0) < (r.expected ?? 0));
  const flagged = rows.filter((r) => (r.flags || []).length);
  const aspectName = (i) => (scheme[i] ? `${i + 1}. ${scheme[i].text}` : String(i + 1));

  const table = el('div', { class: 'table-wrap' }, el('table', { class: 'j-overview', 'data-test': 'overview-table' },
    el('thead', {}, el('tr', {}, ...[tj('overview.code'), locked ? tj('overview.name') : null, tj('overview.sheets'), tj('overview.flags'), tj('overview.points'), tj('overview.score')]
      .filter((h) => h !== null).map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', { 'data-test': 'overview-row', 'data-code': r.code, class: (r.flags || []).length ? 'flagged' : '' },
      el('td', { class: 'j-code' }, r.code),
      locked ? el('td', { 'data-test': 'overview-name' }, r.name || '—') : null,
      el('td', { class: (r.submitted ?? 0) < (r.expected ?? 0) ? 'warn' : 'ok' }, `${r.submitted ?? 0} / ${r.expected ?? 0}`),
      el('td', { 'data-test': 'overview-flags' }, (r.flags || []).length ? (r.flags || []).map((f) => flagAspect(f) + 1).join('、') : '—'),
      el('td', {}, fmtNum(r.points)),
      el('td', {}, fmtNum(r.score)))))));

  const flagDetails = flagged.map((r) => el('div', { class: 'card j-flag', 'data-test': 'overview-flag', 'data-code': r.code },
    el('h3', {}, tj('overview.flagOf', { code: r.code })),
    ...(r.flags || []).map((f) => {
      const i = flagAspect(f);
      const entries = entriesOf(r).filter((x) => x.aspect === i);
      return el('div', {},
        el('strong', {}, aspectName(i)),
        el('ul', {}, ...entries.map((x) => el('li', {}, `${x.judge_name || x.judge_id}：${scheme[i] ? entryText(scheme[i], x.entry) : x.entry}`))));
    })));

  const msg = el('div', { 'data-test': 'signoff-message', 'aria-live': 'assertive' });
  const ready = rec.ready ?? (!missing.length && !flagged.length && rows.length > 0);
  const signoff = el('button', { type: 'button', class: 'primary', 'data-test': 'sign-off', disabled: !ready }, tj('overview.signOff'));
  signoff.addEventListener('click', async () => {
    if (!(await confirmDialog(tj('overview.confirmTitle'), tj('overview.confirmBody'), tj('overview.signOff')))) return;
    signoff.disabled = true;
    try {
      await call('POST', `/api/judging/tasks/${taskId}/sign-off`, { body: {} });
      await renderOverview(taskId);
    } catch (e) {
      msg.replaceChildren(notice('error', errorText(e), { 'data-test': 'signoff-error' }));
      signoff.disabled = false;
    }
  });
  const why = [
    missing.length ? tj('overview.waiting', { n: missing.length, codes: missing.map((r) => r.code).join('、') }) : null,
    flagged.length ? tj('overview.flagsOpen', { n: flagged.length }) : null,
  ].filter(Boolean);

  const lockBox = locked
    ? notice('ok', tj('overview.lockedAt', { at: fmtTime(task.locked_at), by: (task.signed_off_by && task.signed_off_by.name) || '' }), { 'data-test': 'overview-locked' })
    : el('div', { class: 'card j-signoff' }, el('h2', {}, tj('overview.signOffTitle')),
      why.length ? el('ul', { 'data-test': 'signoff-blockers' }, ...why.map((w) => el('li', { class: 'warn' }, w))) : el('p', { class: 'ok' }, tj('overview.allIn')),
      signoff, msg);

  const parts = [
    ov.stale || tv.stale ? staleNotice() : null,
    back(`#/tasks/${taskId}`, tj('sheet.backToCodes')),
    heading(tj('overview.title', { title: task.title })),
    lockBox,
    flagDetails.length ? el('section', {}, el('h2', {}, tj('overview.flagsTitle')), ...flagDetails) : null,
    el('h2', {}, tj('overview.progress')),
    table,
  ];
  if (locked) {
    parts.push(el('section', { class: 'j-corrections' },
      el('h2', {}, tj('correction.title')),
      el('p', { class: 'muted' }, tj('correction.hint')),
      correctionForm(taskId, rows, scheme, task, () => renderOverview(taskId)),
      el('h3', {}, tj('correction.pending')),
      await pendingList(taskId)));
  }
  screen(el('section', { 'data-test': 'overview', 'data-locked': locked ? 'true' : 'false' }, ...parts));
}
