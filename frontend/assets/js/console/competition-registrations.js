// Registrations (报名与审核): the list with filters (event, group, status, a search) and status
// chips with counts; a single registration, or a team's members together (exactly the team size);
// an employer's or school's XLSX (template download; a refused file shows its per-row errors);
// review: accept (a 参赛证号 is given) or refuse with a reason in a dialog, and accepting every
// selected pending registration at once. Below, the declared conflicts of judges (回避声明).
import { el, tc, call, errorText, field, select, table, show, checkbox, filePicker, session, identText } from './core.js';
import { serverText } from '../i18n.js';
import {
  cc, word, paths, loadCompetition, subnav, compHeading, staffList, personName, rerender, flash, rowsOf,
  statusChip, STATUSES, saveFile, fmtDate,
} from './competition.js';

const blankPerson = () => ({ name: '', id_number: '', phone: '', organisation: '', trainer: '' });

/** The registration form: one person, or a team's members (N rows for a team event). */
function registerForm(view, onSaved) {
  const eventSel = select(view.events.map((e) => [e.id, `${e.code} ${e.name}`]), view.events[0]?.id, { 'data-test': 'reg-event' });
  const groupSel = select(view.groups.map((g) => [g.id, `${g.code} ${g.name}`]), view.groups[0]?.id, { 'data-test': 'reg-group' });
  const orgKind = select([['employer', word('orgKind', 'employer')], ['school', word('orgKind', 'school')]], 'employer', { 'data-test': 'reg-org-kind' });
  const leader = el('input', { maxlength: '100', 'data-test': 'reg-leader' });
  const teamName = el('input', { maxlength: '100', 'data-test': 'reg-team-name' });
  const teamField = field(cc('reg.teamName'), teamName);
  const people = el('div', { class: 'members', 'data-test': 'reg-members' });
  const msg = el('div', { class: 'msg', 'data-test': 'reg-message', 'aria-live': 'polite' });
  let members = [blankPerson()];

  const event = () => view.events.find((e) => e.id === Number(eventSel.value));
  function paint() {
    const ev = event();
    const size = ev && ev.kind === 'team' ? Math.max(1, Number(ev.team_size || 1)) : 1;
    while (members.length < size) members.push(blankPerson());
    members = members.slice(0, size);
    teamField.hidden = size === 1;
    people.replaceChildren(...members.map((m, i) => {
      const input = (key, attrs = {}) => {
        const x = el('input', { value: m[key], 'data-test': `reg-${i + 1}-${key.replace('_', '-')}`, ...attrs });
        x.addEventListener('input', () => { m[key] = x.value; });
        return field(cc(`reg.${key}`), x);
      };
      return el('fieldset', { class: 'member-row', 'data-test': `reg-member-${i + 1}` },
        el('legend', {}, size > 1 ? cc('reg.memberN', { n: i + 1, size }) : cc('reg.person')),
        el('div', { class: 'grid' },
          input('name', { maxlength: '50' }),
          input('id_number', { maxlength: '18', autocapitalize: 'characters', spellcheck: 'false', inputmode: 'text' }),
          input('phone', { maxlength: '20', inputmode: 'tel' }),
          input('organisation', { maxlength: '200' }),
          input('trainer', { maxlength: '100' })));
    }));
  }
  eventSel.addEventListener('change', paint);
  paint();

  const save = el('button', { type: 'submit', class: 'primary', 'data-test': 'reg-save' }, cc('reg.submit'));
  const f = el('form', { class: 'card', novalidate: true, 'data-test': 'reg-form' },
    el('div', { class: 'grid' }, field(cc('reg.event'), eventSel), field(cc('reg.group'), groupSel), field(cc('reg.orgKind'), orgKind), field(cc('reg.leader'), leader), teamField),
    people, msg, el('div', { class: 'actions' }, save));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const bad = members.findIndex((m) => !m.name.trim() || !/^\d{17}[\dXx]$/.test(m.id_number.trim()));
    if (bad >= 0) { show(msg, 'error', cc('reg.personMissing', { n: bad + 1 })); return; }
    const ev = event();
    const person = (m) => ({ name: m.name.trim(), id_number: m.id_number.trim().toUpperCase(), phone: m.phone.trim(), organisation: m.organisation.trim(), org_kind: orgKind.value, leader: leader.value.trim(), trainer: m.trainer.trim() });
    const body = ev && ev.kind === 'team'
      ? { event_id: ev.id, group_id: Number(groupSel.value), team: { name: teamName.value.trim(), leader: leader.value.trim() }, members: members.map(person) }
      : { event_id: Number(eventSel.value), group_id: Number(groupSel.value), ...person(members[0]) };
    if (ev && ev.kind === 'team' && !teamName.value.trim()) { show(msg, 'error', cc('reg.teamMissing')); teamName.focus(); return; }
    save.disabled = true;
    try {
      await call('POST', paths.registrations(view.id), { body });
      flash.set(cc('reg.saved', { n: members.length }));
      onSaved();
    } catch (err) { show(msg, 'error', errorText(err), { 'data-test': 'reg-error' }); save.disabled = false; }
  });
  return f;
}

