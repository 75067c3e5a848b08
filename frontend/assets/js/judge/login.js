// The judge's login: their staff account (POST /api/auth/login), kept like the console keeps it.
import { api } from '../api.js';
import { el, tj, session, errorText, screen, heading, notice } from './core.js';

/** Shows the login; `then` runs after a successful login. */
export function renderLogin(then, message) {
  const username = el('input', { id: 'j-user', name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true, 'data-test': 'login-username' });
  const password = el('input', { id: 'j-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-test': 'login-password' });
  const msg = el('div', { 'data-test': 'login-error', 'aria-live': 'assertive' }, message ? notice('warn', message) : '');
  const submit = el('button', { type: 'submit', class: 'primary', 'data-test': 'login-submit' }, tj('login.submit'));
  const form = el('form', { class: 'card j-login', novalidate: true },
    heading(tj('login.title')),
    el('p', { class: 'muted' }, tj('login.hint')),
    el('label', { for: 'j-user' }, tj('login.username')), username,
    el('label', { for: 'j-pass' }, tj('login.password')), password,
    msg, submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!username.value.trim() || !password.value) { msg.replaceChildren(notice('error', tj('login.missing'))); return; }
    submit.disabled = true;
    try {
      const r = await api('POST', '/api/auth/login', { body: { username: username.value.trim(), password: password.value } });
      session.save(r);
      then();
    } catch (e) {
      msg.replaceChildren(notice('error', e.code === 'invalid_credentials' ? tj('login.wrong') : errorText(e)));
      password.select();
    } finally {
      submit.disabled = false;
    }
  });
  screen(el('section', { class: 'j-login-wrap', 'data-test': 'login' }, form));
  username.focus();
}
