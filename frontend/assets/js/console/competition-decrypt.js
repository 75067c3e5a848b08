// The decryption ceremony (解密): two steps in reverse order of encryption, each opened by its
// holder with their passphrase: first 二次 (marking code → check-in code) by the 监督, then 一次
// (check-in code → contestant) by the 加密裁判. A step that may not run yet is disabled with the
// reason. Only once both layers are open does the mapping table show; before, nothing here (or in
// any other screen) says who is behind a code.
import { el, call, errorText, field, table, show, session, ApiError } from './core.js';
import { cc, paths, rowsOf, fmtDate, flash, confirmBox, staffList, rerender, stageLine } from './competition.js';
import { sealOf, holderName, progressOf } from './competition-final.js';

/** The ceremony's state: each layer's opening, whether marking is locked and the recheck done
 * (null when the reader may not see it; the server checks anyway). */
export function ceremony(state, prog, recheck) {
  const first = sealOf(state, 'encryptor');
  const second = sealOf(state, 'supervisor');
  return {
    second: second.openedAt,
    first: first.openedAt,
    encrypted: second.sealedAt,
    locked: prog ? !!prog.all_locked : null,
    recheck: recheck === null ? null : recheck === 'corrections',
  };
}

/** Why a step cannot run now, or '' when it can (the server checks again). */
export function blocked(step, c, holders, me) {
  if (step === 'second') {
    if (c.second) return cc('decrypt.doneAt', { at: fmtDate(c.second) });
    if (!c.encrypted) return cc('decrypt.notEncrypted');
    if (c.locked === false) return cc('decrypt.notLocked');
    if (c.recheck === false) return cc('decrypt.recheckPending');
    if (holders.supervisor.id && holders.supervisor.id !== me) return cc('decrypt.onlySupervisor', { who: holders.supervisor.name ? cc('decrypt.whoName', { name: holders.supervisor.name }) : '' });
    return '';
  }
  if (c.first) return cc('decrypt.doneAt', { at: fmtDate(c.first) });
  if (!c.second) return cc('decrypt.secondFirst');
  if (holders.encryptor.id && holders.encryptor.id !== me) return cc('decrypt.onlyEncryptor', { who: holders.encryptor.name ? cc('decrypt.whoName', { name: holders.encryptor.name }) : '' });
  return '';
}

