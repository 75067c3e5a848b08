// Registrations (报名与审核): the list with filters (event, group, status, a search) and status
// chips with counts; a single registration, or a team's members together (exactly the team size);
// an employer's or school's XLSX (template download; a refused file shows its per-row errors);
// review: accept (a 参赛证号 is given) or refuse with a reason in a dialog, and accepting every
// selected pending registration at once. Below, the declared conflicts of judges (回避声明).
import { el, tc, call, errorText, field, select, table, show, checkbox, filePicker, session } from './core.js';
import { serverText } from '../i18n.js';
import {
  cc, word, paths, loadCompetition, subnav, compHeading, staffList, personName, rerender, flash, rowsOf,
  statusChip, STATUSES, saveFile, fmtDate, confirmBox,
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
    const team = ev && ev.kind === 'team';
    const body = team
      ? { event_id: ev.id, group_id: Number(groupSel.value), name: teamName.value.trim(), leader: leader.value.trim(), org_kind: orgKind.value,
        members: members.map((m) => ({ name: m.name.trim(), id_number: m.id_number.trim().toUpperCase(), phone: m.phone.trim(), organisation: m.organisation.trim(), trainer: m.trainer.trim() })) }
      : { event_id: Number(eventSel.value), group_id: Number(groupSel.value), ...person(members[0]) };
    if (team && !teamName.value.trim()) { show(msg, 'error', cc('reg.teamMissing')); teamName.focus(); return; }
    save.disabled = true;
    try {
      await call('POST', team ? paths.teams(view.id) : paths.registrations(view.id), { body });
      flash.set(cc('reg.saved', { n: members.length }));
      onSaved();
    } catch (err) { show(msg, 'error', errorText(err), { 'data-test': 'reg-error' }); save.disabled = false; }
  });
  return f;
}

/** The per-row errors of a refused file (the server lists the first ones; `count` is all). */
function rowErrors(rows, count) {
  return el('div', {},
    count && count > rows.length ? el('p', { class: 'muted' }, cc('import.firstOf', { n: rows.length, count })) : '',
    table([
      { head: cc('import.row'), cell: (r) => cc('import.rowN', { n: r.row }), cls: 'nowrap' },
      { head: cc('import.column'), cell: (r) => r.column || '' },
      { head: cc('import.reason'), cell: (r) => serverText(r.message_zh, r.message) || r.code },
      { head: cc('import.code'), cell: (r) => (r.code ? el('code', {}, r.code) : '') },
    ], rows, { 'aria-label': cc('import.errors'), 'data-test': 'import-errors' }, (r) => ({ 'data-row': r.row ?? '' })));
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
      const rep = await call('POST', paths.importFile(view.id), { raw: file, timeoutMs: 120000, query: { filename: file.name } });
      show(msg, 'ok', cc('import.done', { n: rep.imported, total: rep.total, teams: rep.teams }), { 'data-test': 'import-done' });
    } catch (e) {
      show(msg, 'error', errorText(e), { 'data-test': 'import-error' });
      const rows = rowsOf(e.details && e.details.errors, 'errors');
      if (rows.length) out.replaceChildren(rowErrors(rows, e.details.error_count));
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
async function conflictsCard(view) {
  const section = el('section', { class: 'card', 'data-test': 'conflicts', 'aria-labelledby': 'cf-h' }, el('h2', { id: 'cf-h' }, cc('conflicts.title')), el('p', { class: 'muted' }, cc('conflicts.intro')));
  let list = [];
  let staff = [];
  let regs = [];
  try {
    [list, staff, regs] = await Promise.all([call('GET', paths.conflicts(view.id)).then((x) => rowsOf(x, 'conflicts')), staffList(),
      call('GET', paths.registrations(view.id), { query: { per_page: 500 } }).then((x) => rowsOf(x, 'items'))]);
  } catch (e) {
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
      { head: cc('conflicts.judge'), cell: (c) => (staff.find((u) => u.id === c.judge_id) || {}).display_name || c.judge || personName(staff, c.judge_id) },
      { head: cc('conflicts.contestant'), cell: (c) => c.contestant || regName(c.contestant_id) },
      { head: cc('conflicts.note'), cell: (c) => c.note || '' },
      { head: '', cell: (c) => el('button', { type: 'button', class: 'small danger', 'data-test': `conflict-remove-${c.id}`, onclick: async () => {
        try { await call('DELETE', paths.conflict(view.id, c.id)); rerender(); } catch (e) { show(msg, 'error', errorText(e)); }
      } }, cc('conflicts.remove')) },
    ], list, { 'aria-label': cc('conflicts.title'), 'data-test': 'conflicts-table' }) : el('p', { class: 'muted', 'data-test': 'conflicts-none' }, cc('conflicts.none')),
    judges.length ? el('div', { class: 'grid' }, field(cc('conflicts.judge'), judge), field(cc('conflicts.contestant'), who), field(cc('conflicts.note'), note)) : el('p', { class: 'muted' }, cc('conflicts.noJudges')),
    judges.length ? el('div', { class: 'actions' }, add) : '', msg);
  return section;
}

