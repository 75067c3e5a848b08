// Review (审核): a bank's review queue (待审核 and flagged questions with their reasons, counts per
// status, the bank's two-person setting), and the review panel on a question's page (the actions
// its status allows, the comment, and every version's review record).
import {
  el, tc, call, errorText, heading, field, select, table, show, banks as loadBanks,
  fmtDate, statusText, checkbox,
} from './core.js';

const rt = (key, vars) => tc(`review.${key}`, vars);
const actionText = (a) => rt(`actions.${a}`);
const sourceText = (s) => rt(`sources.${s}`);

/** #/review?bank= : the review queue of one bank. */
export async function queue({ root, query, alive }) {
  const bankList = await loadBanks(true);
  if (!alive()) return;
  const code = query.get('bank') || (bankList[0] && bankList[0].code) || '';
  const bankSel = select(bankList.map((b) => [b.code, `${b.code} ${b.name}`]), code, { 'data-test': 'review-bank' });
  bankSel.addEventListener('change', () => { location.hash = `#/review?bank=${encodeURIComponent(bankSel.value)}`; });
  const msg = el('div', { class: 'msg', 'data-test': 'review-message' });
  const slot = el('div');
  root.replaceChildren(heading(rt('title')), el('p', { class: 'muted' }, rt('intro')),
    el('div', { class: 'toolbar' }, field(rt('bank'), bankSel)), msg, slot);
  if (!code) { show(msg, 'info', rt('noBanks')); return; }

  async function paint() {
    let q;
    try { q = await call('GET', `/api/banks/${encodeURIComponent(code)}/review`); } catch (e) { show(msg, 'error', errorText(e)); return; }
    if (!alive()) return;
    const rule = checkbox(rt('twoPerson'), q.review_required, { 'data-test': 'review-two-person' });
    rule.input.addEventListener('change', async () => {
      try {
        await call('PUT', `/api/banks/${encodeURIComponent(code)}/review-setting`, { body: { review_required: rule.input.checked } });
        show(msg, 'ok', rule.input.checked ? rt('twoPersonOn') : rt('twoPersonOff'));
      } catch (e) { rule.input.checked = !rule.input.checked; show(msg, 'error', errorText(e)); }
    });
    const counts = el('dl', { class: 'counts', 'data-test': 'review-counts' },
      ...Object.entries(q.counts).flatMap(([s, n]) => [el('dt', {}, statusText(s)), el('dd', { 'data-test': `review-count-${s}` }, String(n))]));
    const items = q.items.length ? table([
      { head: rt('ident'), cell: (r) => el('a', { href: `#/questions/${r.id}`, 'data-test': `review-open-${r.ident}` }, r.ident) },
      { head: rt('status'), cell: (r) => el('span', { class: `badge status-${r.status}` }, statusText(r.status)) },
      { head: rt('version'), cell: (r) => String(r.version), cls: 'num' },
      { head: rt('stem'), cell: (r) => r.stem },
      { head: rt('reason'), cell: (r) => (r.reason ? [el('span', { class: 'badge' }, sourceText(r.source)), ' ', el('span', { 'data-test': `review-reason-${r.ident}` }, r.reason)] : '') },
      { head: rt('since'), cell: (r) => fmtDate(r.since) },
    ], q.items, { 'aria-label': rt('queueLabel'), 'data-test': 'review-queue' })
      : el('p', { class: 'muted', 'data-test': 'review-empty' }, rt('empty'));
    slot.replaceChildren(
      el('div', { class: 'field' }, rule.wrap, el('div', { class: 'hint' }, rt('twoPersonHint'))),
      counts, el('h2', {}, rt('waiting')), items);
  }
  await paint();
}

/** The review panel of a question page. `onChange(dto)` is told the question's new state. */
export function panel(id, onChange) {
  const box = el('section', { class: 'review-panel', 'aria-label': rt('panelLabel'), 'data-test': 'review-panel' });
  const msg = el('div', { class: 'msg', 'data-test': 'review-panel-message' });
  const comment = el('textarea', { rows: 2, maxlength: 2000, 'data-test': 'review-comment' });
  let state = null;

  async function run(action) {
    try {
      state = await call('POST', `/api/questions/${id}/review/${action}`, { body: { comment: comment.value, expected_version: state.question.current_version } });
      comment.value = '';
      paint();
      show(msg, 'ok', rt('done', { action: actionText(action), status: statusText(state.question.status) }));
      onChange(state.question);
    } catch (e) { show(msg, 'error', errorText(e)); }
  }

  function paint() {
    const s = state;
    const st = s.question.status;
    const buttons = s.allowed.map((a) => el('button', {
      type: 'button', 'data-test': `review-${a}`, class: a === 'approve' || a === 'clear' ? 'primary' : '',
      onclick: () => run(a),
    }, actionText(a)));
    const byVersion = new Map();
    for (const e of s.entries) {
      if (!byVersion.has(e.version)) byVersion.set(e.version, []);
      byVersion.get(e.version).push(e);
    }
    const record = [...byVersion.entries()].sort((a, b) => b[0] - a[0]).map(([v, es]) => el('div', { class: 'review-version' },
      el('h3', {}, rt('versionHead', { version: v })),
      el('ul', { 'data-test': `review-record-${v}` }, ...es.map((e) => el('li', { 'data-test': 'review-entry' },
        el('strong', {}, actionText(e.action)), ' ',
        rt('entryLine', { from: statusText(e.from_status), to: statusText(e.to_status), who: e.user_name || rt('system'), at: fmtDate(e.at) }),
        e.source !== 'staff' ? [' ', el('span', { class: 'badge' }, sourceText(e.source))] : '',
        e.comment ? [el('br'), el('q', { class: 'review-comment' }, e.comment)] : '')))));
    box.replaceChildren(
      el('h2', {}, rt('panelTitle')),
      el('p', {}, rt('statusNow'), ' ', el('strong', { 'data-test': 'review-status', class: `badge status-${st}` }, statusText(st)),
        ' ', el('span', { class: 'muted', 'data-test': 'review-rule' }, s.review_required ? rt('ruleOn') : rt('ruleOff'))),
      s.own_work && (st === 'in_review' || st === 'flagged') ? el('p', { class: 'notice notice-warn', 'data-test': 'review-own-work' }, rt('ownWork')) : '',
      buttons.length ? field(rt('comment'), comment, { hint: rt('commentHint') }) : '',
      el('div', { class: 'toolbar', role: 'group', 'aria-label': rt('actionsLabel') }, ...buttons),
      msg,
      el('h3', {}, rt('record')),
      record.length ? el('div', {}, ...record) : el('p', { class: 'muted' }, rt('noRecord')));
  }

  async function load() {
    try { state = await call('GET', `/api/questions/${id}/review`); paint(); } catch (e) { show(msg, 'error', errorText(e)); box.replaceChildren(msg); }
  }
  load();
  return { box, reload: load };
}