/** The per-row errors of a refused (or partly refused) file. */
function rowErrors(rows) {
  return table([
    { head: cc('import.row'), cell: (r) => identText(r.row !== undefined ? `row ${r.row}` : r.ident || r.line), cls: 'nowrap' },
    { head: cc('import.name'), cell: (r) => r.name || '' },
    { head: cc('import.code'), cell: (r) => (r.code ? el('code', {}, r.code) : '') },
    { head: cc('import.reason'), cell: (r) => serverText(r.message_zh || r.reason_zh, r.message || r.reason) || r.code || '' },
  ], rows, { 'aria-label': cc('import.errors'), 'data-test': 'import-errors' }, (r) => ({ 'data-row': r.row ?? '' }));
}

/** The XLSX import: template download, a file, the outcome. */
function importCard(view) {
  const picker = filePicker({ accept: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'data-test': 'import-file' });
  const msg = el('div', { class: 'msg', 'data-test': 'import-message', 'aria-live': 'polite' });
  const out = el('div', { 'data-test': 'import-result' });
  const go = el('button', { type: 'button', class: 'primary', 'data-test': 'import-submit' }, cc('import.submit'));
  go.addEventListener('click', async () => {
    const file = picker.input.files[0];
    if (!file) { show(msg, 'error', cc('import.needFile')); return; }
    go.disabled = true;
    show(msg, 'info', cc('import.working'));
    out.replaceChildren();
    try {
      const rep = await call('POST', paths.importFile(view.id), { raw: file, timeoutMs: 120000 });
      const errs = rowsOf(rep && (rep.errors || rep.rows_refused), 'errors');
      show(msg, errs.length ? 'warn' : 'ok', cc('import.done', { n: rep?.imported ?? rep?.registered ?? rowsOf(rep?.registrations).length ?? 0 }), { 'data-test': 'import-done' });
      if (errs.length) out.replaceChildren(rowErrors(errs));
      flash.set(cc('import.done', { n: rep?.imported ?? rep?.registered ?? 0 }));
    } catch (e) {
      show(msg, 'error', errorText(e), { 'data-test': 'import-error' });
      const rows = rowsOf(e.details && (e.details.rows || e.details.errors), 'rows', 'errors');
      if (rows.length) out.replaceChildren(rowErrors(rows));
    } finally { go.disabled = false; }
  });
  return el('section', { class: 'card', 'data-test': 'import-card', 'aria-labelledby': 'imp-h' },
    el('h2', { id: 'imp-h' }, cc('import.title')),
    el('p', { class: 'muted' }, cc('import.intro')),
    el('div', { class: 'actions' },
      el('button', { type: 'button', 'data-test': 'import-template', onclick: () => saveFile(paths.template(view.id), `registrations-${view.code}.xlsx`, msg) }, cc('import.template'))),
    field(cc('import.file'), picker.wrap, { input: picker.input }),
    el('div', { class: 'actions' }, go, el('button', { type: 'button', onclick: rerender }, cc('import.refresh'))), msg, out);
}

