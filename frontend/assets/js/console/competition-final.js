// The practical final. 检录 at the door (a tablet, big inputs): 参赛证号 and 身份证号, then a slip
// with the 检录号, the station (工位) and session (场次) drawn by lot, and the time; errors in
// plain Chinese. The seals: the 加密裁判 and the 监督 each take their own (passphrase twice);
// then the supervisor runs 二次加密. Marking progress per task (sheets in, flags open, signed
// off), refreshed every 10 s. Nothing here shows which contestant is behind a marking code.
import { el, call, errorText, field, table, show, session, ApiError } from './core.js';
import { fmtBeijing } from './practical.js';
import { cc, paths, rowsOf, fmtDate, isMissing, flash, rerender, staffList, confirmBox, stageLine } from './competition.js';

const REFRESH_MS = 10000;

const normNumber = (s) => String(s || '').trim().toUpperCase();

/** The errors the door sees most, in words a volunteer can read out. */
function doorError(e) {
  if (e instanceof ApiError && e.code === 'identity_mismatch') return cc('checkin.mismatch');
  if (e instanceof ApiError && e.code === 'not_a_finalist') return cc('checkin.notFinalist');
  if (e instanceof ApiError && (e.code === 'contestant_not_found')) return cc('checkin.unknown');
  if (e instanceof ApiError && e.code === 'seal_not_set') return cc('checkin.noSeals');
  if (e instanceof ApiError && e.code === 'already_checked_in') return cc('checkin.already');
  if (e instanceof ApiError && e.code === 'checkin_closed') return cc('checkin.closed');
  return errorText(e);
}

/** The places drawn by lot for a ticket: task, 场次 (slot) and its start, 工位 (station). */
function placesTable(places) {
  return table([
    { head: cc('checkin.task'), cell: (p) => p.task_title || `#${p.task_id}` },
    { head: cc('checkin.round'), cell: (p) => (p.slot ? cc('checkin.roundValue', { n: p.slot }) : cc('checkin.oneRound')), cls: 'nowrap' },
    { head: cc('checkin.startsAt'), cell: (p) => fmtBeijing(p.starts_at), cls: 'nowrap' },
    { head: cc('checkin.station'), cell: (p) => el('strong', { class: 'door-station' }, cc('checkin.stationValue', { n: p.station })), cls: 'nowrap' },
  ], [...places].sort((x, y) => (x.slot || 0) - (y.slot || 0) || x.station - y.station), { 'aria-label': cc('checkin.places'), 'data-test': 'door-places' },
  (p) => ({ 'data-station': p.station, 'data-slot': p.slot ?? '' }));
}

