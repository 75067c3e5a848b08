// Check-in for the practical part (检录): type or scan a ticket, check the person against the
// name, employer and masked ID number, confirm; the work code is then shown big with the
// candidate's places (task, slot and its start in Beijing time, station) to read out. Below,
// who is checked in, with codes, and the counts.
import { el, tc, call, errorText, heading, field, select, table, show, session } from './core.js';
import { loadPart, fmtBeijing } from './practical.js';

/** #/checkin: choose the session. */
export async function pick({ root, alive }) {
  let sessions = [];
  try { sessions = await call('GET', '/api/sessions'); } catch (_) { /* typed number instead */ }
  if (!alive()) return;
  const msg = el('div', { class: 'msg' });
  const control = sessions.length
    ? select(sessions.map((s) => [s.id, `#${s.id} ${s.name} ${s.number} ${s.venue}`.trim()]), sessions[sessions.length - 1].id, { 'data-test': 'checkin-session' })
    : el('input', { type: 'number', min: '1', step: '1', inputmode: 'numeric', required: true, 'data-test': 'checkin-session' });
  const form = el('form', { class: 'card', novalidate: true },
    field(tc('checkin.session'), control), msg,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', 'data-test': 'checkin-open' }, tc('checkin.openSession'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const n = Number(control.value);
    if (!Number.isInteger(n) || n < 1) { show(msg, 'error', tc('checkin.needSession')); control.focus(); return; }
    location.hash = `#/sessions/${n}/checkin`;
  });
  root.append(heading(tc('checkin.title')), el('p', { class: 'muted' }, tc('checkin.intro')), form);
}

const normTicket = (t) => String(t || '').trim().toUpperCase();

/** The places of a check-in or schedule row, as a table to read out. */
function placesView(places, test) {
  return table([
    { head: tc('checkin.task'), cell: (p) => p.task_title },
    { head: tc('checkin.slot'), cell: (p) => tc('checkin.slotValue', { n: p.slot }), cls: 'nowrap' },
    { head: tc('checkin.startsAt'), cell: (p) => fmtBeijing(p.starts_at), cls: 'nowrap' },
    { head: tc('checkin.station'), cell: (p) => tc('checkin.stationValue', { n: p.station }), cls: 'nowrap' },
  ], [...(places || [])].sort((a, b) => a.slot - b.slot || a.station - b.station), { 'aria-label': tc('checkin.places'), 'data-test': test });
}