/** The refusal dialog: a reason is required. Resolves with the reason, or null when cancelled. */
function refuseDialog(slot, reg) {
  return new Promise((resolve) => {
    const reason = el('textarea', { rows: '3', maxlength: '500', 'data-test': 'refuse-reason' });
    const m = el('div', { class: 'msg', 'data-test': 'refuse-message' });
    const done = (v) => { slot.replaceChildren(); resolve(v); };
    const ok = el('button', { type: 'button', class: 'primary danger', 'data-test': 'refuse-confirm', onclick: () => {
      if (!reason.value.trim()) { show(m, 'error', cc('review.needReason')); reason.focus(); return; }
      done(reason.value.trim());
    } }, cc('review.refuse'));
    slot.replaceChildren(el('div', { class: 'card dialog', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'refuse-h', 'data-test': 'refuse-dialog' },
      el('h2', { id: 'refuse-h' }, cc('review.refuseTitle', { name: reg.name })),
      field(cc('review.reason'), reason, { hint: cc('review.reasonHint') }), m,
      el('div', { class: 'actions' }, ok, el('button', { type: 'button', 'data-test': 'refuse-cancel', onclick: () => done(null) }, tc('edit.cancel')))));
    slot.scrollIntoView({ block: 'nearest' });
    reason.focus();
  });
}

/** Declared conflicts (回避): a judge and a contestant, with a note. */
async function conflictsCard(view, regs) {
  const section = el('section', { class: 'card', 'data-test': 'conflicts', 'aria-labelledby': 'cf-h' }, el('h2', { id: 'cf-h' }, cc('conflicts.title')), el('p', { class: 'muted' }, cc('conflicts.intro')));
  let list = [];
  let staff = [];
  try { [list, staff] = await Promise.all([call('GET', paths.conflicts(view.id)).then((x) => rowsOf(x, 'conflicts')), staffList()]); } catch (e) {
    section.append(el('div', { class: 'notice notice-warn' }, errorText(e)));
    return section;
  }
  const judges = staff.filter((u) => u.roles.includes('judge'));
  const regName = (id) => { const r = regs.find((x) => x.id === id); return r ? `${r.name}${r.number ? `（${r.number}）` : ''}` : `#${id}`; };
  const msg = el('div', { class: 'msg', 'data-test': 'conflict-message' });
  const judge = select(judges.map((u) => [u.id, `${u.display_name || u.username}${u.affiliation ? `（${u.affiliation}）` : ''}`]), judges[0]?.id, { 'data-test': 'conflict-judge' });
  const who = select(regs.filter((r) => r.status !== 'refused' && r.status !== 'withdrawn').map((r) => [r.id, `${r.name} ${r.organisation || ''}`.trim()]), undefined, { 'data-test': 'conflict-contestant' });
  const note = el('input', { maxlength: '200', 'data-test': 'conflict-note', placeholder: cc('conflicts.notePlaceholder') });
  const add = el('button', { type: 'button', class: 'primary', 'data-test': 'conflict-add', onclick: async () => {
    if (!judge.value || !who.value) { show(msg, 'error', cc('conflicts.missing')); return; }
    try {
      await call('POST', paths.conflicts(view.id), { body: { judge_id: Number(judge.value), contestant_id: Number(who.value), note: note.value.trim() } });
      flash.set(cc('conflicts.saved'));
      rerender();
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'conflict-error' }); }
  } }, cc('conflicts.add'));
  section.append(
    list.length ? table([
      { head: cc('conflicts.judge'), cell: (c) => c.judge_name || personName(staff, c.judge_id) },
      { head: cc('conflicts.contestant'), cell: (c) => c.contestant_name || regName(c.contestant_id) },
      { head: cc('conflicts.note'), cell: (c) => c.note || '' },
      { head: '', cell: (c) => el('button', { type: 'button', class: 'small danger', 'data-test': `conflict-remove-${c.id}`, onclick: async () => {
        try { await call('DELETE', paths.conflict(view.id, c.id)); rerender(); } catch (e) { show(msg, 'error', errorText(e)); }
      } }, cc('conflicts.remove')) },
    ], list, { 'aria-label': cc('conflicts.title'), 'data-test': 'conflicts-table' }) : el('p', { class: 'muted', 'data-test': 'conflicts-none' }, cc('conflicts.none')),
    judges.length ? el('div', { class: 'grid' }, field(cc('conflicts.judge'), judge), field(cc('conflicts.contestant'), who), field(cc('conflicts.note'), note)) : el('p', { class: 'muted' }, cc('conflicts.noJudges')),
    judges.length ? el('div', { class: 'actions' }, add) : '', msg);
  return section;
}

