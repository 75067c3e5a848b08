// Certificates: the address their codes carry, issuing a session's certificates, the list with
// status (filter by session and status), downloads (one PDF, a session's ZIP), revoke / suspend /
// reinstate / reissue with a reason, certificate types with a live preview of the PDF, and the
// signing keys with rotation. Chinese first; every action states its reason.
import {
  el, tc, call, errorText, heading, field, select, table, show, fmtDate, download, session, checkbox, debounce,
} from './core.js';

const STATUSES = ['valid', 'suspended', 'revoked', 'superseded'];

const statusBadge = (s) => el('span', { class: `badge cs-${s}`, 'data-status': s }, tc(`certs.status.${s}`));

/** The tabs over every certificate screen. */
function tabs(current) {
  const items = [['list', '#/certificates'], ['types', '#/certificates/types']];
  if (session.has('admin')) items.push(['keys', '#/certificates/keys']);
  return el('nav', { class: 'subnav', 'aria-label': tc('certs.title') },
    el('ul', {}, ...items.map(([key, href]) => el('li', {},
      el('a', { href, 'aria-current': key === current ? 'page' : null, 'data-test': `certs-tab-${key}` }, tc(`certs.tabs.${key}`))))));
}

/** The address certificates carry, and whether issuing is possible now. */
export async function addressBanner() {
  const st = await call('GET', '/api/certificate-settings');
  const url = st.public_url ? el('code', { 'data-test': 'certs-public-url' }, st.public_url) : el('em', {}, tc('certs.addressMissing'));
  return {
    settings: st,
    node: el('div', { class: `notice ${st.usable ? 'notice-info' : 'notice-error'}`, role: st.usable ? 'status' : 'alert', 'data-test': 'certs-address', 'data-usable': String(st.usable) },
      tc('certs.address'), ' ', url, ' ', tc(`certs.addressSource.${st.source}`),
      st.usable ? '' : el('div', { 'data-test': 'certs-address-problem' }, tc('certs.cannotIssue'))),
  };
}

/** A row of buttons for one certificate's status changes, each asking for a reason first. */
function actionsFor(c, { onDone, msg }) {
  const slot = el('div', { class: 'confirm-slot' });
  const act = (action) => el('button', { type: 'button', 'data-test': `cert-${action}`, onclick: () => ask(action) }, tc(`certs.actions.${action}`));
  function ask(action) {
    const reason = el('input', { required: true, maxlength: '500', 'data-test': 'cert-reason', placeholder: tc('certs.reasonExample') });
    const extra = [];
    let name = null;
    if (action === 'reissue') {
      name = el('input', { value: c.holder_name, maxlength: '50', 'data-test': 'cert-reissue-name' });
      extra.push(field(tc('certs.reissueName'), name));
    }
    const go = el('button', { type: 'button', class: 'primary danger', 'data-test': 'cert-action-confirm', onclick: async () => {
      if (!reason.value.trim()) { show(msg, 'error', tc('certs.reasonRequired')); reason.focus(); return; }
      go.disabled = true;
      try {
        const body = action === 'reissue'
          ? { reason: reason.value.trim(), holder_name: name.value.trim() }
          : { reason: reason.value.trim() };
        await call('POST', `/api/certificates/${c.id}/${action}`, { body });
        show(msg, 'ok', tc(`certs.done.${action}`, { number: c.number }), { 'data-test': 'cert-action-done' });
        slot.replaceChildren();
        await onDone();
      } catch (e) { show(msg, 'error', errorText(e)); go.disabled = false; }
    } }, tc('certs.confirm'));
    const no = el('button', { type: 'button', onclick: () => slot.replaceChildren() }, tc('certs.cancel'));
    slot.replaceChildren(el('div', { class: 'notice notice-warn', role: 'alertdialog', 'aria-label': tc(`certs.actions.${action}`) },
      el('p', {}, tc(`certs.ask.${action}`, { number: c.number })),
      field(tc('certs.reason'), reason), ...extra, el('div', { class: 'actions' }, go, no)));
    reason.focus();
  }
  const pdf = el('button', { type: 'button', 'data-test': 'cert-pdf', onclick: async () => {
    try {
      const blob = await call('GET', `/api/certificates/${c.id}/pdf`, { accept: 'blob', timeoutMs: 60000 });
      download(blob, `${c.number}.pdf`);
    } catch (e) { show(msg, 'error', errorText(e)); }
  } }, tc('certs.actions.pdf'));
  const buttons = [pdf];
  if (c.status === 'valid') buttons.push(act('suspend'), act('revoke'), act('reissue'));
  if (c.status === 'suspended') buttons.push(act('reinstate'), act('revoke'));
  return el('div', {}, el('div', { class: 'row-actions' }, ...buttons), slot);
}