const PER_PAGE = 100;

/** #/competitions/{id}/registrations?event=&group=&status=&q=&page= */
export async function render({ root, params, query, alive }) {
  const id = Number(params[0]);
  const f = { event: query.get('event') || '', group: query.get('group') || '', status: query.get('status') || '', q: query.get('q') || '', page: query.get('page') || '' };
  const scope = { event_id: f.event || undefined, group_id: f.group || undefined, q: f.q || undefined };
  const list = (extra) => call('GET', paths.registrations(id), { query: { ...scope, ...extra } });
  // The list the filters ask for, and each status's count (the chips) in the same scope.
  const [view, pageOf, ...totals] = await Promise.all([
    loadCompetition(id),
    list({ status: f.status || undefined, page: f.page || 1, per_page: PER_PAGE }),
    list({ per_page: 1 }),
    ...STATUSES.map((st) => list({ status: st, per_page: 1 })),
  ]);
  if (!alive()) return;
  const rows = rowsOf(pageOf, 'items');
  const allCount = totals[0].total ?? 0;
  const count = (st) => totals[1 + STATUSES.indexOf(st)].total ?? 0;
  const msg = el('div', { class: 'msg', 'data-test': 'registrations-message', 'aria-live': 'polite' });
  const fl = flash.take();
  if (fl) show(msg, 'ok', fl, { 'data-test': 'registrations-flash' });
  const dialog = el('div', { 'data-test': 'review-dialog-slot' });
  const confirmSlot = el('div', {});
  const go = (patch) => {
    const next = { ...f, page: '', ...patch };
    const qs = new URLSearchParams(Object.entries(next).filter(([, v]) => v)).toString();
    location.hash = `#/competitions/${id}/registrations${qs ? `?${qs}` : ''}`;
  };
  const evName = (eid) => { const e = view.events.find((x) => x.id === eid); return e ? e.name : `#${eid}`; };
  const grName = (gid) => { const g = view.groups.find((x) => x.id === gid); return g ? g.name : `#${gid}`; };

  const eventSel = select([['', cc('filters.allEvents')], ...view.events.map((e) => [e.id, e.name])], f.event, { 'data-test': 'filter-event' });
  const groupSel = select([['', cc('filters.allGroups')], ...view.groups.map((g) => [g.id, g.name])], f.group, { 'data-test': 'filter-group' });
  const search = el('input', { type: 'search', value: f.q, 'data-test': 'filter-search', placeholder: cc('filters.searchPlaceholder') });
  eventSel.addEventListener('change', () => go({ event: eventSel.value }));
  groupSel.addEventListener('change', () => go({ group: groupSel.value }));
  search.addEventListener('change', () => go({ q: search.value.trim() }));
  const chips = el('div', { class: 'status-chips', role: 'group', 'aria-label': cc('filters.status'), 'data-test': 'status-chips' },
    el('button', { type: 'button', class: `chip-button${f.status ? '' : ' active'}`, 'aria-pressed': String(!f.status), 'data-test': 'chip-all', onclick: () => go({ status: '' }) }, cc('filters.all', { n: allCount })),
    ...STATUSES.map((st) => el('button', { type: 'button', class: `chip-button reg-${st}${f.status === st ? ' active' : ''}`, 'aria-pressed': String(f.status === st), 'data-test': `chip-${st}`, 'data-count': count(st), onclick: () => go({ status: st }) }, `${word('status', st)} ${count(st)}`)));

  const chosen = new Set();
  const bulk = el('button', { type: 'button', class: 'primary', disabled: true, 'data-test': 'bulk-accept' }, cc('review.bulkAccept', { n: 0 }));
  const syncBulk = () => { bulk.disabled = chosen.size === 0; bulk.textContent = cc('review.bulkAccept', { n: chosen.size }); };
  const canReview = session.has('author');
  const review = (r, decision, reason) => call('POST', paths.review(r.id), { body: decision === 'accept' ? { decision } : { decision, reason } });
  bulk.addEventListener('click', async () => {
    bulk.disabled = true;
    let ok = 0;
    try {
      for (const rid of chosen) {
        // One review each: its own transaction and audit entry (a team is accepted whole).
        // eslint-disable-next-line no-await-in-loop
        await review({ id: rid }, 'accept');
        ok += 1;
      }
      flash.set(cc('review.bulkDone', { n: ok }));
      rerender();
    } catch (e) {
      show(msg, 'error', `${cc('review.bulkPartly', { n: ok })} ${errorText(e)}`, { 'data-test': 'review-error' });
      syncBulk();
    }
  });
  const acceptAll = el('button', { type: 'button', 'data-test': 'accept-all' }, cc('review.acceptAll', { n: count('pending') }));
  acceptAll.addEventListener('click', async () => {
    const where = [f.event ? evName(Number(f.event)) : cc('filters.allEvents'), f.group ? grName(Number(f.group)) : cc('filters.allGroups')].join(' · ');
    if (!(await confirmBox(confirmSlot, cc('review.acceptAllQuestion', { where }), { yes: cc('review.acceptAllYes'), test: 'accept-all-box' }))) return;
    acceptAll.disabled = true;
    try {
      const rep = await call('POST', paths.acceptAll(id), { body: { event_id: f.event ? Number(f.event) : null, group_id: f.group ? Number(f.group) : null } });
      flash.set(cc('review.acceptAllDone', { n: rep.accepted, left: rowsOf(rep.ineligible).length }));
      rerender();
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'review-error' }); acceptAll.disabled = false; }
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

  const total = pageOf.total ?? rows.length;
  const page = pageOf.page ?? 1;
  const pages = Math.max(1, Math.ceil(total / (pageOf.per_page || PER_PAGE)));
  const pager = pages > 1 ? el('div', { class: 'pager', 'data-test': 'registrations-pager' },
    el('button', { type: 'button', disabled: page <= 1, onclick: () => go({ page: String(page - 1) }) }, cc('filters.prev')),
    el('span', {}, cc('filters.pageOf', { page, pages, total })),
    el('button', { type: 'button', disabled: page >= pages, onclick: () => go({ page: String(page + 1) }) }, cc('filters.next'))) : '';

  const listTable = rows.length ? table([
    { head: cc('reg.status'), cell: (r) => statusChip(r.status) },
    { head: cc('reg.number'), cell: (r) => (r.number ? el('code', { 'data-test': 'reg-number' }, r.number) : '—'), cls: 'nowrap' },
    { head: cc('reg.name'), cell: (r) => el('span', {}, el('strong', {}, r.name), r.team ? el('div', { class: 'muted' }, cc('reg.teamLine', { name: r.team })) : '') },
    { head: cc('reg.id_number'), cell: (r) => el('code', {}, r.id_number || ''), cls: 'nowrap' },
    { head: cc('reg.eventGroup'), cell: (r) => `${evName(r.event_id)} · ${grName(r.group_id)}` },
    { head: cc('reg.organisation'), cell: (r) => [r.organisation || '—', r.org_kind ? el('span', { class: 'muted' }, ` · ${word('orgKind', r.org_kind)}`) : ''] },
    { head: cc('reg.leader'), cell: (r) => r.leader || '—' },
    { head: cc('reg.registeredAt'), cell: (r) => fmtDate(r.registered_at), cls: 'nowrap' },
    { head: cc('reg.review'), cell: actions },
  ], rows, { 'aria-label': cc('reg.listTitle'), 'data-test': 'registrations-table' }, (r) => ({ 'data-registration': r.id, 'data-status': r.status, 'data-name': r.name }))
    : el('p', { class: 'muted', 'data-test': 'registrations-none' }, allCount ? cc('reg.noneMatch') : cc('reg.none'));

  root.append(compHeading(view, cc('tabs.registrations')), subnav(view, 'registrations'), msg,
    el('div', { class: 'toolbar filters' }, field(cc('filters.event'), eventSel, { cls: 'inline' }), field(cc('filters.group'), groupSel, { cls: 'inline' }), field(cc('filters.search'), search, { cls: 'inline' })),
    chips, dialog,
    canReview && count('pending') ? el('div', { class: 'actions' }, rows.some((r) => r.status === 'pending') ? bulk : '', acceptAll) : '',
    confirmSlot, listTable, pager,
    canReview && view.events.length && view.groups.length ? el('details', { class: 'new-bank', 'data-test': 'reg-new' }, el('summary', { 'data-test': 'reg-new-open' }, cc('reg.newTitle')), registerForm(view, rerender)) : '',
    canReview ? importCard(view) : '',
    canReview ? await conflictsCard(view) : '');
}
