// Importing a file into a bank: always a dry run first, its report as a table, then the real
// import of exactly the file and options the dry run checked.
import { el, tc, call, errorText, heading, field, select, show, banks as loadBanks, reportView, filePicker, checkbox, ApiError } from './core.js';

const FORMATS = ['native', 'gift', 'moodle_xml', 'aiken', 'qti', 'csv', 'xlsx'];
const CONFLICTS = ['reject', 'skip', 'update'];
// Large banks take a while on a slow venue machine.
const IMPORT_TIMEOUT_MS = 300000;

/** The totals an import report shows, in order. */
export const importTotals = (r) => [['total', r.total], ['imported', r.imported], ['updated', r.updated], ['unchanged', r.unchanged], ['skipped', r.skipped], ['conflicts', r.conflicts], ['images', r.images]];

/** #/import?bank= */
export async function render({ root, query, alive }) {
  const bankList = await loadBanks();
  if (!alive()) return;
  const bank = select(bankList.map((b) => [b.code, `${b.code} ${b.name}`]), query.get('bank') || (bankList[0] && bankList[0].code), { 'data-test': 'import-bank', required: true });
  const picker = filePicker({ 'data-test': 'import-file', required: true, accept: '.toml,.txt,.gift,.xml,.zip,.csv,.xlsx' });
  const file = picker.input;
  const format = select([['', tc('import.guess')], ...FORMATS.map((f) => [f, tc(`formats.${f}`)])], '', { 'data-test': 'import-format' });
  const onConflict = select(CONFLICTS.map((c) => [c, tc(`import.conflict.${c}`)]), 'reject', { 'data-test': 'import-on-conflict' });
  const asDrafts = checkbox(tc('edit.asDrafts'), false, { 'data-test': 'import-as-drafts' });
  const inReview = checkbox(tc('review.importInReview'), false, { 'data-test': 'import-in-review' });
  const dry = el('button', { type: 'submit', class: 'primary', 'data-test': 'import-dry-run' }, tc('import.dryRun'));
  const real = el('button', { type: 'button', disabled: true, 'data-test': 'import-run' }, tc('import.run'));
  const msg = el('div', { class: 'msg', 'data-test': 'import-message' });
  const out = el('div', { class: 'report-slot' });
  // What the last successful dry run checked; the real import needs the same.
  let checked = null;
  const current = () => ({ bank: bank.value, file: file.files[0], format: format.value, onConflict: onConflict.value, asDrafts: asDrafts.input.checked, inReview: inReview.input.checked });
  const same = (a, b) => a && b && a.bank === b.bank && a.file === b.file && a.format === b.format && a.onConflict === b.onConflict && a.asDrafts === b.asDrafts && a.inReview === b.inReview;
  const invalidate = () => { checked = null; real.disabled = true; };
  [bank, file, format, onConflict, asDrafts.input, inReview.input].forEach((c) => c.addEventListener('change', invalidate));

  async function run(dryRun) {
    const sel = current();
    if (!sel.file) { show(msg, 'error', tc('import.noFile')); file.focus(); return; }
    if (!dryRun && !same(sel, checked)) { show(msg, 'error', tc('import.dryFirst')); return; }
    dry.disabled = true;
    real.disabled = true;
    show(msg, 'info', dryRun ? tc('import.checking') : tc('import.importing'));
    try {
      const rep = await call('POST', `/api/banks/${encodeURIComponent(sel.bank)}/import`, {
        raw: sel.file,
        query: { format: sel.format, dry_run: String(dryRun), on_conflict: sel.onConflict, filename: sel.file.name, as_drafts: sel.asDrafts ? 'true' : '', in_review: sel.inReview ? 'true' : '' },
        timeoutMs: IMPORT_TIMEOUT_MS,
      });
      out.replaceChildren(reportView(rep, { test: 'import-report', totals: importTotals(rep), extraColumns: [{ head: tc('report.question'), cell: (r) => r.question || '', cls: 'nowrap' }] }));
      if (dryRun) {
        checked = sel;
        const n = rep.imported + rep.updated;
        show(msg, n ? 'ok' : 'warn', n ? tc('import.dryOk', { n, skipped: rep.skipped }) : tc('import.dryNothing'));
        real.disabled = n === 0;
      } else {
        checked = null;
        loadBanks(true).catch(() => {});
        msg.replaceChildren(el('div', { class: 'notice notice-ok', role: 'status', 'data-test': 'import-done' },
          tc('import.done', { imported: rep.imported, updated: rep.updated, skipped: rep.skipped }), ' ',
          el('a', { href: `#/banks?bank=${encodeURIComponent(sel.bank)}`, 'data-test': 'import-view-bank' }, tc('import.viewBank'))));
      }
    } catch (e) {
      // A conflict refusal carries the report: show it so the author sees which items clash.
      if (e instanceof ApiError && e.code === 'identifier_exists' && e.details && e.details.items) {
        out.replaceChildren(reportView(e.details, { test: 'import-report', totals: importTotals(e.details), extraColumns: [{ head: tc('report.question'), cell: (r) => r.question || '', cls: 'nowrap' }] }));
        show(msg, 'error', tc('import.conflicts', { n: e.details.conflicts }), { 'data-test': 'import-error' });
      } else {
        show(msg, 'error', errorText(e), { 'data-test': 'import-error' });
      }
      if (dryRun) checked = null;
    } finally {
      dry.disabled = false;
      real.disabled = !same(current(), checked);
    }
  }

  const form = el('form', { class: 'card', 'data-test': 'import-form', novalidate: true },
    el('div', { class: 'grid' },
      field(tc('import.bank'), bank),
      field(tc('import.file'), picker.wrap, { input: file, hint: tc('import.fileHint') }),
      field(tc('import.format'), format),
      field(tc('import.onConflict'), onConflict, { hint: tc('import.onConflictHint') })),
    el('div', { class: 'field' }, asDrafts.wrap, el('div', { class: 'hint' }, tc('edit.asDraftsHint'))),
    el('div', { class: 'field' }, inReview.wrap, el('div', { class: 'hint' }, tc('review.importInReviewHint'))),
    msg,
    el('div', { class: 'actions' }, dry, real));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(true); });
  real.addEventListener('click', () => run(false));
  root.append(heading(tc('import.title')), el('p', { class: 'muted' }, tc('import.intro')), form, out);
}