/** #/certificates (optionally ?session=ID&status=…) */
export async function list({ root, query, alive }) {
  const [sessions, banner] = await Promise.all([call('GET', '/api/sessions'), addressBanner()]);
  if (!alive()) return;
  const msg = el('div', { class: 'msg', 'data-test': 'certs-message' });
  const sessionPick = select([['', tc('certs.allSessions')], ...sessions.map((s) => [s.id, `#${s.id} ${s.name} ${s.number}`.trim()])],
    query.get('session') || '', { 'data-test': 'certs-session' });
  const statusPick = select([['', tc('certs.allStatuses')], ...STATUSES.map((s) => [s, tc(`certs.status.${s}`)])],
    query.get('status') || '', { 'data-test': 'certs-status' });
  const issueSlot = el('div', { 'data-test': 'certs-issue-slot' });
  const listSlot = el('div');

  function sessionTools() {
    const id = sessionPick.value;
    if (!id) { issueSlot.replaceChildren(el('p', { class: 'muted' }, tc('certs.pickSession'))); return; }
    const issue = el('button', { type: 'button', class: 'primary', 'data-test': 'certs-issue', disabled: !banner.settings.usable, onclick: async () => {
      issue.disabled = true;
      try {
        const r = await call('POST', `/api/sessions/${id}/certificates`, { timeoutMs: 120000 });
        if (r.certificate_type_id === null || r.certificate_type_id === undefined) show(msg, 'warn', tc('certs.noType'), { 'data-test': 'certs-issue-report' });
        else show(msg, 'ok', tc('certs.issued', { issued: r.issued, already: r.already_issued, notPassed: r.not_passed }), { 'data-test': 'certs-issue-report' });
        await load();
      } catch (e) { show(msg, 'error', errorText(e)); } finally { issue.disabled = !banner.settings.usable; }
    } }, tc('certs.issue'));
    const zip = el('button', { type: 'button', 'data-test': 'certs-zip', onclick: async () => {
      zip.disabled = true;
      try {
        const blob = await call('GET', `/api/sessions/${id}/certificates`, { query: { format: 'zip' }, accept: 'blob', timeoutMs: 300000 });
        download(blob, `certificates-session-${id}.zip`);
      } catch (e) { show(msg, 'error', errorText(e)); } finally { zip.disabled = false; }
    } }, tc('certs.zip'));
    issueSlot.replaceChildren(el('div', { class: 'actions' }, issue, zip,
      el('a', { class: 'button', href: `#/sessions/${id}/results` }, tc('certs.toResults'))),
    typePicker(id));
  }

  /** Which type the session issues. */
  function typePicker(id) {
    const wrap = el('div', { class: 'field-row' });
    call('GET', '/api/certificate-types').then(async (types) => {
      const current = await call('GET', `/api/sessions/${id}/certificate-type`).catch(() => null);
      const pick = select([['', tc('certs.noTypeOption')], ...types.map((t) => [t.id, `${t.code} ${t.title}`])],
        current && current.certificate_type_id, { 'data-test': 'certs-session-type' });
      pick.addEventListener('change', async () => {
        try {
          await call('PUT', `/api/sessions/${id}/certificate-type`, { body: { certificate_type_id: pick.value ? Number(pick.value) : null } });
          show(msg, 'ok', tc('certs.typeSet'), { 'data-test': 'certs-type-set' });
        } catch (e) { show(msg, 'error', errorText(e)); }
      });
      wrap.replaceChildren(field(tc('certs.sessionType'), pick));
    }).catch((e) => show(msg, 'error', errorText(e)));
    return wrap;
  }

  async function load() {
    const q = {};
    if (sessionPick.value) q.session_id = sessionPick.value;
    if (statusPick.value) q.status = statusPick.value;
    const certs = await call('GET', '/api/certificates', { query: q });
    if (!alive()) return;
    const names = new Map(sessions.map((s) => [s.id, `${s.name} ${s.number}`.trim()]));
    listSlot.replaceChildren(el('p', { class: 'muted', 'data-test': 'certs-count' }, tc('certs.count', { n: certs.length })),
      certs.length ? table([
        { head: tc('certs.number'), cell: (c) => el('code', {}, c.number) },
        { head: tc('certs.holder'), cell: (c) => c.holder_name },
        { head: tc('certs.session'), cell: (c) => (c.session_id ? names.get(c.session_id) || `#${c.session_id}` : '—') },
        { head: tc('certs.result'), cell: (c) => c.result },
        { head: tc('certs.issuedOn'), cell: (c) => c.issued_on },
        { head: tc('certs.statusCol'), cell: (c) => [statusBadge(c.status), c.status_reason ? el('div', { class: 'muted' }, c.status_reason) : ''] },
        { head: tc('certs.actionsCol'), cell: (c) => actionsFor(c, { onDone: load, msg }) },
      ], certs, { 'aria-label': tc('certs.tabs.list'), 'data-test': 'certs-table' }, (c) => ({ 'data-number': c.number, 'data-status': c.status }))
        : el('p', { class: 'muted', 'data-test': 'certs-none' }, tc('certs.none')));
  }

  const refresh = () => { sessionTools(); load().catch((e) => show(msg, 'error', errorText(e))); };
  sessionPick.addEventListener('change', refresh);
  statusPick.addEventListener('change', refresh);
  root.append(heading(tc('certs.title')), tabs('list'), banner.node, msg,
    el('div', { class: 'filters' }, field(tc('certs.session'), sessionPick), field(tc('certs.statusCol'), statusPick)),
    issueSlot, el('h2', {}, tc('certs.tabs.list')), listSlot);
  sessionTools();
  await load();
}

