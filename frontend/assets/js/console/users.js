// Staff accounts (admins): the list, a new account, roles, disabling and a new password. The
// server refuses an admin's removing their own admin role or disabling themselves; the screen
// does not offer it either. An account's affiliation (工作单位/学校) keeps a judge off the
// candidates of their own employer in practical tasks.
import { el, tc, call, errorText, heading, field, table, show, checkbox, session, fmtDate } from './core.js';

const ROLES = ['admin', 'author', 'proctor', 'judge', 'supervisor', 'arbitrator'];

function roleBoxes(held, prefix, lockAdmin) {
  const boxes = ROLES.map((r) => {
    const b = checkbox(tc(`roles.${r}`), held.includes(r), { 'data-test': `${prefix}-role-${r}`, value: r });
    if (lockAdmin && r === 'admin') { b.input.disabled = true; b.wrap.title = tc('users.ownAdmin'); }
    return b;
  });
  const wrap = el('fieldset', { class: 'roles-pick' }, el('legend', {}, tc('users.roles')), el('div', { class: 'toolbar' }, ...boxes.map((b) => b.wrap)));
  return { wrap, value: () => boxes.filter((b) => b.input.checked).map((b) => b.input.value) };
}

/** #/users */
export async function render({ root, alive }) {
  const users = await call('GET', '/api/users');
  if (!alive()) return;
  const me = session.user || {};
  const msg = el('div', { class: 'msg', 'data-test': 'users-message', 'aria-live': 'polite' });
  const editSlot = el('div', { 'data-test': 'user-edit-slot' });
  const rerender = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const flash = sessionStorage.getItem('console.flash');
  sessionStorage.removeItem('console.flash');
  if (flash) show(msg, 'ok', flash, { 'data-test': 'users-flash' });

  function editor(u) {
    const self = u.id === me.id;
    const name = el('input', { value: u.display_name, 'data-test': 'user-edit-name', maxlength: '100' });
    const affiliation = el('input', { value: u.affiliation || '', 'data-test': 'user-edit-affiliation', maxlength: '200' });
    const roles = roleBoxes(u.roles, 'user-edit', self);
    const password = el('input', { type: 'password', autocomplete: 'new-password', 'data-test': 'user-edit-password' });
    const emsg = el('div', { class: 'msg', 'data-test': 'user-edit-message' });
    const save = el('button', { type: 'submit', class: 'primary', 'data-test': 'user-edit-save' }, tc('users.save'));
    const setPw = el('button', { type: 'button', 'data-test': 'user-password-save', onclick: async () => {
      if (password.value.length < 8) { show(emsg, 'error', tc('users.passwordShort')); password.focus(); return; }
      setPw.disabled = true;
      try {
        await call('POST', `/api/users/${u.id}/password`, { body: { password: password.value } });
        password.value = '';
        show(emsg, 'ok', tc('users.passwordSet', { name: u.username }), { 'data-test': 'user-password-done' });
      } catch (e) { show(emsg, 'error', errorText(e), { 'data-test': 'user-edit-error' }); } finally { setPw.disabled = false; }
    } }, tc('users.setPassword'));
    const toggle = el('button', { type: 'button', class: u.disabled ? '' : 'danger', 'data-test': 'user-toggle', disabled: self, title: self ? tc('users.ownDisable') : null, onclick: async () => {
      try {
        await call('PATCH', `/api/users/${u.id}`, { body: { disabled: !u.disabled } });
        sessionStorage.setItem('console.flash', tc(u.disabled ? 'users.enabled' : 'users.disabledNow', { name: u.username }));
        rerender();
      } catch (e) { show(emsg, 'error', errorText(e), { 'data-test': 'user-edit-error' }); }
    } }, u.disabled ? tc('users.enable') : tc('users.disable'));
    const form = el('form', { class: 'card', 'data-test': 'user-edit-form', novalidate: true },
      el('h2', {}, tc('users.editTitle', { name: u.username })),
      self ? el('p', { class: 'notice notice-info' }, tc('users.selfNote')) : '',
      el('div', { class: 'grid' }, field(tc('users.displayName'), name), field(tc('users.affiliation'), affiliation, { hint: tc('users.affiliationHint') })),
      roles.wrap,
      el('div', { class: 'actions' }, save, toggle),
      el('div', { class: 'grid' }, field(tc('users.newPassword'), password, { hint: tc('users.passwordHint') })),
      el('div', { class: 'actions' }, setPw, el('button', { type: 'button', onclick: () => editSlot.replaceChildren() }, tc('users.close'))),
      emsg);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const chosen = roles.value();
      if (self && !chosen.includes('admin')) chosen.push('admin');
      if (!chosen.length) { show(emsg, 'error', tc('users.needRole')); return; }
      save.disabled = true;
      try {
        await call('PATCH', `/api/users/${u.id}`, { body: { display_name: name.value.trim() || u.username, roles: chosen, affiliation: affiliation.value.trim() } });
        sessionStorage.setItem('console.flash', tc('users.saved', { name: u.username }));
        rerender();
      } catch (e) { show(emsg, 'error', errorText(e), { 'data-test': 'user-edit-error' }); } finally { save.disabled = false; }
    });
    editSlot.replaceChildren(form);
    name.focus();
  }

  function creator() {
    const username = el('input', { required: true, autocapitalize: 'none', spellcheck: 'false', autocomplete: 'off', 'data-test': 'user-new-username' });
    const name = el('input', { 'data-test': 'user-new-name', maxlength: '100' });
    const affiliation = el('input', { 'data-test': 'user-new-affiliation', maxlength: '200' });
    const password = el('input', { type: 'password', autocomplete: 'new-password', 'data-test': 'user-new-password' });
    const roles = roleBoxes(['proctor'], 'user-new', false);
    const cmsg = el('div', { class: 'msg', 'data-test': 'user-new-message' });
    const submit = el('button', { type: 'submit', class: 'primary', 'data-test': 'user-create' }, tc('users.create'));
    const form = el('form', { class: 'card', 'data-test': 'user-new-form', novalidate: true },
      el('div', { class: 'grid' },
        field(tc('users.username'), username, { hint: tc('users.usernameHint') }),
        field(tc('users.displayName'), name),
        field(tc('users.affiliation'), affiliation, { hint: tc('users.affiliationHint') }),
        field(tc('users.password'), password, { hint: tc('users.passwordHint') })),
      roles.wrap, cmsg, el('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!username.value.trim() || !password.value) { show(cmsg, 'error', tc('users.needFields')); (username.value.trim() ? password : username).focus(); return; }
      if (!roles.value().length) { show(cmsg, 'error', tc('users.needRole')); return; }
      submit.disabled = true;
      try {
        const u = await call('POST', '/api/users', { body: { username: username.value.trim(), display_name: name.value.trim(), affiliation: affiliation.value.trim(), password: password.value, roles: roles.value() } });
        sessionStorage.setItem('console.flash', tc('users.created', { name: u.username }));
        rerender();
      } catch (e) { show(cmsg, 'error', errorText(e), { 'data-test': 'user-new-error' }); } finally { submit.disabled = false; }
    });
    return el('details', { class: 'new-bank', 'data-test': 'user-new' }, el('summary', { 'data-test': 'user-new-open' }, tc('users.new')), form);
  }

  const list = table([
    { head: tc('users.username'), cell: (u) => el('code', {}, u.username) },
    { head: tc('users.displayName'), cell: (u) => u.display_name },
    { head: tc('users.affiliation'), cell: (u) => u.affiliation || '' },
    { head: tc('users.roles'), cell: (u) => el('span', { class: 'roles' }, ...u.roles.map((r) => el('span', { class: 'badge role' }, tc(`roles.${r}`)))) },
    { head: tc('users.state'), cell: (u) => el('span', { class: `badge ${u.disabled ? 'state-closed' : 'state-open'}`, 'data-test': 'user-state' }, u.disabled ? tc('users.disabled') : tc('users.active')) },
    { head: tc('users.createdAt'), cell: (u) => fmtDate(u.created_at) },
    { head: tc('users.actions'), cell: (u) => el('button', { type: 'button', 'data-test': `user-edit-${u.username}`, onclick: () => editor(u) }, tc('users.edit')) },
  ], users, { 'aria-label': tc('users.title'), 'data-test': 'users-table' }, (u) => ({ 'data-username': u.username }));
  root.append(heading(tc('users.title')), el('p', { class: 'muted' }, tc('users.intro')), msg, creator(), list, editSlot);
}
