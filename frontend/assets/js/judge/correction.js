// Corrections after the lock: the head judge asks for a judge's entry to be changed, with a
// reason and their password; an admin or supervisor (not the head judge) approves it in the
// console. Until then it is pending and changes nothing.
import { api } from '../api.js';
import { el, tj, call, session, errorText, notice, fmtTime } from './core.js';
import { entryText } from './aspect.js';

/** Every judge's entries of a candidate as [{judge_id, judge_name, aspect, entry}], from the
 * record's sheets (one entry per aspect, none where not entered). */
export function entriesOf(r) {
  if (r.entries) return r.entries;
  return (r.sheets || []).flatMap((sh) => (sh.entries || []).map((entry, aspect) => ({ judge_id: sh.judge_id, judge_name: sh.judge_name, aspect, entry }))
    .filter((x) => x.entry !== null && x.entry !== undefined));
}

function pick(id, label, options, test) {
  const s = el('select', { id, 'data-test': test }, el('option', { value: '' }, tj('correction.choose')),
    ...options.map(([v, text]) => el('option', { value: v }, text)));
  return [el('label', { for: id }, label), s];
}

/** The correction form; `done` runs after a request was recorded. */
export function correctionForm(taskId, rows, scheme, task, done) {
  const judges = new Map();
  (task.judges || []).forEach((j) => judges.set(j.id, j.name));
  rows.forEach((r) => entriesOf(r).forEach((x) => { if (!judges.has(x.judge_id)) judges.set(x.judge_id, x.judge_name || String(x.judge_id)); }));
  const [codeL, code] = pick('c-code', tj('correction.code'), rows.map((r) => [r.code, r.name ? `${r.code} ${r.name}` : r.code]), 'corr-code');
  const [judgeL, judge] = pick('c-judge', tj('correction.judge'), [...judges].map(([id, name]) => [id, name]), 'corr-judge');
  const [aspectL, aspect] = pick('c-aspect', tj('correction.aspect'), scheme.map((a, i) => [i, `${i + 1}. ${a.text}`]), 'corr-aspect');
  const entry = el('input', { id: 'c-entry', type: 'number', step: 'any', inputmode: 'decimal', 'data-test': 'corr-entry' });
  const now = el('p', { class: 'muted', 'data-test': 'corr-current' });
  const reason = el('textarea', { id: 'c-reason', 'data-test': 'corr-reason', maxlength: '500' });
  const password = el('input', { id: 'c-password', type: 'password', autocomplete: 'current-password', 'data-test': 'corr-password' });
  const msg = el('div', { 'data-test': 'corr-message', 'aria-live': 'assertive' });
  const send = el('button', { type: 'submit', class: 'primary', 'data-test': 'corr-submit' }, tj('correction.submit'));

  const showCurrent = () => {
    const r = rows.find((x) => x.code === code.value);
    const i = aspect.value === '' ? null : Number(aspect.value);
    const hit = r && i !== null && entriesOf(r).find((x) => x.aspect === i && String(x.judge_id) === judge.value);
    now.textContent = hit ? tj('correction.current', { entry: scheme[i] ? entryText(scheme[i], hit.entry) : hit.entry }) : '';
  };
  [code, judge, aspect].forEach((s) => s.addEventListener('change', showCurrent));

  const form = el('form', { class: 'card j-correction', novalidate: true, 'data-test': 'correction-form' },
    codeL, code, judgeL, judge, aspectL, aspect, now,
    el('label', { for: 'c-entry' }, tj('correction.entry')), entry,
    el('label', { for: 'c-reason' }, tj('correction.reason')), reason,
    el('label', { for: 'c-password' }, tj('correction.password')), password,
    msg, send);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!code.value || !judge.value || aspect.value === '' || entry.value.trim() === '') { msg.replaceChildren(notice('error', tj('correction.missing'))); return; }
    send.disabled = true;
    try {
      // Not through call(): a wrong password is a 401 (reauth_failed) that must not end the login.
      await api('POST', `/api/judging/tasks/${taskId}/corrections`, {
        token: session.token,
        body: { code: code.value, judge_id: Number(judge.value), aspect: Number(aspect.value), entry: Number(entry.value), reason: reason.value.trim(), password: password.value },
      });
      await done();
      const again = document.querySelector('[data-test=corr-message]');
      if (again) again.replaceChildren(notice('ok', tj('correction.sent'), { 'data-test': 'corr-ok' }));
    } catch (e) {
      password.value = '';
      msg.replaceChildren(notice('error', errorText(e), { 'data-test': 'corr-error' }));
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

/** The pending corrections of this task (a head judge sees their own). */
export async function pendingList(taskId) {
  let list;
  try {
    list = (await call('GET', '/api/practical/corrections', { query: { status: 'pending' } })).filter((c) => c.task_id === taskId);
  } catch (e) {
    return notice('error', errorText(e));
  }
  if (!list.length) return el('p', { class: 'muted', 'data-test': 'no-pending' }, tj('correction.none'));
  return el('ul', { class: 'j-pending', 'data-test': 'pending-corrections' }, ...list.map((c) => el('li', { 'data-test': 'pending-correction', 'data-id': c.id },
    tj('correction.line', { code: c.code, name: c.name || '', judge: c.judge_name, aspect: c.aspect + 1, old: c.old_entry ?? '—', entry: c.entry, at: fmtTime(c.requested_at) }),
    el('div', { class: 'muted' }, tj('correction.because', { reason: c.reason })))));
}