/** #/certificates/types */
export async function types({ root, alive }) {
  const list = await call('GET', '/api/certificate-types');
  if (!alive()) return;
  root.append(heading(tc('certs.tabs.types')), tabs('types'),
    el('div', { class: 'actions' }, el('a', { class: 'button primary', href: '#/certificates/types/new', 'data-test': 'cert-type-new' }, tc('certs.types.new'))),
    list.length ? table([
      { head: tc('certs.types.code'), cell: (t) => el('code', {}, t.code) },
      { head: tc('certs.types.titleCol'), cell: (t) => el('a', { href: `#/certificates/types/${t.id}`, 'data-test': 'cert-type-link' }, t.title) },
      { head: tc('certs.types.issuer'), cell: (t) => t.issuer_name },
      { head: tc('certs.types.validity'), cell: (t) => (t.validity_years ? tc('certs.types.years', { n: t.validity_years }) : tc('certs.types.noExpiry')) },
    ], list, { 'aria-label': tc('certs.tabs.types'), 'data-test': 'cert-types-table' }) : el('p', { class: 'muted' }, tc('certs.types.none')));
}

/** #/certificates/types/new and #/certificates/types/{id}: the form beside a live PDF preview. */
export async function typeEditor({ root, params, alive }) {
  let id = params[0] ? Number(params[0]) : null;
  const t = id ? await call('GET', `/api/certificate-types/${id}`) : {
    code: '', title: '', title_en: '', wording: tc('certs.types.wordingExample'), course: '', level: '',
    validity_years: 3, orientation: 'landscape', number_pattern: '{issuer}{year}{serial:6}', issuer_code: '', issuer_name: '',
    show_score: false, fields: null, accent: '#8B1A1A',
  };
  if (!alive()) return;
  const msg = el('div', { class: 'msg', 'data-test': 'cert-type-message' });
  const input = (key, attrs = {}) => el('input', { value: t[key] ?? '', 'data-test': `cert-type-${key}`, ...attrs });
  const f = {
    code: input('code', { required: true, maxlength: '16' }),
    title: input('title', { required: true, maxlength: '40' }),
    title_en: input('title_en', { maxlength: '100' }),
    wording: el('textarea', { rows: '4', 'data-test': 'cert-type-wording' }, t.wording || ''),
    course: input('course', { maxlength: '60' }),
    level: input('level', { maxlength: '30' }),
    validity_years: input('validity_years', { type: 'number', min: '1', max: '50' }),
    orientation: select([['landscape', tc('certs.types.landscape')], ['portrait', tc('certs.types.portrait')]], t.orientation, { 'data-test': 'cert-type-orientation' }),
    number_pattern: input('number_pattern'),
    issuer_code: input('issuer_code', { required: true, maxlength: '12' }),
    issuer_name: input('issuer_name', { required: true, maxlength: '40' }),
    accent: input('accent', { type: 'color' }),
  };
  const showScore = checkbox(tc('certs.types.showScore'), t.show_score, { 'data-test': 'cert-type-show_score' });
  const body = () => ({
    code: f.code.value.trim(), title: f.title.value.trim(), title_en: f.title_en.value.trim(), wording: f.wording.value,
    course: f.course.value.trim(), level: f.level.value.trim(),
    validity_years: f.validity_years.value ? Number(f.validity_years.value) : null,
    orientation: f.orientation.value, number_pattern: f.number_pattern.value.trim() || null,
    issuer_code: f.issuer_code.value.trim(), issuer_name: f.issuer_name.value.trim(), show_score: showScore.input.checked,
    fields: t.fields && t.fields.length ? t.fields : null, accent: f.accent.value.toUpperCase(),
  });
  const frame = el('iframe', { title: tc('certs.types.preview'), class: 'cert-preview', 'data-test': 'cert-type-preview' });
  const previewMsg = el('div', { class: 'msg', 'data-test': 'cert-type-preview-message' });
  let lastUrl = null;
  let seq = 0;
  async function preview() {
    const mine = ++seq;
    const b = body();
    // Nothing to show until the required fields are there (and no 422 for each keystroke).
    if (!b.code || !b.title || !b.issuer_code || !b.issuer_name) { show(previewMsg, 'info', tc('certs.types.previewNeeds')); return; }
    try {
      const blob = await call('POST', '/api/certificate-types/preview', { body: b, accept: 'blob', timeoutMs: 30000 });
      if (mine !== seq || !alive()) return;
      if (lastUrl) URL.revokeObjectURL(lastUrl);
      lastUrl = URL.createObjectURL(blob);
      frame.src = lastUrl;
      frame.dataset.ready = String(mine);
      frame.dataset.type = blob.type;
      frame.dataset.bytes = String(blob.size);
      show(previewMsg, '', '');
    } catch (e) { if (mine === seq) show(previewMsg, 'warn', `${tc('certs.types.previewFailed')} ${errorText(e)}`); }
  }
  const later = debounce(preview, 600);
  for (const c of [...Object.values(f), showScore.input]) { c.addEventListener('input', later); c.addEventListener('change', later); }
  const save = el('button', { type: 'submit', class: 'primary', 'data-test': 'cert-type-save' }, tc('certs.types.save'));
  const form = el('form', { class: 'cert-type-form', onsubmit: async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    try {
      const saved = id ? await call('PUT', `/api/certificate-types/${id}`, { body: body() }) : await call('POST', '/api/certificate-types', { body: body() });
      show(msg, 'ok', tc('certs.types.saved', { code: saved.code }), { 'data-test': 'cert-type-saved' });
      // From now on this form edits the saved type; the address follows without a re-render.
      if (!id) { id = saved.id; history.replaceState(null, '', `#/certificates/types/${saved.id}`); }
    } catch (e) { show(msg, 'error', errorText(e)); } finally { save.disabled = false; }
  } },
  field(tc('certs.types.code'), f.code, { hint: tc('certs.types.codeHint') }),
  field(tc('certs.types.titleCol'), f.title),
  field(tc('certs.types.titleEn'), f.title_en),
  field(tc('certs.types.wording'), f.wording, { hint: tc('certs.types.wordingHint') }),
  field(tc('certs.types.course'), f.course, { hint: tc('certs.types.courseHint') }),
  field(tc('certs.types.level'), f.level),
  field(tc('certs.types.validity'), f.validity_years, { hint: tc('certs.types.validityHint') }),
  field(tc('certs.types.orientation'), f.orientation),
  field(tc('certs.types.pattern'), f.number_pattern, { hint: tc('certs.types.patternHint') }),
  field(tc('certs.types.issuerCode'), f.issuer_code),
  field(tc('certs.types.issuer'), f.issuer_name),
  field(tc('certs.types.accent'), f.accent),
  showScore.wrap,
  el('div', { class: 'actions' }, save, el('button', { type: 'button', 'data-test': 'cert-type-refresh-preview', onclick: preview }, tc('certs.types.refreshPreview')),
    el('a', { class: 'button', href: '#/certificates/types' }, tc('certs.types.back'))));
  root.append(heading(id ? tc('certs.types.editTitle', { code: t.code }) : tc('certs.types.new')), tabs('types'), msg,
    el('div', { class: 'cert-type-editor' }, form,
      el('section', { class: 'cert-preview-wrap', 'aria-label': tc('certs.types.preview') }, el('h2', {}, tc('certs.types.preview')), previewMsg, frame,
        el('p', { class: 'muted' }, tc('certs.types.previewHint')))));
  preview();
}