/** #/competitions/stages/{sid}/checkin */
export async function checkin({ root, params, query, alive }) {
  const sid = Number(params[0]);
  const [prog, line] = await Promise.all([progressOf(sid), stageLine(sid, query)]);
  if (!alive()) return;
  const number = el('input', { class: 'door-input', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', enterkeyhint: 'next', 'data-test': 'door-number' });
  const idn = el('input', { class: 'door-input', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', inputmode: 'text', maxlength: '18', enterkeyhint: 'go', 'data-test': 'door-id' });
  const msg = el('div', { class: 'msg door-msg', 'data-test': 'door-message', 'aria-live': 'assertive' });
  const slip = el('div', { 'data-test': 'door-slip-slot', 'aria-live': 'polite' });
  const counts = el('p', { class: 'checkin-counts', 'data-test': 'door-counts' });
  const go = el('button', { type: 'submit', class: 'primary big', 'data-test': 'door-submit' }, cc('checkin.submit'));
  let checkedIn = prog ? Number(prog.checked_in) : null;
  const paintCounts = () => {
    counts.replaceChildren(...(prog ? [
      el('span', { class: 'chip' }, cc('progress.checkedIn', { n: checkedIn })),
      el('span', { class: 'chip' }, cc('progress.finalists', { n: prog.finalists })),
    ] : []));
  };
  paintCounts();
  number.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); idn.focus(); } });
  const next = () => { slip.replaceChildren(); number.value = ''; idn.value = ''; show(msg, '', ''); number.focus(); };

  const f = el('form', { class: 'card door-form', novalidate: true, 'data-test': 'door-form' },
    field(cc('checkin.number'), number, { hint: cc('checkin.numberHint') }),
    field(cc('checkin.idNumber'), idn, { hint: cc('checkin.idHint') }),
    el('div', { class: 'actions' }, go));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const n = normNumber(number.value);
    const id = normNumber(idn.value);
    if (!n) { show(msg, 'error', cc('checkin.needNumber')); number.focus(); return; }
    if (!/^\d{17}[\dX]$/.test(id)) { show(msg, 'error', cc('checkin.badId')); idn.focus(); return; }
    go.disabled = true;
    show(msg, '', '');
    try {
      const r = await call('POST', paths.checkin(sid), { body: { number: n, id_number: id } });
      const places = rowsOf(r.places);
      slip.replaceChildren(el('article', { class: 'card checkin-done door-slip', 'data-test': 'door-slip', 'data-number': r.number },
        el('p', { class: 'checkin-who' }, el('strong', { 'data-test': 'door-name' }, r.name), ' ', el('code', {}, r.number)),
        el('p', { class: 'code-label' }, cc('checkin.checkinCode')),
        el('p', { class: 'work-code', 'data-test': 'door-code' }, r.code),
        places.length ? placesTable(places) : el('p', { class: 'muted', 'data-test': 'door-no-places' }, cc('checkin.noPlaces')),
        el('dl', { class: 'facts checkin-facts' },
          el('dt', {}, cc('checkin.time')), el('dd', { 'data-test': 'door-time' }, fmtBeijing(r.checked_in_at))),
        el('p', { class: 'notice notice-warn' }, cc('checkin.slipHint')),
        el('div', { class: 'actions' }, el('button', { type: 'button', class: 'primary big', 'data-test': 'door-next', onclick: next }, cc('checkin.next')))));
      if (checkedIn !== null) { checkedIn += 1; paintCounts(); }
      show(msg, 'ok', cc('checkin.done'), { 'data-test': 'door-ok' });
      slip.querySelector('[data-test=door-next]').focus();
    } catch (e) {
      slip.replaceChildren();
      show(msg, 'error', doorError(e), { 'data-test': 'door-error', 'data-code': e.code || '' });
      (e.code === 'identity_mismatch' ? idn : number).select();
    } finally { go.disabled = false; }
  });
  const seals = prog && prog.seals;
  const ready = !seals || (sealOf(seals, 'encryptor').taken && sealOf(seals, 'supervisor').taken);
  const closed = prog && prog.codes_final_at;
  root.append(el('h1', { tabindex: '-1', class: 'door-title' }, cc('checkin.title')),
    line, prog && prog.draw_seed ? el('p', { class: 'muted mono', 'data-test': 'door-seed' }, cc('checkin.seedLine', { seed: prog.draw_seed })) : '',
    !ready ? el('p', { class: 'notice notice-warn', 'data-test': 'door-no-seals' }, cc('checkin.noSeals')) : '',
    closed ? el('p', { class: 'notice notice-info', 'data-test': 'door-closed' }, cc('checkin.closed')) : '',
    counts, f, msg, slip);
  number.focus();
}

/** One holder's layer of the seal state: layer 1 (一次加密) is the 加密裁判's, layer 2 the 监督's. */
export function sealOf(state, who) {
  const n = who === 'encryptor' ? 1 : 2;
  const l = rowsOf(state && state.layers).find((x) => x.layer === n) || {};
  return {
    id: l.holder_id ?? null,
    taken: !!l.taken_at,
    takenAt: l.taken_at ?? null,
    sealedAt: l.sealed_at ?? null,
    openedAt: l.opened_at ?? null,
    rows: l.rows ?? 0,
    commitment: l.commitment ?? null,
  };
}

/** A holder's name: from the staff list when the reader may list staff, "you" for oneself. */
export function holderName(staff, id) {
  if (!id) return cc('seal.unset');
  const me = (session.user || {}).id;
  const u = id === me ? session.user : staff.find((x) => x.id === id);
  // Holders cannot list staff: another holder's name is then unknown here.
  if (!u) return '';
  const name = u.display_name || u.username;
  return id === me ? cc('seal.you', { name }) : name;
}

/** The final's progress, or null when the reader may not see it. */
export async function progressOf(sid) {
  try { return await call('GET', paths.progress(sid)); } catch (_) { return null; }
}

