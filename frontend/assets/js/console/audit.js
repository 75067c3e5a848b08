// The audit log (admins): who did what and when, newest first, filtered by actor, action,
// session and time; the details as labelled lines, not JSON; paged by "older entries".
import { el, tc, call, errorText, heading, field, select, table, show, hasText, fmtDate, download } from './core.js';

const PAGE = 50;
// The action families the filter offers (the server matches by prefix).
const FAMILIES = ['user.', 'bank.', 'question.', 'media.', 'exam.', 'session.', 'candidate.', 'attempt.', 'room.', 'incident.', 'certificate.', 'certificate_type.', 'certificate_key.', 'export.'];

/** An action's name in the console's language, with the raw code when unknown. */
const actionText = (a) => (hasText(`audit.actions.${a.replace(/\./g, '_')}`) ? tc(`audit.actions.${a.replace(/\./g, '_')}`) : a);
const fieldText = (k) => (hasText(`audit.fields.${k}`) ? tc(`audit.fields.${k}`) : k);

function valueText(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? tc('audit.yes') : tc('audit.no');
  if (Array.isArray(v)) return v.length ? v.map(valueText).join('、') : '—';
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${fieldText(k)}：${valueText(x)}`).join('；');
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return fmtDate(v);
  return String(v);
}

/** The detail object as a small definition list. */
function details(d) {
  if (!d || typeof d !== 'object' || !Object.keys(d).length) return el('span', { class: 'muted' }, '—');
  return el('dl', { class: 'audit-detail' }, ...Object.entries(d).flatMap(([k, v]) => [el('dt', {}, fieldText(k)), el('dd', {}, valueText(v))]));
}

/** A datetime-local value to an ISO time (the viewer's zone), or ''. */
const iso = (v) => (v ? new Date(v).toISOString() : '');

/** #/audit?actor=&action=&session=&from=&to= */
export async function render({ root, query, alive }) {
  const actor = el('input', { value: query.get('actor') || '', 'data-test': 'audit-actor', autocapitalize: 'none', spellcheck: 'false' });
  const action = select([['', tc('audit.anyAction')], ...FAMILIES.map((f) => [f, tc(`audit.families.${f.slice(0, -1)}`)])], query.get('action') || '', { 'data-test': 'audit-action' });
  const sessionId = el('input', { type: 'number', min: '1', inputmode: 'numeric', value: query.get('session') || '', 'data-test': 'audit-session' });
  const from = el('input', { type: 'datetime-local', value: query.get('from') || '', 'data-test': 'audit-from' });
  const to = el('input', { type: 'datetime-local', value: query.get('to') || '', 'data-test': 'audit-to' });
  const msg = el('div', { class: 'msg', 'data-test': 'audit-message', 'aria-live': 'polite' });
  const out = el('div', { 'data-test': 'audit-results' });
  const more = el('button', { type: 'button', 'data-test': 'audit-more', hidden: true }, tc('audit.more'));
  let rows = [];

  const params = (before) => ({
    actor: actor.value.trim(), action: action.value, session: sessionId.value.trim(),
    from: iso(from.value), to: iso(to.value), limit: String(PAGE), before: before ? String(before) : '',
  });

  function paint() {
    out.replaceChildren(
      el('p', { 'data-test': 'audit-count' }, tc('audit.shown', { n: rows.length })),
      rows.length ? table([
        { head: tc('audit.at'), cell: (a) => fmtDate(a.at), cls: 'nowrap' },
        { head: tc('audit.actor'), cell: (a) => (a.actor === 'system' ? tc('audit.system') : a.actor) },
        { head: tc('audit.action'), cell: (a) => el('span', { 'data-test': 'audit-action-name', 'data-action': a.action, title: a.action }, actionText(a.action)) },
        { head: tc('audit.target'), cell: (a) => `${hasText(`audit.targets.${a.target_type}`) ? tc(`audit.targets.${a.target_type}`) : a.target_type} ${a.target_id}` },
        { head: tc('audit.detail'), cell: (a) => details(a.detail), cls: 'wide' },
      ], rows, { 'aria-label': tc('audit.title'), 'data-test': 'audit-table' }, (a) => ({ 'data-id': a.id, 'data-action': a.action }))
        : el('p', { class: 'muted' }, tc('audit.none')));
  }

  async function load(append) {
    const before = append && rows.length ? rows[rows.length - 1].id : null;
    show(msg, 'info', tc('loading'));
    try {
      const page = await call('GET', '/api/audit', { query: params(before) });
      rows = append ? rows.concat(page) : page;
      msg.replaceChildren();
      more.hidden = page.length < PAGE;
      paint();
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'audit-error' }); }
  }

  const form = el('form', { class: 'card search', role: 'search', 'data-test': 'audit-filter' },
    el('div', { class: 'grid' },
      field(tc('audit.actor'), actor, { hint: tc('audit.actorHint') }), field(tc('audit.action'), action),
      field(tc('audit.session'), sessionId), field(tc('audit.from'), from), field(tc('audit.to'), to)),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'primary', 'data-test': 'audit-search' }, tc('audit.search')),
      el('button', { type: 'button', 'data-test': 'audit-csv', onclick: async () => {
        try {
          const blob = await call('GET', '/api/audit', { query: { ...params(null), limit: '10000', format: 'csv' }, accept: 'blob', timeoutMs: 60000 });
          download(blob, 'audit.csv');
        } catch (e) { show(msg, 'error', errorText(e)); }
      } }, tc('audit.csv'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams(Object.entries({ actor: actor.value.trim(), action: action.value, session: sessionId.value.trim(), from: from.value, to: to.value }).filter(([, v]) => v));
    if (alive()) history.replaceState(null, '', `#/audit${q.toString() ? `?${q}` : ''}`);
    load(false);
  });
  more.addEventListener('click', () => load(true));
  root.append(heading(tc('audit.title')), el('p', { class: 'muted' }, tc('audit.intro')), form, msg, out, el('div', { class: 'actions' }, more));
  await load(false);
}