/** #/sessions/{id}/checkin */
export async function render({ root, params, alive }) {
  const id = Number(params[0]);
  const [s, part] = await Promise.all([call('GET', `/api/sessions/${id}`), loadPart(id)]);
  if (!alive()) return;
  const title = `${s.name} ${s.number}`.trim();
  root.append(heading(tc('checkin.titleSession', { name: title })));
  if (!part) {
    root.append(el('p', { class: 'notice notice-warn', 'data-test': 'checkin-no-part' }, tc('checkin.noPart')),
      el('a', { class: 'button', href: `#/sessions/${id}` }, tc('sessions.backToSession')));
    return;
  }
  let candidates = [];
  // False when the roster could not be read: the ticket then goes to the server unchecked.
  let rosterRead = false;
  let schedule = { rows: [] };
  const counts = el('p', { class: 'checkin-counts', 'data-test': 'checkin-counts', 'aria-live': 'polite' });
  const listSlot = el('div', { 'data-test': 'checkin-list' });
  const msg = el('div', { class: 'msg', 'data-test': 'checkin-message', 'aria-live': 'assertive' });
  const card = el('div', { class: 'checkin-card', 'data-test': 'checkin-card' });
  const ticket = el('input', { class: 'ticket-input', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', enterkeyhint: 'go', 'data-test': 'checkin-ticket' });
  const find = el('button', { type: 'submit', class: 'primary', 'data-test': 'checkin-find' }, tc('checkin.find'));

  async function load() {
    const [c, sch] = await Promise.all([
      call('GET', `/api/sessions/${id}/candidates`).then((list) => { rosterRead = true; return list; }).catch(() => { rosterRead = false; return []; }),
      call('GET', `/api/sessions/${id}/practical/schedule`).catch((e) => { show(msg, 'error', errorText(e)); return { rows: [] }; }),
    ]);
    candidates = c;
    schedule = sch || { rows: [] };
    paintList();
  }

  function paintList() {
    const rows = schedule.rows || [];
    const inRows = rows.filter((r) => r.checked_in_at).sort((a, b) => Date.parse(b.checked_in_at) - Date.parse(a.checked_in_at));
    const total = rows.length || candidates.length;
    counts.replaceChildren(
      el('span', { class: 'chip' }, tc('checkin.countIn', { n: inRows.length })),
      el('span', { class: 'chip' }, tc('checkin.countOut', { n: Math.max(0, total - inRows.length) })),
      el('span', { class: 'chip' }, tc('checkin.countTotal', { n: total })));
    listSlot.replaceChildren(inRows.length ? table([
      { head: tc('checkin.code'), cell: (r) => el('strong', { class: 'mono' }, r.code || '—'), cls: 'nowrap' },
      { head: tc('sessions.ticket'), cell: (r) => el('code', {}, r.ticket), cls: 'nowrap' },
      { head: tc('sessions.candidateName'), cell: (r) => r.name },
      { head: tc('checkin.checkedInAt'), cell: (r) => fmtBeijing(r.checked_in_at), cls: 'nowrap' },
      { head: tc('checkin.places'), cell: (r) => (r.places || []).map((p) => tc('checkin.placeShort', { task: p.task_title, slot: p.slot, station: p.station })).join('；') },
    ], inRows, { 'aria-label': tc('checkin.checkedInList'), 'data-test': 'checkin-table' }, (r) => ({ 'data-ticket': r.ticket })) : el('p', { class: 'muted' }, tc('checkin.noneYet')));
  }

  function reset() {
    ticket.value = '';
    ticket.focus();
  }

  function showDone(ci, again) {
    card.replaceChildren(el('article', { class: 'card checkin-done', 'data-test': 'checkin-done', 'data-ticket': ci.ticket },
      el('p', { class: 'checkin-who' }, el('strong', {}, ci.name), ' ', el('code', {}, ci.ticket), ci.employer ? ` · ${ci.employer}` : ''),
      again ? el('p', { class: 'notice notice-info', 'data-test': 'checkin-again' }, tc('checkin.already', { at: fmtBeijing(ci.checked_in_at) })) : '',
      el('p', { class: 'code-label' }, tc('checkin.codeLabel')),
      el('p', { class: 'work-code', 'data-test': 'checkin-code' }, ci.code || '—'),
      (ci.places || []).length ? placesView(ci.places, 'checkin-places') : el('p', { class: 'muted', 'data-test': 'checkin-no-places' }, tc('checkin.noPlaces')),
      el('div', { class: 'actions' }, el('button', { type: 'button', class: 'primary', 'data-test': 'checkin-next', onclick: () => { card.replaceChildren(); reset(); } }, tc('checkin.next')))));
  }

  function identity(c, row) {
    const confirm = el('button', { type: 'button', class: 'primary big', 'data-test': 'checkin-confirm' }, row && row.checked_in_at ? tc('checkin.showAgain') : tc('checkin.confirm'));
    const cancel = el('button', { type: 'button', 'data-test': 'checkin-cancel', onclick: () => { card.replaceChildren(); reset(); } }, tc('edit.cancel'));
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      try {
        const again = !!(row && row.checked_in_at);
        const ci = await call('POST', `/api/sessions/${id}/practical/check-in`, { body: { ticket: c.ticket } });
        showDone(ci, again);
        show(msg, 'ok', tc('checkin.doneMsg', { name: ci.name, code: ci.code }));
        await load();
        card.querySelector('[data-test=checkin-next]')?.focus();
      } catch (e) {
        show(msg, 'error', errorText(e), { 'data-test': 'checkin-error' });
        confirm.disabled = false;
      }
    });
    card.replaceChildren(el('article', { class: 'card checkin-identity', 'data-test': 'checkin-identity', 'data-ticket': c.ticket },
      el('h2', {}, tc('checkin.checkIdentity')),
      el('dl', { class: 'facts checkin-facts' },
        el('dt', {}, tc('sessions.candidateName')), el('dd', { class: 'big', 'data-test': 'checkin-name' }, c.name),
        el('dt', {}, tc('sessions.ticket')), el('dd', { class: 'mono' }, c.ticket),
        el('dt', {}, tc('sessions.employer')), el('dd', { 'data-test': 'checkin-employer' }, c.employer || '—'),
        el('dt', {}, tc('sessions.idNumber')), el('dd', { class: 'mono', 'data-test': 'checkin-id' }, c.id_number)),
      row && row.checked_in_at ? el('p', { class: 'notice notice-info' }, tc('checkin.already', { at: fmtBeijing(row.checked_in_at) })) : '',
      el('div', { class: 'actions' }, confirm, cancel)));
    confirm.focus();
  }

  const form = el('form', { class: 'card checkin-form', 'data-test': 'checkin-form', novalidate: true },
    field(tc('checkin.ticket'), ticket, { hint: tc('checkin.ticketHint') }),
    el('div', { class: 'actions' }, find));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const want = normTicket(ticket.value);
    if (!want) { show(msg, 'error', tc('checkin.needTicket')); ticket.focus(); return; }
    show(msg, '', '');
    let c = candidates.find((x) => normTicket(x.ticket) === want);
    if (!c) { await load(); c = candidates.find((x) => normTicket(x.ticket) === want); }
    if (!c && !rosterRead) {
      // The identity is shown from the server's answer instead.
      identity({ ticket: want, name: '—', employer: '', id_number: '—' }, null);
      return;
    }
    if (!c) {
      card.replaceChildren();
      show(msg, 'error', tc('checkin.unknown', { ticket: want }), { 'data-test': 'checkin-error' });
      ticket.select();
      return;
    }
    identity(c, (schedule.rows || []).find((r) => normTicket(r.ticket) === want));
  });

  root.append(
    el('p', { class: 'muted' }, tc('checkin.modeLine', { mode: tc(`practical.drawModes.${part.draw_mode}`), stations: part.stations })),
    el('div', { class: 'actions' },
      session.has('author') ? el('a', { class: 'button', href: `#/sessions/${id}`, 'data-test': 'checkin-back' }, tc('sessions.backToSession')) : '',
      session.has('author') ? el('a', { class: 'button', href: `#/sessions/${id}/practical` }, tc('practical.progressOpen')) : ''),
    counts, form, msg, card,
    el('section', { 'aria-labelledby': 'ci-list-h' }, el('h2', { id: 'ci-list-h' }, tc('checkin.checkedInList')), listSlot));
  await load();
  if (alive()) ticket.focus();
}
