// Changing a session after it was made: its exam, name and window (the exam and window only
// until someone starts), deleting it, correcting or removing a candidate before they start, and
// the proctors of each room, picked by name, at any time.
import { el, tc, call, errorText, field, select, show, session, hasText, ApiError } from './core.js';

/** A datetime-local value for an ISO time, in the viewer's zone. */
function localValue(iso) {
  const d = new Date(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Why a change was refused, with the console's explanation for the start-related codes. */
function refusal(e) {
  if (e instanceof ApiError && e.code === 'candidate_refused') {
    const reason = e.details && e.details.reason;
    const why = reason && hasText(`reasons.${reason}`) ? tc(`reasons.${reason}`) : '';
    return `${tc('errors.candidate_refused')} ${why}（${e.message}）`;
  }
  return errorText(e);
}

/** The edit form of a session, and its delete button (two steps). `onSaved` gets the session. */
export async function sessionEditor(s, onSaved) {
  const exams = await call('GET', '/api/exams').catch(() => []);
  const started = !!s.started;
  const exam = select(exams.map((e) => [e.id, `#${e.id} ${e.definition.name}`]), s.exam_id, { 'data-test': 'edit-session-exam', disabled: started });
  const name = el('input', { value: s.name, required: true, maxlength: '200', 'data-test': 'edit-session-name' });
  const number = el('input', { value: s.number, maxlength: '200', 'data-test': 'edit-session-number' });
  const venue = el('input', { value: s.venue, maxlength: '200', 'data-test': 'edit-session-venue' });
  const startsAt = el('input', { type: 'datetime-local', value: localValue(s.starts_at), 'data-test': 'edit-session-starts', disabled: started });
  const endsAt = el('input', { type: 'datetime-local', value: localValue(s.ends_at), 'data-test': 'edit-session-ends', disabled: started });
  const msg = el('div', { class: 'msg', 'data-test': 'edit-session-message' });
  const save = el('button', { type: 'submit', class: 'primary', 'data-test': 'edit-session-save' }, tc('edit.saveSession'));
  const del = el('button', { type: 'button', class: 'danger', 'data-test': 'session-delete', disabled: started }, tc('edit.deleteSession'));
  const confirmSlot = el('div', { class: 'confirm-slot' });
  const form = el('form', { class: 'card', 'data-test': 'edit-session-form', novalidate: true },
    started ? el('p', { class: 'notice notice-warn', 'data-test': 'session-started-note' }, tc('edit.startedNote')) : '',
    el('div', { class: 'grid' },
      field(tc('sessions.exam'), exam), field(tc('sessions.name'), name),
      field(tc('sessions.number'), number), field(tc('sessions.venue'), venue),
      field(tc('sessions.startsAt'), startsAt), field(tc('sessions.endsAt'), endsAt)),
    msg, el('div', { class: 'actions' }, save, del), confirmSlot);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!name.value.trim()) { show(msg, 'error', tc('sessions.needName')); name.focus(); return; }
    const body = { name: name.value.trim(), number: number.value.trim(), venue: venue.value.trim() };
    if (!started) {
      if (!startsAt.value || !endsAt.value) { show(msg, 'error', tc('sessions.needWindow')); startsAt.focus(); return; }
      body.exam_id = Number(exam.value);
      body.starts_at = new Date(startsAt.value).toISOString();
      body.ends_at = new Date(endsAt.value).toISOString();
    }
    save.disabled = true;
    try {
      const after = await call('PUT', `/api/sessions/${s.id}`, { body });
      sessionStorage.setItem('console.flash', tc('edit.sessionSaved'));
      onSaved(after);
    } catch (e) {
      show(msg, 'error', errorText(e), { 'data-test': 'edit-session-error' });
    } finally { save.disabled = false; }
  });
  del.addEventListener('click', () => {
    const yes = el('button', { type: 'button', class: 'primary danger', 'data-test': 'session-delete-confirm', onclick: async () => {
      yes.disabled = true;
      try {
        await call('DELETE', `/api/sessions/${s.id}`);
        location.hash = '#/sessions';
      } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'edit-session-error' }); confirmSlot.replaceChildren(); }
    } }, tc('edit.deleteSessionConfirm'));
    const no = el('button', { type: 'button', onclick: () => { confirmSlot.replaceChildren(); del.focus(); } }, tc('edit.cancel'));
    confirmSlot.replaceChildren(el('div', { class: 'notice notice-warn', role: 'alertdialog', 'aria-label': tc('edit.deleteSession') },
      tc('edit.deleteSessionQuestion', { name: `${s.name} ${s.number}`.trim() }), ' ', yes, ' ', no));
    yes.focus();
  });
  return el('details', { class: 'edit-session', 'data-test': 'edit-session', open: false },
    el('summary', { 'data-test': 'edit-session-open' }, tc('edit.editSession')), form);
}