/** #/competitions/stages/{sid}/decrypt */
export async function render({ root, params, query, alive }) {
  const sid = Number(params[0]);
  const [state, prog, recheck, staff, line] = await Promise.all([
    call('GET', paths.seal(sid)), progressOf(sid),
    call('GET', paths.recheck(sid)).then((r) => r.state || r.status || null).catch((e) => (e.code === 'recheck_not_started' ? 'not_started' : null)),
    session.has('author') ? staffList() : [],
    stageLine(sid, query),
  ]);
  if (!alive()) return;
  const me = (session.user || {}).id;
  const c = ceremony(state, prog, recheck);
  const holders = { encryptor: sealOf(state, 'encryptor'), supervisor: sealOf(state, 'supervisor') };
  holders.encryptor.name = holderName(staff, holders.encryptor.id);
  holders.supervisor.name = holderName(staff, holders.supervisor.id);
  const msg = el('div', { class: 'msg', 'data-test': 'decrypt-message', 'aria-live': 'polite' });
  const fl = flash.take();
  if (fl) show(msg, 'ok', fl, { 'data-test': 'decrypt-flash' });
  const confirmSlot = el('div', {});

  function step(key, n, holderKey) {
    const why = blocked(key, c, holders, me);
    const done = key === 'second' ? !!c.second : !!c.first;
    const pass = el('input', { type: 'password', autocomplete: 'current-password', disabled: !!why, 'data-test': `decrypt-${key}-pass` });
    const m = el('div', { class: 'msg', 'data-test': `decrypt-${key}-message` });
    const open = el('button', { type: 'submit', class: 'primary big', disabled: !!why, 'data-test': `decrypt-${key}-open` }, cc(`decrypt.${key}Open`));
    const f = el('form', { novalidate: true }, field(cc('decrypt.passphrase', { who: cc(`seal.${holderKey}`) }), pass), m, el('div', { class: 'actions' }, open));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!pass.value) { show(m, 'error', cc('seal.needPass')); pass.focus(); return; }
      if (!(await confirmBox(confirmSlot, cc(`decrypt.${key}Question`), { yes: cc(`decrypt.${key}Open`), test: `decrypt-${key}-box` }))) return;
      open.disabled = true;
      try {
        await call('POST', paths.decrypt(sid), { body: { layer: key === 'second' ? 2 : 1, passphrase: pass.value } });
        flash.set(cc(`decrypt.${key}Done`));
        rerender();
      } catch (e) {
        show(m, 'error', errorText(e), { 'data-test': 'decrypt-error', 'data-code': e instanceof ApiError ? e.code : '' });
        open.disabled = false;
        pass.value = '';
      }
    });
    return el('article', { class: `card decrypt-step${done ? ' done' : ''}`, 'data-test': `decrypt-${key}`, 'data-done': String(done), 'data-blocked': String(!!why && !done) },
      el('h2', {}, cc('decrypt.stepN', { n }), ' ', cc(`decrypt.${key}Title`), ' ',
        done ? el('span', { class: 'badge state-open' }, cc('decrypt.opened')) : el('span', { class: 'badge state-upcoming' }, cc('decrypt.closed'))),
      el('p', { class: 'muted' }, cc(`decrypt.${key}What`), ' ', (holders[holderKey].name ? cc('decrypt.holder', { name: holders[holderKey].name }) : '')),
      holders[holderKey].commitment ? el('p', { class: 'muted' }, cc('decrypt.commitment', { n: holders[holderKey].rows }), ' ', el('code', { class: 'wrap', 'data-test': `decrypt-${key}-commitment` }, holders[holderKey].commitment)) : '',
      why ? el('p', { class: done ? 'ok' : 'notice notice-info', 'data-test': `decrypt-${key}-why` }, why) : '',
      done ? '' : f);
  }

  root.append(el('h1', { tabindex: '-1' }, cc('decrypt.title')), line, el('p', { class: 'muted' }, cc('decrypt.intro')), msg,
    step('second', 1, 'supervisor'), step('first', 2, 'encryptor'), confirmSlot);
  if (c.first && c.second) {
    let map = null;
    try { map = await call('GET', paths.mapping(sid)); } catch (e) {
      root.append(el('div', { class: 'notice notice-warn' }, errorText(e)));
    }
    if (!alive()) return;
    const rows = rowsOf(map, 'mapping', 'rows');
    const groupName = (gid) => { const g = ((line.competition || {}).groups || []).find((x) => x.id === gid); return g ? g.name : `#${gid}`; };
    if (map) {
      root.append(el('section', { 'aria-labelledby': 'map-h', 'data-test': 'mapping' },
        el('h2', { id: 'map-h' }, cc('decrypt.mapping', { n: rows.length })),
        table([
          { head: cc('decrypt.markingCode'), cell: (r) => el('code', {}, r.marking_code), cls: 'nowrap' },
          { head: cc('decrypt.checkinCode'), cell: (r) => el('code', {}, r.checkin_code), cls: 'nowrap' },
          { head: cc('decrypt.number'), cell: (r) => el('code', {}, r.number), cls: 'nowrap' },
          { head: cc('decrypt.name'), cell: (r) => r.name },
          { head: cc('decrypt.group'), cell: (r) => groupName(r.group_id) },
        ], rows, { 'aria-label': cc('decrypt.mappingTitle'), 'data-test': 'mapping-table' }, (r) => ({ 'data-number': r.number, 'data-code': r.marking_code }))));
    }
  } else {
    root.append(el('p', { class: 'muted', 'data-test': 'mapping-sealed' }, cc('decrypt.sealedNote')));
  }
}