/** #/certificates/keys (admins) */
export async function keys({ root, alive }) {
  const msg = el('div', { class: 'msg', 'data-test': 'cert-keys-message' });
  const slot = el('div');
  const confirmSlot = el('div', { class: 'confirm-slot' });
  async function load() {
    const doc = await call('GET', '/api/certificate-keys');
    if (!alive()) return;
    const state = (k) => (k.revoked_at ? 'revoked' : k.retired_at ? 'retired' : 'active');
    slot.replaceChildren(table([
      { head: tc('certs.keys.id'), cell: (k) => String(k.id), cls: 'num' },
      { head: tc('certs.keys.state'), cell: (k) => el('span', { class: `badge key-${state(k)}`, 'data-state': state(k) }, tc(`certs.keys.states.${state(k)}`)) },
      { head: tc('certs.keys.created'), cell: (k) => fmtDate(k.created_at) },
      { head: tc('certs.keys.retired'), cell: (k) => fmtDate(k.retired_at || k.revoked_at) },
      { head: tc('certs.keys.publicKey'), cell: (k) => el('code', { class: 'wrap' }, k.public_key) },
    ], doc.keys, { 'aria-label': tc('certs.tabs.keys'), 'data-test': 'cert-keys-table' }));
  }
  const rotate = el('button', { type: 'button', class: 'primary', 'data-test': 'cert-keys-rotate', onclick: () => {
    const yes = el('button', { type: 'button', class: 'primary danger', 'data-test': 'cert-keys-rotate-confirm', onclick: async () => {
      yes.disabled = true;
      try {
        const k = await call('POST', '/api/certificate-keys/rotate');
        show(msg, 'ok', tc('certs.keys.rotated', { id: k.id }), { 'data-test': 'cert-keys-rotated' });
        confirmSlot.replaceChildren();
        await load();
      } catch (e) { show(msg, 'error', errorText(e)); yes.disabled = false; }
    } }, tc('certs.keys.rotateConfirm'));
    const no = el('button', { type: 'button', onclick: () => confirmSlot.replaceChildren() }, tc('certs.cancel'));
    confirmSlot.replaceChildren(el('div', { class: 'notice notice-warn', role: 'alertdialog', 'aria-label': tc('certs.keys.rotate') }, tc('certs.keys.rotateQuestion'), ' ', yes, ' ', no));
    yes.focus();
  } }, tc('certs.keys.rotate'));
  root.append(heading(tc('certs.tabs.keys')), tabs('keys'), msg, el('p', { class: 'muted' }, tc('certs.keys.explain')),
    el('div', { class: 'actions' }, rotate), confirmSlot, slot);
  await load();
}
