// Sessions (期/场次): the list, a new session with rooms and proctors, and one session: roster
// import (dry run first), one candidate by hand, the candidate list and a printable ticket list.
import {
  el, tc, hasText, call, errorText, heading, field, select, table, show, fmtDate, reportView, filePicker, session, ApiError,
} from './core.js';
import { sessionEditor, proctorsView, judgesView, candidateActions } from './sessionedit.js';
import { setupSection } from './practical.js';

/** Exam names by id; only authors may read exams, others see ids. */
async function examNames() {
  if (!session.has('author')) return new Map();
  try {
    const exams = await call('GET', '/api/exams');
    return new Map(exams.map((e) => [e.id, e.definition.name]));
  } catch (_) { return new Map(); }
}

const window_ = (s) => `${fmtDate(s.starts_at)} – ${fmtDate(s.ends_at)}`;

function sessionState(s) {
  const now = Date.now();
  if (now < Date.parse(s.starts_at)) return 'upcoming';
  if (now > Date.parse(s.ends_at)) return 'closed';
  return 'open';
}

/** #/sessions */
export async function list({ root, alive }) {
  const [sessions, names] = await Promise.all([call('GET', '/api/sessions'), examNames()]);
  if (!alive()) return;
  const author = session.has('author');
  root.append(
    heading(tc('sessions.title')),
    author ? el('div', { class: 'actions' }, el('a', { class: 'button primary', href: '#/sessions/new', 'data-test': 'session-new' }, tc('sessions.new'))) : '',
    sessions.length ? table([
      { head: tc('sessions.name'), cell: (s) => el('a', { href: `#/sessions/${s.id}`, 'data-test': 'session-link' }, `${s.name} ${s.number}`.trim()) },
      { head: tc('sessions.venue'), cell: (s) => s.venue },
      { head: tc('sessions.exam'), cell: (s) => names.get(s.exam_id) || `#${s.exam_id}` },
      { head: tc('sessions.window'), cell: (s) => [window_(s), ' ', el('span', { class: `badge state-${sessionState(s)}` }, tc(`sessions.state.${sessionState(s)}`))] },
      { head: tc('sessions.rooms'), cell: (s) => s.rooms.map((r) => r.name).join('、') },
      { head: tc('sessions.actions'), cell: (s) => el('div', { class: 'row-actions' },
        el('a', { class: 'button', href: `#/sessions/${s.id}/room`, 'data-test': `session-room-${s.id}` }, tc('room.open')),
        el('a', { class: 'button', href: `#/sessions/${s.id}/results`, 'data-test': `session-results-${s.id}` }, tc('sessions.results')),
        session.has('author', 'judge') ? el('a', { class: 'button', href: `#/sessions/${s.id}/marking`, 'data-test': `session-marking-${s.id}` }, tc('sessions.marking')) : '') },
    ], sessions, { 'aria-label': tc('sessions.title'), 'data-test': 'sessions-table' }) : el('p', { class: 'muted' }, tc('sessions.none')));
}