/** Active staff with a role (or admin), for a picker; [] when not allowed. */
async function staffWith(role) {
  try {
    const staff = await call('GET', '/api/staff');
    return staff.filter((u) => u.roles.includes(role) || u.roles.includes('admin'));
  } catch (_) { return []; }
}
const proctorChoices = () => staffWith('proctor');

const who = (u) => (u.display_name && u.display_name !== u.username ? `${u.display_name}（${u.username}）` : u.username);

/** Each room's proctors by name, with add (picker) and remove; saved at once. */
export async function proctorsView(s, onChanged) {
  const choices = session.has('author') ? await proctorChoices() : [];
  const byId = new Map(choices.map((u) => [u.id, u]));
  const msg = el('div', { class: 'msg', 'data-test': 'proctors-message', 'aria-live': 'polite' });
  const rooms = el('div', { class: 'proctor-rooms' });
  async function put(room, ids) {
    try {
      const after = await call('PUT', `/api/sessions/${s.id}/rooms/${room.id}/proctors`, { body: { proctors: ids } });
      s.rooms = after.rooms;
      paint();
      show(msg, 'ok', tc('edit.proctorsSaved', { room: room.name }), { 'data-test': 'proctors-saved' });
      if (onChanged) onChanged(after);
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'proctors-error' }); }
  }
  function paint() {
    rooms.replaceChildren(...s.rooms.map((room) => {
      const list = room.proctors.map((pid) => {
        const u = byId.get(pid);
        return el('li', { 'data-test': 'proctor', 'data-user': pid },
          el('span', {}, u ? who(u) : tc('edit.unknownUser', { id: pid })), ' ',
          session.has('author') ? el('button', { type: 'button', class: 'danger small', 'data-test': `proctor-remove-${pid}`, 'aria-label': tc('edit.removeProctorLabel', { name: u ? who(u) : pid, room: room.name }),
            onclick: () => put(room, room.proctors.filter((p) => p !== pid)) }, tc('edit.removeProctor')) : '');
      });
      const free = choices.filter((u) => !room.proctors.includes(u.id));
      const pick = select([['', tc('edit.pickProctor')], ...free.map((u) => [u.id, who(u)])], '', { 'data-test': `proctor-pick-${room.id}` });
      const add = el('button', { type: 'button', 'data-test': `proctor-add-${room.id}`, onclick: () => {
        if (!pick.value) { show(msg, 'error', tc('edit.pickFirst')); pick.focus(); return; }
        put(room, [...room.proctors, Number(pick.value)]);
      } }, tc('edit.addProctor'));
      return el('fieldset', { class: 'card', 'data-test': 'proctor-room', 'data-room': room.name },
        el('legend', {}, room.name),
        list.length ? el('ul', { class: 'proctor-list' }, ...list) : el('p', { class: 'muted' }, tc('edit.noProctors')),
        session.has('author') ? el('div', { class: 'toolbar' }, field(tc('edit.addProctorLabel'), pick), add) : '');
    }));
  }
  paint();
  return el('section', { 'aria-labelledby': 'proctors-h', 'data-test': 'proctors' },
    el('h2', { id: 'proctors-h' }, tc('edit.proctorsTitle')),
    el('p', { class: 'muted' }, choices.length || !session.has('author') ? tc('edit.proctorsHint') : tc('edit.noProctorAccounts')),
    rooms, msg);
}