/** #/competitions/{id}/registrations?event=&group=&status=&q= */
export async function render({ root, params, query, alive }) {
  const id = Number(params[0]);
  const [view, all] = await Promise.all([loadCompetition(id), call('GET', paths.registrations(id)).then((x) => rowsOf(x, 'registrations'))]);
  if (!alive()) return;
  const f = { event: query.get('event') || '', group: query.get('group') || '', status: query.get('status') || '', q: query.get('q') || '' };
  const msg = el('div', { class: 'msg', 'data-test': 'registrations-message', 'aria-live': 'polite' });
  const fl = flash.take();
  if (fl) show(msg, 'ok', fl, { 'data-test': 'registrations-flash' });
  const dialog = el('div', { 'data-test': 'review-dialog-slot' });
  const go = (patch) => {
    const next = { ...f, ...patch };
    const qs = new URLSearchParams(Object.entries(next).filter(([, v]) => v)).toString();
    location.hash = `#/competitions/${id}/registrations${qs ? `?${qs}` : ''}`;
  };
  const evName = (eid) => { const e = view.events.find((x) => x.id === eid); return e ? e.name : `#${eid}`; };
  const grName = (gid) => { const g = view.groups.find((x) => x.id === gid); return g ? g.name : `#${gid}`; };
  const needle = f.q.trim().toLowerCase();
  const inScope = all.filter((r) => (!f.event || r.event_id === Number(f.event)) && (!f.group || r.group_id === Number(f.group)));
  const rows = inScope.filter((r) => (!f.status || r.status === f.status)
    && (!needle || [r.name, r.organisation, r.number, r.id_number, r.phone, r.team_name].some((v) => String(v || '').toLowerCase().includes(needle))));
  const count = (s) => inScope.filter((r) => r.status === s).length;

  const eventSel = select([['', cc('filters.allEvents')], ...view.events.map((e) => [e.id, e.name])], f.event, { 'data-test': 'filter-event' });
  const groupSel = select([['', cc('filters.allGroups')], ...view.groups.map((g) => [g.id, g.name])], f.group, { 'data-test': 'filter-group' });
  const search = el('input', { type: 'search', value: f.q, 'data-test': 'filter-search', placeholder: cc('filters.searchPlaceholder') });
  eventSel.addEventListener('change', () => go({ event: eventSel.value }));
  groupSel.addEventListener('change', () => go({ group: groupSel.value }));
  search.addEventListener('change', () => go({ q: search.value.trim() }));
  const chips = el('div', { class: 'status-chips', role: 'group', 'aria-label': cc('filters.status'), 'data-test': 'status-chips' },
    el('button', { type: 'button', class: `chip-button${f.status ? '' : ' active'}`, 'aria-pressed': String(!f.status), 'data-test': 'chip-all', onclick: () => go({ status: '' }) }, cc('filters.all', { n: inScope.length })),
    ...STATUSES.map((s) => el('button', { type: 'button', class: `chip-button reg-${s}${f.status === s ? ' active' : ''}`, 'aria-pressed': String(f.status === s), 'data-test': `chip-${s}`, onclick: () => go({ status: s }) }, `${word('status', s)} ${count(s)}`)));

  const chosen = new Set();
  const bulk = el('button', { type: 'button', class: 'primary', disabled: true, 'data-test': 'bulk-accept' }, cc('review.bulkAccept', { n: 0 }));
  const syncBulk = () => { bulk.disabled = chosen.size === 0; bulk.textContent = cc('review.bulkAccept', { n: chosen.size }); };
  const canReview = session.has('author');

  async function review(r, decision, reason) {
    await call('POST', paths.review(id, r.id), { body: decision === 'accept' ? { decision } : { decision, reason } });
  }
  bulk.addEventListener('click', async () => {
    bulk.disabled = true;
    let ok = 0;
    try {
      for (const rid of chosen) {
        // One review per registration: each is its own transaction and audit entry.
        // eslint-disable-next-line no-await-in-loop
        await review(all.find((x) => x.id === rid), 'accept');
        ok += 1;
      }
      flash.set(cc('review.bulkDone', { n: ok }));
      rerender();
    } catch (e) {
      show(msg, 'error', `${cc('review.bulkPartly', { n: ok })} ${errorText(e)}`, { 'data-test': 'review-error' });
      syncBulk();
    }
  });

  const actions = (r) => {
    if (!canReview || r.status !== 'pending') return r.reason ? el('span', { class: 'muted', 'data-test': 'reg-reason' }, r.reason) : '';
    const box = checkbox(cc('review.select'), false, { 'data-test': `select-${r.id}` });
    box.input.addEventListener('change', () => { if (box.input.checked) chosen.add(r.id); else chosen.delete(r.id); syncBulk(); });
    return el('div', { class: 'row-actions' },
      box.wrap,
      el('button', { type: 'button', class: 'primary small', 'data-test': `accept-${r.id}`, onclick: async (ev) => {
        ev.target.disabled = true;
        try { await review(r, 'accept'); flash.set(cc('review.accepted', { name: r.name })); rerender(); } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'review-error' }); ev.target.disabled = false; }
      } }, cc('review.accept')),
      el('button', { type: 'button', class: 'danger small', 'data-test': `refuse-${r.id}`, onclick: async () => {
        const reason = await refuseDialog(dialog, r);
        if (reason === null) return;
        try { await review(r, 'refuse', reason); flash.set(cc('review.refused', { name: r.name })); rerender(); } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'review-error' }); }
      } }, cc('review.refuse')));
  };

  const listTable = rows.length ? table([
    { head: cc('reg.status'), cell: (r) => statusChip(r.status) },
    { head: cc('reg.number'), cell: (r) => (r.number ? el('code', { 'data-test': 'reg-number' }, r.number) : '—'), cls: 'nowrap' },
    { head: cc('reg.name'), cell: (r) => el('span', {}, el('strong', {}, r.name), r.team_name ? el('div', { class: 'muted' }, cc('reg.teamLine', { name: r.team_name })) : '') },
    { head: cc('reg.id_number'), cell: (r) => el('code', {}, r.id_number || ''), cls: 'nowrap' },
    { head: cc('reg.eventGroup'), cell: (r) => `${r.event_name || evName(r.event_id)} · ${r.group_name || grName(r.group_id)}` },
    { head: cc('reg.organisation'), cell: (r) => [r.organisation || '—', r.org_kind ? el('span', { class: 'muted' }, ` · ${word('orgKind', r.org_kind)}`) : ''] },
    { head: cc('reg.leader'), cell: (r) => r.leader || '—' },
    { head: cc('reg.registeredAt'), cell: (r) => fmtDate(r.registered_at), cls: 'nowrap' },
    { head: cc('reg.review'), cell: actions },
  ], rows, { 'aria-label': cc('reg.listTitle'), 'data-test': 'registrations-table' }, (r) => ({ 'data-registration': r.id, 'data-status': r.status, 'data-name': r.name }))
    : el('p', { class: 'muted', 'data-test': 'registrations-none' }, all.length ? cc('reg.noneMatch') : cc('reg.none'));

  root.append(compHeading(view, cc('tabs.registrations')), subnav(view, 'registrations'), msg,
    el('div', { class: 'toolbar filters' }, field(cc('filters.event'), eventSel, { cls: 'inline' }), field(cc('filters.group'), groupSel, { cls: 'inline' }), field(cc('filters.search'), search, { cls: 'inline' })),
    chips, dialog,
    canReview && rows.some((r) => r.status === 'pending') ? el('div', { class: 'actions' }, bulk) : '',
    listTable,
    canReview && view.events.length && view.groups.length ? el('details', { class: 'new-bank', 'data-test': 'reg-new' }, el('summary', { 'data-test': 'reg-new-open' }, cc('reg.newTitle')), registerForm(view, rerender)) : '',
    canReview ? importCard(view) : '',
    canReview ? await conflictsCard(view, all) : '');
}
