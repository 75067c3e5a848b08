// Corrections of locked practical marks (更正审批): a head judge asks, with a reason and their
// password; an admin or supervisor who is not the requester approves (a new version of the
// mark, the task result recomputed) or rejects with a note. The server refuses self-approval.
import { el, tc, call, errorText, heading, field, select, show, fmtNum } from './core.js';
import { fmtBeijing } from './practical.js';

const STATUSES = ['pending', 'approved', 'rejected'];

/** #/corrections?status= */
export async function render({ root, query, alive }) {
  const status = STATUSES.includes(query.get('status')) ? query.get('status') : 'pending';
  const list = await call('GET', '/api/practical/corrections', { query: { status } });
  if (!alive()) return;
  const msg = el('div', { class: 'msg', 'data-test': 'corrections-message', 'aria-live': 'polite' });
  const flash = sessionStorage.getItem('console.flash');
  sessionStorage.removeItem('console.flash');
  if (flash) show(msg, 'ok', flash, { 'data-test': 'corrections-flash' });
  const filter = select(STATUSES.map((s) => [s, tc(`corrections.status.${s}`)]), status, { 'data-test': 'corrections-status' });
  filter.addEventListener('change', () => { location.hash = `#/corrections${filter.value === 'pending' ? '' : `?status=${filter.value}`}`; });
  const rerender = () => window.dispatchEvent(new HashChangeEvent('hashchange'));

  function decide(c) {
    const note = el('input', { maxlength: '500', 'data-test': `correction-note-${c.id}`, placeholder: tc('corrections.notePlaceholder') });
    const approve = el('button', { type: 'button', class: 'primary', 'data-test': `correction-approve-${c.id}` }, tc('corrections.approve'));
    const reject = el('button', { type: 'button', class: 'danger', 'data-test': `correction-reject-${c.id}` }, tc('corrections.reject'));
    const out = el('div', { class: 'msg', 'data-test': `correction-message-${c.id}` });
    async function act(kind) {
      if (kind === 'reject' && !note.value.trim()) { show(out, 'error', tc('corrections.needNote')); note.focus(); return; }
      approve.disabled = true; reject.disabled = true;
      try {
        await call('POST', `/api/practical/corrections/${c.id}/${kind}`, note.value.trim() ? { body: { note: note.value.trim() } } : {});
        sessionStorage.setItem('console.flash', tc(kind === 'approve' ? 'corrections.approved' : 'corrections.rejected', { code: c.code, aspect: c.aspect_text || c.aspect }));
        rerender();
      } catch (e) {
        show(out, 'error', errorText(e), { 'data-test': 'correction-error' });
        approve.disabled = false; reject.disabled = false;
      }
    }
    approve.addEventListener('click', () => act('approve'));
    reject.addEventListener('click', () => act('reject'));
    return el('div', { class: 'correction-decide' }, field(tc('corrections.note'), note), el('div', { class: 'actions' }, approve, reject), out);
  }

  const entry = (v) => (v === null || v === undefined ? '—' : fmtNum(v));
  // One card per correction: a table is too narrow for the reason and the decision on a tablet.
  const card = (c) => el('article', { class: 'card correction', 'data-test': 'correction', 'data-correction': c.id, 'data-code': c.code },
    el('h2', {}, c.task_title || `#${c.task_id}`, ' ', el('span', { class: 'muted' }, tc('corrections.sessionN', { id: c.session_id }))),
    el('dl', { class: 'facts' },
      el('dt', {}, tc('corrections.candidate')), el('dd', {}, el('code', {}, c.code), c.name ? ` ${c.name}` : ''),
      el('dt', {}, tc('corrections.judge')), el('dd', {}, c.judge_name || `#${c.judge_id}`),
      el('dt', {}, tc('corrections.aspect')), el('dd', {}, `${tc('corrections.aspectN', { n: Number(c.aspect) + 1 })} ${c.aspect_text || ''}`),
      el('dt', {}, tc('corrections.change')), el('dd', { class: 'entry-change', 'data-test': 'correction-change' }, el('span', { class: 'old' }, entry(c.old_entry)), ' → ', el('strong', {}, entry(c.entry))),
      el('dt', {}, tc('corrections.reason')), el('dd', { class: 'pre' }, c.reason),
      el('dt', {}, tc('corrections.requestedBy')), el('dd', {}, `${c.requested_by_name || `#${c.requested_by}`} · ${fmtBeijing(c.requested_at)}`),
      ...(status === 'pending' ? [] : [
        el('dt', {}, tc('corrections.decision')),
        el('dd', {}, `${c.decided_by_name || (c.decided_by ? `#${c.decided_by}` : '')} · ${fmtBeijing(c.decided_at)}`, c.decision_note ? el('div', {}, c.decision_note) : '')])),
    status === 'pending' ? decide(c) : '');
  root.append(heading(tc('corrections.title')), el('p', { class: 'muted' }, tc('corrections.intro')),
    el('div', { class: 'toolbar' }, field(tc('corrections.show'), filter, { cls: 'inline' })),
    msg,
    list.length
      ? el('div', { class: 'corrections', 'data-test': 'corrections-list' }, ...list.map(card))
      : el('p', { class: 'muted', 'data-test': 'corrections-none' }, tc(`corrections.none.${status}`)));
}
