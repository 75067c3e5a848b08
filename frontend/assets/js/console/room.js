// The live room view (监考): one tile per candidate with device health and exam progress
// together, room totals, filters and sorting, and the proctor's actions. Tiles arrive over
// Server-Sent Events; each tile's DOM node is kept and updated in place so 500 candidates stay
// smooth, and time left / seconds since the heartbeat count on locally between frames.
import { el, tc, session, call, errorText, heading, show, field, select } from './core.js';
import { t, lang } from '../i18n.js';

const STATES = ['not_started', 'in_progress', 'idle', 'offline', 'paused', 'submitted', 'terminated'];
const SORTS = {
  seat: (a, b) => a.room_id - b.room_id || a.seat - b.seat,
  offline: (a, b) => rankOffline(b) - rankOffline(a) || SORTS.seat(a, b),
  focus: (a, b) => (b.focus_losses + b.fullscreen_exits) - (a.focus_losses + a.fullscreen_exits) || SORTS.seat(a, b),
  progress: (a, b) => progress(a) - progress(b) || SORTS.seat(a, b),
};
const rankOffline = (t) => ({ offline: 3, idle: 2, paused: 1 }[t.state] || 0);
const progress = (t) => (t.total ? t.answered / t.total : -1);

function clock(sec) {
  if (sec === null || sec === undefined) return '—';
  const s = Math.max(0, Math.round(sec));
  const two = (n) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  return h ? `${h}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}` : `${two(Math.floor(s / 60))}:${two(s % 60)}`;
}