/** #/competitions/stages/{sid}/seal */
export async function seal({ root, params, query, alive }) {
  const sid = Number(params[0]);
  const [state, staff, line] = await Promise.all([call('GET', paths.seal(sid)), session.has('author') ? staffList() : [], stageLine(sid, query)]);
  if (!alive()) return;
  const me = (session.user || {}).id;
  const msg = el('div', { class: 'msg', 'data-test': 'seal-message', 'aria-live': 'polite' });
  const fl = flash.take();
  if (fl) show(msg, 'ok', fl, { 'data-test': 'seal-flash' });
  const enc = sealOf(state, 'encryptor');
  const sup = sealOf(state, 'supervisor');
  const encrypted = sup.sealedAt;

  function holderCard(who, h) {
    const mine = h.id === me;
    const p1 = el('input', { type: 'password', autocomplete: 'new-password', 'data-test': `seal-${who}-pass` });
    const p2 = el('input', { type: 'password', autocomplete: 'new-password', 'data-test': `seal-${who}-pass2` });
    const m = el('div', { class: 'msg', 'data-test': `seal-${who}-message` });
    const take = el('button', { type: 'submit', class: 'primary', 'data-test': `seal-${who}-take` }, cc('seal.take'));
    const f = el('form', { novalidate: true }, field(cc('seal.passphrase'), p1, { hint: cc('seal.passHint') }), field(cc('seal.passphrase2'), p2), m, el('div', { class: 'actions' }, take));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (p1.value.length < 8) { show(m, 'error', cc('seal.short')); p1.focus(); return; }
      if (p1.value !== p2.value) { show(m, 'error', cc('seal.differ')); p2.select(); return; }
      take.disabled = true;
      try {
        await call('POST', paths.seal(sid), { body: { passphrase: p1.value } });
        flash.set(cc('seal.taken'));
        rerender();
      } catch (e) { show(m, 'error', errorText(e), { 'data-test': 'seal-error' }); take.disabled = false; p1.value = ''; p2.value = ''; }
    });
    return el('article', { class: 'card seal-card', 'data-test': `seal-${who}`, 'data-taken': String(h.taken) },
      el('h2', {}, cc(`seal.${who}`), ' ', h.taken ? el('span', { class: 'badge state-open', 'data-test': `seal-${who}-taken` }, cc('seal.takenAt', { at: fmtDate(h.takenAt) })) : el('span', { class: 'badge state-upcoming' }, cc('seal.notTaken'))),
      el('p', { 'data-test': `seal-${who}-holder` }, cc('seal.holder', { name: holderName(staff, h.id) || (h.id ? cc('seal.named') : cc('seal.unset')) })),
      !h.taken && mine ? f : (!h.taken ? el('p', { class: 'muted' }, cc('seal.onlyHolder')) : ''));
  }

  const encMsg = el('div', { class: 'msg', 'data-test': 'encrypt-message' });
  const confirmSlot = el('div', {});
  const encBtn = el('button', { type: 'button', class: 'primary big', 'data-test': 'encrypt-run', disabled: !!encrypted || !(enc.taken && sup.taken) }, cc('seal.encrypt'));
  encBtn.addEventListener('click', async () => {
    if (!(await confirmBox(confirmSlot, cc('seal.encryptQuestion'), { yes: cc('seal.encrypt'), test: 'encrypt-box' }))) return;
    encBtn.disabled = true;
    try {
      const r = await call('POST', paths.encrypt(sid));
      flash.set(cc('seal.encrypted', { n: r.rows }));
      rerender();
    } catch (e) { show(encMsg, 'error', errorText(e), { 'data-test': 'encrypt-error' }); encBtn.disabled = false; }
  });
  const encForm = el('div', {}, confirmSlot, encMsg, el('div', { class: 'actions' }, encBtn));
  const why = encrypted ? cc('seal.alreadyEncrypted', { at: fmtDate(encrypted), n: sup.rows })
    : !(enc.taken && sup.taken) ? cc('seal.needBoth') : sup.id !== me ? cc('seal.supervisorOnly') : cc('seal.encryptHint');
  root.append(el('h1', { tabindex: '-1' }, cc('seal.title')), line,
    el('p', { class: 'muted' }, cc('seal.intro')), msg,
    el('div', { class: 'seal-cards' }, holderCard('encryptor', enc), holderCard('supervisor', sup)),
    el('section', { class: 'card', 'data-test': 'encrypt-card', 'data-done': String(!!encrypted) },
      el('h2', {}, cc('seal.second')), el('p', { class: encrypted ? 'ok' : 'muted', 'data-test': 'encrypt-state' }, why),
      !encrypted && sup.id === me ? encForm : ''),
    el('div', { class: 'actions' },
      session.has('author') ? el('a', { class: 'button', href: `#/competitions/stages/${sid}/checkin${query.get('c') ? `?c=${query.get('c')}` : ''}` }, cc('checkin.title')) : '',
      el('a', { class: 'button', href: `#/competitions/stages/${sid}/decrypt${query.get('c') ? `?c=${query.get('c')}` : ''}` }, cc('decrypt.title'))));
}

