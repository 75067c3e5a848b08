// Corrections of locked practical marks (更正审批): a head judge asks, with a reason and their
// password; an admin or supervisor who is not the requester approves (a new version of the
// mark, the task result recomputed) or rejects with a note. The server refuses self-approval.
import { el, tc, call, errorText, heading, field, select, table, show, fmtNum } from './core.js';
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
        await call('POST', `/api/practical/corrections/${c.id}/${kind}`, kind === 'reject' ? { body: { note: note.value.trim() } } : {});
        sessionStorage.setItem('console.flash', tc(kind === 'approve' ? 'corrections.approved' : 'corrections.rejected', { code: c.code, aspect: c.aspect_text || c.aspect }));
        rerender();
      } catch (e) {
        show(out, 'error', errorText(e), { 'data-test': 'correction-error' });
        approve.disabled = false; reject.disabled = false;
      }
    }
    approve.addEventListener('click', () => act('approve'));
    reject.addEventListener('click', () => act('reject'));
    return el('div', { class: 'correction-decide' }, field(tc('corrections.note'), note), el('div', { class: 'row-actions' }, approve, reject), out);
  }

  const entry = (v) => (v === null || v === undefined ? '—' : fmtNum(v));
  const columns = [
    { head: tc('corrections.task'), cell: (c) => [el('strong', {}, c.task_title || `#${c.task_id}`), el('div', { class: 'muted' }, tc('corrections.sessionN', { id: c.session_id }))] },
    { head: tc('corrections.candidate'), cell: (c) => [el('code', {}, c.code), c.name ? el('div', {}, c.name) : ''], cls: 'nowrap' },
    { head: tc('corrections.judge'), cell: (c) => c.judge_name || `#${c.judge_id}` },
    { head: tc('corrections.aspect'), cell: (c) => [el('span', { class: 'muted' }, `${tc('corrections.aspectN', { n: Number(c.aspect) + 1 })} `), c.aspect_text || ''] },
    { head: tc('corrections.change'), cell: (c) => el('span', { class: 'entry-change', 'data-test': 'correction-change' }, el('span', { class: 'old' }, entry(c.old_entry)), ' → ', el('strong', {}, entry(c.entry))), cls: 'nowrap' },
    { head: tc('corrections.reason'), cell: (c) => el('span', { class: 'pre' }, c.reason), cls: 'wide' },
    { head: tc('corrections.requestedBy'), cell: (c) => [c.requested_by_name || `#${c.requested_by}`, el('div', { class: 'muted' }, fmtBeijing(c.requested_at))] },
    status === 'pending'
      ? { head: tc('corrections.decide'), cell: (c) => decide(c) }
      : { head: tc('corrections.decision'), cell: (c) => [c.decided_by_name || (c.decided_by ? `#${c.decided_by}` : ''), el('div', { class: 'muted' }, fmtBeijing(c.decided_at)), c.decision_note ? el('div', {}, c.decision_note) : ''] },
  ];
  root.append(heading(tc('corrections.title')), el('p', { class: 'muted' }, tc('corrections.intro')),
    el('div', { class: 'toolbar' }, field(tc('corrections.show'), filter, { cls: 'inline' })),
    msg,
    list.length
      ? table(columns, list, { 'aria-label': tc('corrections.title'), 'data-test': 'corrections-table' }, (c) => ({ 'data-correction': c.id, 'data-code': c.code }))
      : el('p', { class: 'muted', 'data-test': 'corrections-none' }, tc(`corrections.none.${status}`)));
}