/** #/sessions/:id/room */
export async function render({ root, params, alive }) {
  const id = Number(params[0]);
  const s = await call('GET', `/api/sessions/${id}`);
  if (!alive()) return;
  const tiles = new Map(); // candidate id → tile
  const nodes = new Map(); // candidate id → {card, parts}
  let base = { serverMs: Date.now(), localMs: Date.now() };
  const filter = { room: '', state: '', sort: 'seat' };

  const msg = el('div', { 'aria-live': 'polite' });
  const status = el('span', { class: 'badge', 'data-test': 'live-status' }, tc('room.connecting'));
  const totalsBar = el('div', { class: 'room-totals', 'data-test': 'room-totals', role: 'status' });
  const grid = el('div', { class: 'room-grid', 'data-test': 'room-grid' });
  const roomSel = select([['', tc('room.allRooms')], ...s.rooms.map((r) => [String(r.id), r.name])], '', { 'data-test': 'room-filter' });
  const stateSel = select([['', tc('room.allStates')], ...STATES.map((x) => [x, tc(`room.states.${x}`)])], '', { 'data-test': 'state-filter' });
  const sortSel = select(Object.keys(SORTS).map((k) => [k, tc(`room.sort.${k}`)]), 'seat', { 'data-test': 'sort' });
  roomSel.addEventListener('change', () => { filter.room = roomSel.value; layout(); });
  stateSel.addEventListener('change', () => { filter.state = stateSel.value; layout(); });
  sortSel.addEventListener('change', () => { filter.sort = sortSel.value; layout(); });

  const minutes = el('input', { type: 'number', min: '1', max: '360', value: '10', 'data-test': 'room-minutes' });
  const roomAction = (path, body) => async () => {
    const room_id = filter.room ? Number(filter.room) : null;
    try {
      const r = await call('POST', `/api/sessions/${id}/${path}`, { body: { room_id, ...body() } });
      show(msg, 'ok', tc('room.roomDone', { changed: r.changed.length, skipped: r.skipped.length }));
    } catch (e) { show(msg, 'error', errorText(e)); }
  };
  const roomBar = el('div', { class: 'actions room-actions' },
    el('button', { type: 'button', 'data-test': 'room-pause', onclick: () => { const reason = (prompt(t('tablet.console.pauseReason')) || '').trim(); if (reason) roomAction('pause', () => ({ reason }))(); else show(msg, 'error', tc('errors.reason_required')); } }, tc('room.pauseRoom')),
    el('button', { type: 'button', 'data-test': 'room-resume', onclick: roomAction('resume', () => ({ reason: '' })) }, tc('room.resumeRoom')),
    field(tc('room.minutes'), minutes, { cls: 'inline' }),
    el('button', { type: 'button', 'data-test': 'room-extend', onclick: roomAction('extend', () => ({ minutes: Number(minutes.value), reason: '' })) }, tc('room.extendRoom')),
    el('button', { type: 'button', 'data-test': 'report-csv', onclick: () => downloadReport('csv') }, tc('room.report')),
    el('button', { type: 'button', 'data-test': 'report-pdf', onclick: () => downloadReport('pdf') }, tc('room.reportPdf')));

  async function downloadReport(format) {
    try {
      const blob = await call('GET', `/api/sessions/${id}/report`, { accept: 'blob', query: { format, lang: lang() === 'en' ? 'en' : 'zh' } });
      const a = el('a', { href: URL.createObjectURL(blob), download: `report-session-${id}.${format}` });
      document.body.append(a);
      a.click();
      a.remove();
    } catch (e) { show(msg, 'error', errorText(e)); }
  }

  root.append(
    heading(tc('room.title', { name: `${s.name} ${s.number}`.trim() })),
    el('div', { class: 'toolbar room-toolbar' }, status,
      field(tc('room.room'), roomSel, { cls: 'inline' }), field(tc('room.state'), stateSel, { cls: 'inline' }), field(tc('room.sortBy'), sortSel, { cls: 'inline' })),
    totalsBar, roomBar, msg, grid);

  function nowServer() { return base.serverMs + (Date.now() - base.localMs); }

  function card(t) {
    const parts = {
      state: el('span', { class: 'state', 'data-test': 'tile-state' }),
      progress: el('span', { 'data-test': 'tile-progress' }),
      bar: el('span', { class: 'bar' }),
      time: el('span', { 'data-test': 'tile-time' }),
      beat: el('span', { 'data-test': 'tile-heartbeat' }),
      focus: el('span', { 'data-test': 'tile-focus' }),
      full: el('span', { 'data-test': 'tile-fullscreen' }),
      take: el('span', { 'data-test': 'tile-takeovers' }),
      inc: el('span', { 'data-test': 'tile-incidents' }),
    };
    const c = el('button', { type: 'button', class: 'tile', 'data-test': 'room-tile', 'data-candidate': String(t.candidate_id) },
      el('span', { class: 'who' }, el('b', {}, `${t.room} · ${tc('room.seat', { n: t.seat })}`), el('span', {}, t.name), el('code', {}, t.ticket)),
      parts.state,
      el('span', { class: 'progress' }, el('span', { class: 'track' }, parts.bar), parts.progress),
      el('span', { class: 'facts' }, parts.time, parts.beat),
      el('span', { class: 'counts' }, parts.focus, parts.full, parts.take, parts.inc));
    c.addEventListener('click', () => openActions(t.candidate_id));
    return { card: c, parts };
  }

  function paint(t) {
    let n = nodes.get(t.candidate_id);
    if (!n) { n = card(t); nodes.set(t.candidate_id, n); }
    const p = n.parts;
    n.card.dataset.state = t.state;
    n.card.dataset.attempt = t.attempt_id ? String(t.attempt_id) : '';
    n.card.className = `tile state-${t.state}${t.checked_in ? ' checked-in' : ''}`;
    p.state.textContent = tc(`room.states.${t.state}`) + (t.checked_in ? ` · ${tc('room.checkedIn')}` : '');
    p.progress.textContent = t.total ? tc('room.answered', { n: t.answered, total: t.total }) : '';
    p.bar.style.width = `${t.total ? Math.round((100 * t.answered) / t.total) : 0}%`;
    p.focus.textContent = tc('room.focusLosses', { n: t.focus_losses });
    p.focus.classList.toggle('alert', t.focus_losses > 0);
    p.full.textContent = tc('room.fullscreenExits', { n: t.fullscreen_exits });
    p.full.classList.toggle('alert', t.fullscreen_exits > 0);
    p.take.textContent = tc('room.takeovers', { n: t.takeovers });
    p.inc.textContent = tc('room.incidents', { n: t.incidents });
    p.inc.classList.toggle('alert', t.incidents > 0);
    n.card.setAttribute('aria-label', `${t.room} ${tc('room.seat', { n: t.seat })} ${t.name} ${tc(`room.states.${t.state}`)}`);
    timeText(t, p);
  }

  function timeText(t, p) {
    const elapsed = (nowServer() - t.atMs) / 1000;
    const left = t.remaining_seconds === null || t.remaining_seconds === undefined ? null
      : (t.state === 'paused' || t.state === 'submitted' || t.state === 'terminated' ? t.remaining_seconds : t.remaining_seconds - elapsed);
    p.time.textContent = left === null ? '' : tc('room.timeLeft', { left: clock(left) });
    const beat = t.since_heartbeat === null || t.since_heartbeat === undefined ? null : Math.round(t.since_heartbeat + elapsed);
    p.beat.textContent = beat === null || t.state === 'submitted' || t.state === 'terminated' ? '' : tc('room.heartbeat', { s: beat });
  }

  function visible(t) {
    return (!filter.room || String(t.room_id) === filter.room) && (!filter.state || t.state === filter.state);
  }

  function layout() {
    const list = [...tiles.values()].filter(visible).sort(SORTS[filter.sort]);
    grid.replaceChildren(...list.map((t) => nodes.get(t.candidate_id).card));
    if (!list.length) grid.append(el('p', { class: 'muted' }, tc('room.none')));
  }

  function totals(tt) {
    const room = filter.room ? [...tiles.values()].filter((t) => String(t.room_id) === filter.room) : null;
    const by = room ? STATES.reduce((m, x) => ({ ...m, [x]: room.filter((t) => t.state === x).length }), {}) : tt.by_state;
    const count = room ? room.length : tt.candidates;
    totalsBar.replaceChildren(
      el('span', { 'data-test': 'total-candidates' }, tc('room.totalCandidates', { n: count })),
      ...STATES.map((x) => el('span', { class: `chip state-${x}`, 'data-test': `total-${x}` }, `${tc(`room.states.${x}`)} ${by[x] || 0}`)),
      el('span', {}, tc('room.totalIncidents', { n: room ? room.reduce((a, t) => a + t.incidents, 0) : tt.incidents })));
  }

  let lastTotals = null;
  function apply(frame) {
    base = { serverMs: frame.server_time_ms, localMs: Date.now() };
    if (frame.full) { tiles.clear(); }
    for (const t of frame.tiles) {
      t.atMs = frame.server_time_ms;
      tiles.set(t.candidate_id, t);
      paint(t);
    }
    lastTotals = frame.totals;
    totals(frame.totals);
    layout();
    const open = dialog.dataset.candidate && tiles.get(Number(dialog.dataset.candidate));
    if (open && !dialog.hidden) fillDialog(open);
  }

  // ----- the action panel for one candidate -----
  const dialog = el('section', { class: 'card room-dialog', role: 'dialog', 'aria-modal': 'false', 'data-test': 'tile-actions', hidden: true });
  const reason = el('input', { 'data-test': 'action-reason', maxlength: '2000' });
  const dMinutes = el('input', { type: 'number', min: '1', max: '360', value: '5', 'data-test': 'action-minutes' });
  const dMsg = el('div', { 'aria-live': 'polite' });
  const dTitle = el('h2', { tabindex: '-1' });
  root.append(dialog);

  async function act(path, body, method = 'POST', done = tc('room.done')) {
    try {
      await call(method, path, { body });
      show(dMsg, 'ok', done);
    } catch (e) { show(dMsg, 'error', errorText(e)); }
  }

  function fillDialog(t) {
    dTitle.textContent = `${t.room} ${tc('room.seat', { n: t.seat })} · ${t.name} · ${tc(`room.states.${t.state}`)}`;
  }

  function openActions(candidateId) {
    const t = tiles.get(candidateId);
    if (!t) return;
    dialog.dataset.candidate = String(candidateId);
    fillDialog(t);
    const a = t.attempt_id;
    const always = ['act-checkin', 'act-note', 'act-unlock'];
    const btn = (key, test, fn, cls = '') => el('button', { type: 'button', class: cls, 'data-test': test, disabled: !a && !always.includes(test), onclick: fn }, tc(key));
    // Only the session's proctors and admins may unlock a login (admins hold every role).
    const unlock = session.has('proctor')
      ? [btn('room.unlockLogin', 'act-unlock', () => act(`/api/sessions/${id}/candidates/${candidateId}/unlock`, { reason: reason.value }, 'POST', tc('room.unlocked')))]
      : [];
    dialog.replaceChildren(dTitle,
      field(tc('room.reason'), reason),
      el('div', { class: 'actions' },
        btn('room.checkIn', 'act-checkin', () => act(`/api/sessions/${id}/candidates/${candidateId}/check-in`, {})),
        btn('room.pause', 'act-pause', () => act(`/api/attempts/${a}/pause`, { reason: reason.value })),
        btn('room.resume', 'act-resume', () => act(`/api/attempts/${a}/resume`, { reason: reason.value })),
        field(tc('room.minutes'), dMinutes, { cls: 'inline' }),
        btn('room.extend', 'act-extend', () => act(`/api/attempts/${a}/extend`, { minutes: Number(dMinutes.value), reason: reason.value })),
        btn('room.releaseDevice', 'act-release', () => act(`/api/attempts/${a}/release-device`, { reason: reason.value })),
        ...unlock,
        btn('room.note', 'act-note', () => act(`/api/sessions/${id}/incidents`, { candidate_id: candidateId, text: reason.value })),
        btn('room.forceSubmit', 'act-submit', () => { if (confirm(tc('room.confirmSubmit'))) act(`/api/attempts/${a}/force-submit`, { reason: reason.value }); }, 'danger'),
        btn('room.terminate', 'act-terminate', () => { if (confirm(tc('room.confirmTerminate'))) act(`/api/attempts/${a}/terminate`, { reason: reason.value }); }, 'danger primary'),
        el('button', { type: 'button', 'data-test': 'act-close', onclick: () => { dialog.hidden = true; } }, tc('room.close'))),
      dMsg);
    dMsg.replaceChildren();
    dialog.hidden = false;
    dTitle.focus();
  }

  // ----- live -----
  let es = null;
  function connect() {
    es = new EventSource(`/api/sessions/${id}/live?access_token=${encodeURIComponent(session.token)}`);
    const onFrame = (ev) => { status.textContent = tc('room.live'); status.className = 'badge ok'; apply(JSON.parse(ev.data)); };
    es.addEventListener('snapshot', onFrame);
    es.addEventListener('tiles', onFrame);
    es.onerror = () => { status.textContent = tc('room.reconnecting'); status.className = 'badge warn'; };
  }
  connect();
  const timer = setInterval(() => {
    if (!alive()) { clearInterval(timer); if (es) es.close(); return; }
    for (const t of tiles.values()) { const n = nodes.get(t.candidate_id); if (n) timeText(t, n.parts); }
    if (lastTotals && filter.room) totals(lastTotals);
  }, 1000);
}