/** A datetime-local value for a Date, in the viewer's zone. */
function localValue(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** #/sessions/new */
export async function create({ root, alive }) {
  const exams = await call('GET', '/api/exams');
  if (!alive()) return;
  const start = new Date(Date.now() + 3600e3);
  start.setMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 2 * 3600e3);
  const exam = select(exams.map((e) => [e.id, `#${e.id} ${e.definition.name}`]), exams[0] && exams[0].id, { 'data-test': 'session-exam', required: true });
  const name = el('input', { 'data-test': 'session-name', required: true, maxlength: '200' });
  const number = el('input', { 'data-test': 'session-number', placeholder: tc('sessions.numberExample') });
  const venue = el('input', { 'data-test': 'session-venue', placeholder: tc('sessions.venueExample') });
  const startsAt = el('input', { type: 'datetime-local', value: localValue(start), required: true, 'data-test': 'session-starts' });
  const endsAt = el('input', { type: 'datetime-local', value: localValue(end), required: true, 'data-test': 'session-ends' });
  const msg = el('div', { class: 'msg', 'data-test': 'session-message' });
  const rooms = [{ name: tc('sessions.firstRoom'), seats: 30, proctors: [] }];
  const roomsSlot = el('div', { class: 'rooms' });
  // Proctors are picked by name from the active staff who may proctor.
  let staff = [];
  try {
    staff = (await call('GET', '/api/staff')).filter((u) => u.roles.includes('proctor') || u.roles.includes('admin'));
  } catch (_) { /* the rooms can get proctors later, on the session's page */ }
  if (!alive()) return;
  function paintRooms() {
    roomsSlot.replaceChildren(...rooms.map((r, i) => {
      const n = el('input', { value: r.name, required: true, 'data-test': 'room-name' });
      n.addEventListener('input', () => { r.name = n.value; });
      const seats = el('input', { type: 'number', min: '1', max: '2000', step: '1', inputmode: 'numeric', value: r.seats, 'data-test': 'room-seats' });
      seats.addEventListener('input', () => { r.seats = seats.value; });
      const proctors = el('select', { multiple: true, size: String(Math.min(5, Math.max(2, staff.length))), 'data-test': 'room-proctors' },
        ...staff.map((u) => el('option', { value: u.id, selected: r.proctors.includes(u.id) }, u.display_name && u.display_name !== u.username ? `${u.display_name}（${u.username}）` : u.username)));
      proctors.addEventListener('change', () => { r.proctors = [...proctors.selectedOptions].map((o) => Number(o.value)); });
      const remove = el('button', { type: 'button', class: 'danger', disabled: rooms.length <= 1, onclick: () => { rooms.splice(i, 1); paintRooms(); } }, tc('sessions.removeRoom'));
      return el('fieldset', { class: 'room card', 'data-test': 'room' }, el('legend', {}, tc('sessions.room', { n: i + 1 })),
        el('div', { class: 'grid' }, field(tc('sessions.roomName'), n), field(tc('sessions.seats'), seats), field(tc('edit.roomProctors'), proctors, { hint: staff.length ? tc('edit.roomProctorsHint') : tc('edit.noProctorAccounts') })),
        el('div', { class: 'actions' }, remove));
    }));
  }
  const addRoom = el('button', { type: 'button', 'data-test': 'room-add', onclick: () => {
    rooms.push({ name: tc('sessions.nthRoom', { n: rooms.length + 1 }), seats: 30, proctors: [] });
    paintRooms();
    const names = roomsSlot.querySelectorAll('[data-test="room-name"]');
    names[names.length - 1].focus();
  } }, tc('sessions.addRoom'));
  const submit = el('button', { type: 'submit', class: 'primary', 'data-test': 'session-create' }, tc('sessions.create'));
  const form = el('form', { class: 'card', 'data-test': 'session-form', novalidate: true },
    el('div', { class: 'grid' },
      field(tc('sessions.exam'), exam), field(tc('sessions.name'), name),
      field(tc('sessions.number'), number), field(tc('sessions.venue'), venue),
      field(tc('sessions.startsAt'), startsAt), field(tc('sessions.endsAt'), endsAt)),
    el('h2', {}, tc('sessions.rooms')), roomsSlot, el('div', { class: 'actions' }, addRoom),
    msg, el('div', { class: 'actions' }, submit, el('a', { class: 'button', href: '#/sessions' }, tc('sessions.back'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!name.value.trim()) { show(msg, 'error', tc('sessions.needName')); name.focus(); return; }
    if (!startsAt.value || !endsAt.value) { show(msg, 'error', tc('sessions.needWindow')); startsAt.focus(); return; }
    const body = {
      exam_id: Number(exam.value), name: name.value.trim(), number: number.value.trim(), venue: venue.value.trim(),
      starts_at: new Date(startsAt.value).toISOString(), ends_at: new Date(endsAt.value).toISOString(),
      rooms: rooms.map((r) => ({ name: r.name.trim(), seats: Number(r.seats), proctors: r.proctors })),
    };
    submit.disabled = true;
    try {
      const s = await call('POST', '/api/sessions', { body });
      location.hash = `#/sessions/${s.id}`;
    } catch (e) {
      show(msg, 'error', errorText(e), { 'data-test': 'session-error' });
    } finally { submit.disabled = false; }
  });
  root.append(heading(tc('sessions.newTitle')), form);
  paintRooms();
}

const rosterTotals = (r) => [['total', r.total], ['imported', r.imported], ['skipped', r.skipped]];
const seatColumns = () => [
  { head: tc('sessions.ticket'), cell: (r) => r.ticket || '', cls: 'nowrap' },
  { head: tc('sessions.roomName'), cell: (r) => r.room || '' },
  { head: tc('sessions.seat'), cell: (r) => (r.seat ?? ''), cls: 'num' },
];

/** #/sessions/{id} */
export async function detail({ root, params, alive }) {
  const id = Number(params[0]);
  const [s, names] = await Promise.all([call('GET', `/api/sessions/${id}`), examNames()]);
  if (!alive()) return;
  const author = session.has('author');
  const candidatesSlot = el('div', { 'aria-live': 'polite' });
  const candidateEdit = el('div', { class: 'cand-edit-slot', 'data-test': 'cand-edit-slot' });
  const flash = sessionStorage.getItem('console.flash');
  sessionStorage.removeItem('console.flash');

  async function loadCandidates() {
    try {
      const list = await call('GET', `/api/sessions/${id}/candidates`);
      candidatesSlot.replaceChildren(
        el('p', { 'data-test': 'candidates-count' }, tc('sessions.candidateCount', { n: list.length })),
        list.length ? table([
          { head: tc('sessions.ticket'), cell: (c) => el('code', {}, c.ticket) },
          { head: tc('sessions.candidateName'), cell: (c) => c.name },
          { head: tc('sessions.idNumber'), cell: (c) => el('code', {}, c.id_number) },
          { head: tc('sessions.employer'), cell: (c) => c.employer },
          { head: tc('sessions.roomName'), cell: (c) => c.room },
          { head: tc('sessions.seat'), cell: (c) => String(c.seat), cls: 'num' },
          ...(author ? [{ head: tc('sessions.actions'), cell: (c) => candidateActions(id, c, loadCandidates, candidateEdit) }] : []),
        ], list, { 'aria-label': tc('sessions.candidates'), 'data-test': 'candidates-table' }, (c) => ({ 'data-ticket': c.ticket })) : el('p', { class: 'muted' }, tc('sessions.noCandidates')));
    } catch (e) { show(candidatesSlot, 'error', errorText(e)); }
  }

  const info = el('dl', { class: 'facts card', 'data-test': 'session-info' },
    ...[
      ['sessions.exam', names.get(s.exam_id) || `#${s.exam_id}`],
      ['sessions.number', s.number || '—'],
      ['sessions.venue', s.venue || '—'],
      ['sessions.window', tc('sessions.windowState', { window: window_(s), state: tc(`sessions.state.${sessionState(s)}`) })],
      ['sessions.rooms', s.rooms.map((r) => tc('sessions.roomLine', { name: r.name, seats: r.seats, proctors: r.proctors.length ? tc('edit.proctorCount', { n: r.proctors.length }) : '—' })).join('；')],
    ].flatMap(([k, v]) => [el('dt', {}, tc(k)), el('dd', {}, v)]));

  const links = el('div', { class: 'actions' },
    el('a', { class: 'button primary', href: `#/sessions/${id}/room`, 'data-test': 'room-link' }, tc('room.open')),
    el('a', { class: 'button', href: `#/sessions/${id}/tickets`, 'data-test': 'tickets-link' }, tc('sessions.tickets')),
    el('a', { class: 'button', href: `#/sessions/${id}/results`, 'data-test': 'results-link' }, tc('sessions.results')),
    el('a', { class: 'button', href: `#/sessions/${id}/checkin`, 'data-test': 'checkin-link' }, tc('checkin.open')),
    session.has('author', 'judge') ? el('a', { class: 'button', href: `#/sessions/${id}/marking`, 'data-test': 'marking-link' }, tc('sessions.marking')) : '');

  root.append(heading(`${s.name} ${s.number}`.trim()), flash ? el('div', { class: 'notice notice-ok', role: 'status', 'data-test': 'session-flash' }, flash) : '', info, links);
  if (author) root.append(await sessionEditor(s, () => window.dispatchEvent(new HashChangeEvent('hashchange'))));
  if (!alive()) return;
  root.append(await proctorsView(s));
  if (!alive()) return;
  if (author) root.append(await judgesView(s));
  if (!alive()) return;
  if (author) root.append(setupSection(s));
  if (author) root.append(rosterView(), addView());
  root.append(el('section', { 'aria-labelledby': 'cand-h' }, el('h2', { id: 'cand-h' }, tc('sessions.candidates')), candidateEdit, candidatesSlot));
  loadCandidates();

  function rosterView() {
    const picker = filePicker({ accept: '.csv,.xlsx', 'data-test': 'roster-file' });
    const file = picker.input;
    const format = select([['', tc('import.guess')], ['csv', 'CSV'], ['xlsx', 'XLSX']], '', { 'data-test': 'roster-format' });
    const dry = el('button', { type: 'submit', class: 'primary', 'data-test': 'roster-dry-run' }, tc('sessions.rosterDryRun'));
    const real = el('button', { type: 'button', disabled: true, 'data-test': 'roster-run' }, tc('sessions.rosterRun'));
    const msg = el('div', { class: 'msg', 'data-test': 'roster-message' });
    const out = el('div');
    let checked = null;
    const invalidate = () => { checked = null; real.disabled = true; };
    file.addEventListener('change', invalidate);
    format.addEventListener('change', invalidate);
    async function run(dryRun) {
      const f = file.files[0];
      if (!f) { show(msg, 'error', tc('import.noFile')); file.focus(); return; }
      if (!dryRun && !(checked && checked.file === f && checked.format === format.value)) { show(msg, 'error', tc('import.dryFirst')); return; }
      dry.disabled = true; real.disabled = true;
      show(msg, 'info', dryRun ? tc('import.checking') : tc('import.importing'));
      try {
        const rep = await call('POST', `/api/sessions/${id}/roster`, { raw: f, query: { format: format.value, dry_run: String(dryRun), filename: f.name }, timeoutMs: 120000 });
        out.replaceChildren(reportView(rep, { test: 'roster-report', rowsKey: 'rows', totals: rosterTotals(rep), extraColumns: seatColumns() }));
        if (dryRun) {
          checked = { file: f, format: format.value };
          show(msg, rep.imported ? 'ok' : 'warn', rep.imported ? tc('sessions.rosterDryOk', { n: rep.imported, skipped: rep.skipped }) : tc('import.dryNothing'));
        } else {
          checked = null;
          show(msg, 'ok', tc('sessions.rosterDone', { n: rep.imported, skipped: rep.skipped }), { 'data-test': 'roster-done' });
          loadCandidates();
        }
      } catch (e) {
        show(msg, 'error', errorText(e));
        if (dryRun) checked = null;
      } finally {
        dry.disabled = false;
        real.disabled = !(checked && checked.file === file.files[0] && checked.format === format.value);
      }
    }
    const form = el('form', { class: 'card', 'data-test': 'roster-form', novalidate: true },
      el('div', { class: 'grid' }, field(tc('sessions.rosterFile'), picker.wrap, { input: file, hint: tc('sessions.rosterHint') }), field(tc('import.format'), format)),
      msg, el('div', { class: 'actions' }, dry, real));
    form.addEventListener('submit', (ev) => { ev.preventDefault(); run(true); });
    real.addEventListener('click', () => run(false));
    return el('section', { 'aria-labelledby': 'roster-h' }, el('h2', { id: 'roster-h' }, tc('sessions.roster')), form, out);
  }

  function addView() {
    const name = el('input', { required: true, 'data-test': 'cand-name', autocomplete: 'off' });
    const idNumber = el('input', { required: true, 'data-test': 'cand-id-number', inputmode: 'text', maxlength: '18', autocomplete: 'off', spellcheck: 'false' });
    const employer = el('input', { 'data-test': 'cand-employer', autocomplete: 'off' });
    const phone = el('input', { type: 'tel', 'data-test': 'cand-phone', autocomplete: 'off' });
    const room = select([['', tc('sessions.anyRoom')], ...s.rooms.map((r) => [r.name, r.name])], '', { 'data-test': 'cand-room' });
    const msg = el('div', { class: 'msg', 'data-test': 'cand-message' });
    const submit = el('button', { type: 'submit', class: 'primary', 'data-test': 'cand-add' }, tc('sessions.addCandidate'));
    const form = el('form', { class: 'card', 'data-test': 'cand-form', novalidate: true },
      el('div', { class: 'grid' },
        field(tc('sessions.candidateName'), name), field(tc('sessions.idNumber'), idNumber),
        field(tc('sessions.employer'), employer), field(tc('sessions.phone'), phone), field(tc('sessions.roomName'), room)),
      msg, el('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!name.value.trim() || !idNumber.value.trim()) { show(msg, 'error', tc('sessions.needCandidate')); (name.value.trim() ? idNumber : name).focus(); return; }
      submit.disabled = true;
      try {
        const line = await call('POST', `/api/sessions/${id}/candidates`, { body: {
          name: name.value.trim(), id_number: idNumber.value.trim().toUpperCase(), employer: employer.value.trim(), phone: phone.value.trim(), room: room.value || null,
        } });
        show(msg, 'ok', tc('sessions.added', { name: line.ident, ticket: line.ticket, room: line.room, seat: line.seat }), { 'data-test': 'cand-added' });
        [name, idNumber, employer, phone].forEach((i) => { i.value = ''; });
        name.focus();
        loadCandidates();
      } catch (e) {
        // The headline, the reason's own text and the server's sentence in the console's language.
        show(msg, 'error', errorText(e), { 'data-test': 'cand-error' });
      } finally { submit.disabled = false; }
    });
    return el('section', { 'aria-labelledby': 'add-h' }, el('h2', { id: 'add-h' }, tc('sessions.addTitle')), form);
  }
}

/** Whether an address is this machine only (a tablet cannot reach it). */
const loopback = (url) => { try { return /^(localhost|127\.|\[::1\]$)/.test(new URL(url).hostname); } catch (_) { return true; } };
const ADDRESS_KEY = 'console.loginAddress';

/** #/sessions/{id}/tickets: one card per candidate, laid out for printing, each with the login
 * address tablets use (and its QR code), the candidate's own time, room and seat. */
export async function tickets({ root, params, alive }) {
  const id = Number(params[0]);
  const [s, list, names] = await Promise.all([call('GET', `/api/sessions/${id}`), call('GET', `/api/sessions/${id}/candidates`), examNames()]);
  if (!alive()) return;
  const examName = names.get(s.exam_id) || '';
  // The address tablets open: this page's own unless staff set another (the console may be open
  // on the server itself, at 127.0.0.1, which no tablet reaches).
  const address = el('input', { type: 'url', value: localStorage.getItem(ADDRESS_KEY) || `${location.origin}/`, 'data-test': 'tickets-address', spellcheck: 'false' });
  const addressMsg = el('div', { class: 'msg', 'data-test': 'tickets-address-message' });
  const cards = el('div', { class: 'tickets', 'data-test': 'tickets' });
  let painting = 0;
  async function paint() {
    const seq = ++painting;
    const url = address.value.trim();
    show(addressMsg, loopback(url) ? 'warn' : 'info', loopback(url) ? tc('edit.addressLoopback') : tc('edit.addressOk', { url }), { 'data-test': loopback(url) ? 'tickets-address-warn' : 'tickets-address-ok' });
    let svg = null;
    try {
      // A data: URL (the console's content policy allows those for images, not blob: ones).
      const blob = await call('GET', '/api/qr.svg', { query: { text: url }, accept: 'blob' });
      svg = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(await blob.text())}`;
    } catch (e) { show(addressMsg, 'error', errorText(e)); }
    // Only the latest address is drawn, however the QR requests finish.
    if (seq !== painting) return;
    cards.replaceChildren(...list.map((c) => el('article', { class: 'ticket', 'data-test': 'ticket', 'data-ticket': c.ticket },
      el('header', {}, el('strong', {}, tc('sessions.ticketHeading')), el('span', {}, examName)),
      el('div', { class: 'ticket-body' },
        el('dl', {},
          el('dt', {}, tc('sessions.session')), el('dd', {}, `${s.name} ${s.number} ${s.venue}`.trim()),
          el('dt', {}, tc('sessions.candidateName')), el('dd', { class: 'big' }, c.name),
          el('dt', {}, tc('sessions.ticket')), el('dd', { class: 'big mono', 'data-test': 'ticket-number' }, c.ticket),
          el('dt', {}, tc('sessions.idNumber')), el('dd', { class: 'mono' }, c.id_number),
          el('dt', {}, tc('sessions.roomSeat')), el('dd', { 'data-test': 'ticket-seat' }, tc('sessions.roomSeatValue', { room: c.room, seat: c.seat })),
          el('dt', {}, tc('edit.ticketTime')), el('dd', { 'data-test': 'ticket-time' }, window_(s)),
          el('dt', {}, tc('edit.ticketAddress')), el('dd', { class: 'mono', 'data-test': 'ticket-address' }, url)),
        svg ? el('img', { class: 'ticket-qr', src: svg, alt: tc('edit.ticketQr', { url }), 'data-test': 'ticket-qr' }) : ''),
      el('p', { class: 'ticket-note' }, tc('edit.ticketNote')))));
  }
  address.addEventListener('change', () => {
    const url = address.value.trim();
    if (url && url !== `${location.origin}/`) localStorage.setItem(ADDRESS_KEY, url); else localStorage.removeItem(ADDRESS_KEY);
    paint();
  });
  root.append(
    heading(tc('sessions.ticketsTitle', { name: `${s.name} ${s.number}`.trim() }), { class: 'no-print' }),
    el('div', { class: 'actions no-print' },
      el('button', { type: 'button', class: 'primary', 'data-test': 'tickets-print', onclick: () => window.print() }, tc('sessions.print')),
      el('a', { class: 'button', href: `#/sessions/${id}` }, tc('sessions.backToSession'))),
    el('div', { class: 'card no-print' }, field(tc('edit.loginAddress'), address, { hint: tc('edit.loginAddressHint') }), addressMsg),
    el('p', { class: 'muted no-print' }, tc('sessions.ticketsHint', { n: list.length })),
    cards);
  await paint();
}