/** The edit and remove buttons of one candidate row (authors, before the candidate starts). */
export function candidateActions(sessionId, c, reload, slot) {
  const edit = el('button', { type: 'button', 'data-test': `cand-edit-${c.id}`, onclick: () => {
    const name = el('input', { value: c.name, 'data-test': 'cand-edit-name' });
    const idNumber = el('input', { value: '', maxlength: '18', placeholder: c.id_number, 'data-test': 'cand-edit-id', autocomplete: 'off', spellcheck: 'false' });
    const employer = el('input', { value: c.employer, 'data-test': 'cand-edit-employer' });
    const phone = el('input', { type: 'tel', value: c.phone, 'data-test': 'cand-edit-phone' });
    const msg = el('div', { class: 'msg', 'data-test': 'cand-edit-message' });
    const save = el('button', { type: 'submit', class: 'primary', 'data-test': 'cand-edit-save' }, tc('edit.saveCandidate'));
    const form = el('form', { class: 'card', 'data-test': 'cand-edit-form', novalidate: true },
      el('h3', {}, tc('edit.editCandidateTitle', { ticket: c.ticket })),
      el('div', { class: 'grid' },
        field(tc('sessions.candidateName'), name), field(tc('sessions.idNumber'), idNumber, { hint: tc('edit.idKeepHint') }),
        field(tc('sessions.employer'), employer), field(tc('sessions.phone'), phone)),
      msg, el('div', { class: 'actions' }, save, el('button', { type: 'button', onclick: () => slot.replaceChildren() }, tc('edit.cancel'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { name: name.value.trim(), employer: employer.value.trim(), phone: phone.value.trim() };
      if (idNumber.value.trim()) body.id_number = idNumber.value.trim().toUpperCase();
      save.disabled = true;
      try {
        await call('PUT', `/api/sessions/${sessionId}/candidates/${c.id}`, { body });
        slot.replaceChildren(el('div', { class: 'notice notice-ok', role: 'status', 'data-test': 'cand-edit-done' }, tc('edit.candidateSaved', { name: body.name })));
        reload();
      } catch (e) { show(msg, 'error', refusal(e), { 'data-test': 'cand-edit-error' }); } finally { save.disabled = false; }
    });
    slot.replaceChildren(form);
    name.focus();
  } }, tc('edit.edit'));
  const remove = el('button', { type: 'button', class: 'danger', 'data-test': `cand-delete-${c.id}`, onclick: () => {
    const yes = el('button', { type: 'button', class: 'primary danger', 'data-test': 'cand-delete-confirm', onclick: async () => {
      yes.disabled = true;
      try {
        await call('DELETE', `/api/sessions/${sessionId}/candidates/${c.id}`);
        slot.replaceChildren(el('div', { class: 'notice notice-ok', role: 'status', 'data-test': 'cand-deleted' }, tc('edit.candidateDeleted', { name: c.name, ticket: c.ticket })));
        reload();
      } catch (e) { slot.replaceChildren(el('div', { class: 'notice notice-error', role: 'alert', 'data-test': 'cand-edit-error' }, refusal(e))); }
    } }, tc('edit.deleteCandidateConfirm'));
    slot.replaceChildren(el('div', { class: 'notice notice-warn', role: 'alertdialog', 'aria-label': tc('edit.deleteCandidate') },
      tc('edit.deleteCandidateQuestion', { name: c.name, ticket: c.ticket }), ' ', yes, ' ',
      el('button', { type: 'button', onclick: () => slot.replaceChildren() }, tc('edit.cancel'))));
    yes.focus();
  } }, tc('edit.remove'));
  return el('div', { class: 'row-actions' }, edit, remove);
}

/** The session's judges by name, with add and remove; none assigned means every judge marks. */
export async function judgesView(s) {
  const choices = await staffWith('judge');
  const byId = new Map(choices.map((u) => [u.id, u]));
  let judges = s.judges || [];
  const msg = el('div', { class: 'msg', 'data-test': 'judges-message', 'aria-live': 'polite' });
  const body = el('div', { class: 'card', 'data-test': 'judges' });
  async function put(ids) {
    try {
      const after = await call('PUT', `/api/sessions/${s.id}/judges`, { body: { judges: ids } });
      judges = after.judges || [];
      paint();
      show(msg, 'ok', tc('edit.judgesSaved'), { 'data-test': 'judges-saved' });
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'judges-error' }); }
  }
  function paint() {
    const free = choices.filter((u) => !judges.includes(u.id));
    const pick = select([['', tc('edit.pickJudge')], ...free.map((u) => [u.id, who(u)])], '', { 'data-test': 'judge-pick' });
    body.replaceChildren(
      judges.length
        ? el('ul', { class: 'proctor-list' }, ...judges.map((jid) => {
          const u = byId.get(jid);
          return el('li', { 'data-test': 'judge', 'data-user': jid }, el('span', {}, u ? who(u) : tc('edit.unknownUser', { id: jid })), ' ',
            el('button', { type: 'button', class: 'danger small', 'data-test': `judge-remove-${jid}`, 'aria-label': tc('edit.removeJudgeLabel', { name: u ? who(u) : jid }),
              onclick: () => put(judges.filter((j) => j !== jid)) }, tc('edit.removeProctor')));
        }))
        : el('p', { class: 'muted', 'data-test': 'judges-none' }, tc('edit.noJudges')),
      el('div', { class: 'toolbar' }, field(tc('edit.addJudgeLabel'), pick),
        el('button', { type: 'button', 'data-test': 'judge-add', onclick: () => {
          if (!pick.value) { show(msg, 'error', tc('edit.pickJudgeFirst')); pick.focus(); return; }
          put([...judges, Number(pick.value)]);
        } }, tc('edit.addProctor'))));
  }
  paint();
  return el('section', { 'aria-labelledby': 'judges-h', 'data-test': 'judges-section' },
    el('h2', { id: 'judges-h' }, tc('edit.judgesTitle')), el('p', { class: 'muted' }, tc('edit.judgesHint')), body, msg);
}