/** #/competitions/stages/{sid}/progress: refreshed every 10 s while the screen is open. */
export async function progress({ root, params, query, alive }) {
  const sid = Number(params[0]);
  const line = await stageLine(sid, query);
  if (!alive()) return;
  const slot = el('div', { 'data-test': 'progress-slot' });
  const stamp = el('p', { class: 'muted', 'data-test': 'progress-stamp', 'aria-live': 'polite' });
  root.append(el('h1', { tabindex: '-1' }, cc('progress.title')), line, el('p', { class: 'muted' }, cc('progress.intro')), stamp, slot);
  const count = (x) => (Array.isArray(x) ? x.length : Number(x || 0));
  async function paint() {
    let p;
    try { p = await call('GET', paths.progress(sid)); } catch (e) {
      if (!alive()) return;
      slot.replaceChildren(el('div', { class: 'notice notice-warn', 'data-test': 'progress-error' }, isMissing(e) ? cc('progress.none') : errorText(e)));
      return;
    }
    if (!alive()) return;
    const tasks = rowsOf(p, 'tasks');
    stamp.textContent = cc('progress.at', { at: fmtBeijing(new Date().toISOString()) });
    const total = p.finalists ?? p.checked_in ?? p.candidates;
    slot.replaceChildren(
      el('p', { class: 'checkin-counts', 'data-test': 'progress-counts' },
        total !== undefined ? el('span', { class: 'chip' }, cc('progress.finalists', { n: total })) : '',
        p.checked_in !== undefined ? el('span', { class: 'chip' }, cc('progress.checkedIn', { n: p.checked_in })) : '',
        p.codes_final_at ? el('span', { class: 'chip state-open', 'data-test': 'progress-encrypted' }, cc('progress.encrypted')) : el('span', { class: 'chip' }, cc('progress.notEncrypted')),
        p.all_locked ? el('span', { class: 'chip state-open', 'data-test': 'progress-all-locked' }, cc('progress.allLocked')) : '',
        p.draw_seed ? el('span', { class: 'chip mono' }, cc('checkin.seedLine', { seed: p.draw_seed })) : ''),
      tasks.length ? table([
        { head: cc('progress.task'), cell: (t) => t.title || t.task_title || `#${t.task_id ?? t.id}` },
        { head: cc('progress.sheets'), cell: (t) => {
          const inN = count(t.sheets_in ?? t.submitted);
          const exp = count(t.sheets_expected ?? t.expected);
          return el('span', { class: 'meter' }, el('span', { class: 'track' }, el('span', { class: 'bar', style: `width:${exp ? Math.round((100 * inN) / exp) : 0}%` })), ` ${inN}/${exp}`);
        }, cls: 'nowrap' },
        { head: cc('progress.flags'), cell: (t) => { const n = count(t.flags_open ?? t.flags); return n ? el('span', { class: 'badge state-closed' }, String(n)) : '0'; }, cls: 'num' },
        { head: cc('progress.judges'), cell: (t) => String(t.judges ?? '—'), cls: 'num' },
        { head: cc('progress.signed'), cell: (t) => (t.locked_at
          ? el('span', { class: 'badge state-open', 'data-test': 'progress-locked' }, cc('progress.lockedAt', { at: fmtDate(t.locked_at) }))
          : el('span', { class: 'badge state-upcoming' }, t.signed_off ? cc('progress.signedOff') : cc('progress.open'))) },
      ], tasks, { 'aria-label': cc('progress.title'), 'data-test': 'progress-table' }, (t) => ({ 'data-task': t.task_id ?? t.id })) : el('p', { class: 'muted' }, cc('progress.noTasks')));
  }
  await paint();
  const timer = setInterval(() => { if (!alive()) { clearInterval(timer); return; } paint(); }, REFRESH_MS);
}

