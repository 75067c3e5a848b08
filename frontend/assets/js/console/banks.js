// Banks and questions: the bank list, a paged question search, and the question editor (each
// save is a new version, refused when someone else saved first).
import {
  el, tc, call, errorText, heading, field, select, table, show, banks as loadBanks,
  fmtDate, fmtNum, kindText, statusText, KINDS, QSTATUSES, ApiError, nextId, filePicker,
} from './core.js';
import { practicalEditor } from './scheme.js';
import { panel as reviewPanel } from './review.js';

const PER_PAGE = 20;
/** Statuses an author sets directly (the review states come from review actions). */
const PLAIN = ['draft', 'active', 'retired'];

/** #/banks?bank=&q=&kind=&status=&difficulty=&page= */
export async function list({ root, query, alive }) {
  const bankList = await loadBanks(true);
  if (!alive()) return;
  const f = {
    bank: query.get('bank') || '', q: query.get('q') || '', kind: query.get('kind') || '',
    status: query.get('status') || '', difficulty: query.get('difficulty') || '', page: Number(query.get('page') || 1),
  };

  const banksTable = table([
    { head: tc('banks.code'), cell: (b) => el('code', {}, b.code) },
    { head: tc('banks.name'), cell: (b) => [b.name, b.synthetic ? el('span', { class: 'badge' }, tc('banks.synthetic')) : ''] },
    { head: tc('banks.questions'), cell: (b) => String(b.questions), cls: 'num' },
    { head: tc('banks.updated'), cell: (b) => fmtDate(b.updated_at) },
    { head: tc('banks.actions'), cell: (b) => el('div', { class: 'row-actions' },
      el('button', { type: 'button', 'data-test': `bank-open-${b.code}`, onclick: () => { bankSel.value = b.code; f.page = 1; search(true); } }, tc('banks.showQuestions')),
      el('a', { class: 'button', href: `#/questions/new?bank=${encodeURIComponent(b.code)}`, 'data-test': `bank-new-question-${b.code}` }, tc('edit.newQuestion'))) },
  ], bankList, { 'aria-label': tc('banks.listLabel'), 'data-test': 'banks-table' });

  const bankSel = select([['', tc('banks.allBanks')], ...bankList.map((b) => [b.code, `${b.code} ${b.name}`])], f.bank, { name: 'bank', 'data-test': 'search-bank' });
  const q = el('input', { name: 'q', type: 'search', value: f.q, 'data-test': 'search-text' });
  const kind = select([['', tc('banks.anyKind')], ...KINDS.map((k) => [k, kindText(k)])], f.kind, { name: 'kind', 'data-test': 'search-kind' });
  const status = select([['', tc('banks.anyStatus')], ...QSTATUSES.map((s) => [s, statusText(s)])], f.status, { name: 'status', 'data-test': 'search-status' });
  const difficulty = select([['', tc('banks.anyDifficulty')], ...[1, 2, 3, 4, 5].map((d) => [String(d), String(d)])], f.difficulty, { name: 'difficulty', 'data-test': 'search-difficulty' });
  const form = el('form', { class: 'card search', role: 'search', 'data-test': 'question-search' },
    el('div', { class: 'grid' },
      field(tc('banks.bank'), bankSel), field(tc('banks.text'), q), field(tc('banks.kind'), kind),
      field(tc('banks.status'), status), field(tc('banks.difficulty'), difficulty)),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', 'data-test': 'search-submit' }, tc('banks.search'))));
  const out = el('div', { class: 'results', 'aria-live': 'polite' });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); f.page = 1; search(false); });

  async function search(scroll) {
    Object.assign(f, { bank: bankSel.value, q: q.value.trim(), kind: kind.value, status: status.value, difficulty: difficulty.value });
    const params = new URLSearchParams(Object.entries(f).filter(([, v]) => v !== '' && v !== 1 && v !== '1').map(([k, v]) => [k, String(v)]));
    // Keep the search in the address (without re-rendering) so "back" from a question returns
    // here; never when the user has already moved on to another screen.
    if (alive() && /^#\/banks(\?|$)/.test(location.hash)) history.replaceState(null, '', `#/banks${params.toString() ? `?${params}` : ''}`);
    show(out, 'info', tc('loading'));
    try {
      const page = await call('GET', '/api/questions', { query: { ...f, per_page: PER_PAGE } });
      out.replaceChildren(resultsView(page));
      if (scroll) out.scrollIntoView({ block: 'start' });
    } catch (e) {
      show(out, 'error', errorText(e));
    }
  }

  function resultsView(page) {
    const pages = Math.max(1, Math.ceil(page.total / page.per_page));
    const go = (n) => { f.page = n; search(true); };
    const rows = table([
      { head: tc('banks.ident'), cell: (r) => el('a', { href: `#/questions/${r.id}`, 'data-test': 'question-link' }, r.ident) },
      { head: tc('banks.bank'), cell: (r) => r.bank },
      { head: tc('banks.kind'), cell: (r) => kindText(r.kind) },
      { head: tc('banks.status'), cell: (r) => el('span', { class: `badge status-${r.status}` }, statusText(r.status)) },
      { head: tc('banks.difficultyShort'), cell: (r) => String(r.difficulty), cls: 'num' },
      { head: tc('banks.points'), cell: (r) => fmtNum(r.points), cls: 'num' },
      { head: tc('banks.stem'), cell: (r) => el('span', { class: 'stem-cell' }, r.stem), cls: 'wide' },
    ], page.items, { 'aria-label': tc('banks.resultsLabel'), 'data-test': 'question-results' }, (r) => ({ 'data-ident': r.ident, 'data-id': r.id }));
    return el('div', {},
      el('p', { 'data-test': 'question-total' }, tc('banks.found', { n: page.total })),
      page.items.length ? rows : el('p', { class: 'muted' }, tc('banks.none')),
      el('nav', { class: 'pager', 'aria-label': tc('banks.pager') },
        el('button', { type: 'button', disabled: f.page <= 1, 'data-test': 'page-prev', onclick: () => go(f.page - 1) }, tc('banks.prev')),
        el('span', { 'data-test': 'page-info' }, tc('banks.pageOf', { page: f.page, pages })),
        el('button', { type: 'button', disabled: f.page >= pages, 'data-test': 'page-next', onclick: () => go(f.page + 1) }, tc('banks.next'))));
  }

  root.append(
    heading(tc('banks.title')),
    el('section', { 'aria-labelledby': 'banks-h' }, el('h2', { id: 'banks-h' }, tc('banks.banks')), banksTable, newBankForm()),
    el('section', { 'aria-labelledby': 'search-h' }, el('h2', { id: 'search-h' }, tc('banks.searchTitle')), form, out));
  search(false);
}

/** The form that makes an empty bank (code, name, description). */
function newBankForm() {
  const code = el('input', { required: true, maxlength: '32', autocapitalize: 'characters', spellcheck: 'false', 'data-test': 'bank-code', placeholder: 'LAW' });
  const name = el('input', { required: true, maxlength: '200', 'data-test': 'bank-name', placeholder: tc('edit.bankNameExample') });
  const description = el('input', { maxlength: '2000', 'data-test': 'bank-description' });
  const msg = el('div', { class: 'msg', 'data-test': 'bank-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-test': 'bank-create' }, tc('edit.createBank'));
  const form = el('form', { class: 'card', 'data-test': 'bank-form', novalidate: true },
    el('div', { class: 'grid' },
      field(tc('banks.code'), code, { hint: tc('edit.bankCodeHint') }), field(tc('banks.name'), name), field(tc('edit.bankDescription'), description)),
    msg, el('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!code.value.trim() || !name.value.trim()) { show(msg, 'error', tc('edit.bankNeeds')); (code.value.trim() ? name : code).focus(); return; }
    submit.disabled = true;
    try {
      const b = await call('POST', '/api/banks', { body: { code: code.value.trim().toUpperCase(), name: name.value.trim(), description: description.value.trim() } });
      await loadBanks(true);
      sessionStorage.setItem('console.flash', tc('edit.bankCreated', { code: b.code, name: b.name }));
      location.hash = `#/questions/new?bank=${encodeURIComponent(b.code)}`;
    } catch (e) {
      show(msg, 'error', errorText(e), { 'data-test': 'bank-error' });
    } finally { submit.disabled = false; }
  });
  return el('details', { class: 'new-bank', 'data-test': 'bank-new' }, el('summary', { 'data-test': 'bank-new-open' }, tc('edit.newBank')), form);
}

/** A stem as the tablet shows it: plain text, images written as ![alt](/api/media/<sha256>). */
function stemPreview(text) {
  const node = el('div', { class: 'stem stem-preview', 'data-test': 'q-preview' });
  const re = /!\[([^\]]*)\]\((\/api\/media\/[0-9a-f]{64})\)/g;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    node.append(text.slice(last, m.index), el('img', { src: m[2], alt: m[1] || tc('edit.image'), 'data-test': 'q-preview-image' }));
    last = re.lastIndex;
  }
  node.append(text.slice(last));
  return node;
}

/** A new question's starting body. */
function blankBody() {
  return { ident: '', kind: 'single', category: [], stem: '', options: ['', '', '', ''], key: { type: 'choice', correct: [] }, points: 1, difficulty: 3, explanation: '', source: '', tags: [], status: 'active' };
}

/** The blanks a fill-in stem marks with ___. */
const blankCount = (stem) => (stem.match(/_{3,}/g) || []).length;

function defaultKey(kind) {
  if (kind === 'single' || kind === 'multiple') return { type: 'choice', correct: [] };
  if (kind === 'true_false') return { type: 'true_false', value: true };
  if (kind === 'fill') return { type: 'blanks', accepted: [] };
  return { type: 'open', reference: '' };
}

const letter = (i) => String.fromCharCode(65 + i);

/** #/questions/{id}: read, edit (new version), change status. */
export async function question({ root, params, query, alive }) {
  const creating = params[0] === 'new';
  const id = creating ? null : Number(params[0]);
  const bankList = await loadBanks().catch(() => []);
  if (!alive()) return;
  const newBank = query.get('bank') || (bankList[0] && bankList[0].code) || '';
  let dto = creating
    ? { id: null, bank: newBank, version: 0, current_version: 0, updated_at: null, body: blankBody() }
    : await call('GET', `/api/questions/${id}`);
  if (!alive()) return;

  const title = heading('');
  const meta = el('p', { class: 'muted', 'data-test': 'question-meta' });
  const msg = el('div', { class: 'msg', 'data-test': 'question-message' });
  const statusBar = el('div', { class: 'toolbar status-bar', role: 'group', 'aria-label': tc('question.statusLabel') });
  const formSlot = el('div');
  const history = el('details', { class: 'versions' }, el('summary', {}, tc('question.versions')));
  let m; // the body being edited

  function paintHeader() {
    if (creating) {
      title.textContent = tc('edit.newQuestionTitle');
      meta.replaceChildren();
      statusBar.replaceChildren();
      return;
    }
    title.textContent = tc('question.title', { ident: dto.body.ident || dto.id });
    const bank = bankList.find((b) => b.code === dto.bank);
    meta.textContent = tc('question.meta', { bank: bank ? `${bank.code} ${bank.name}` : dto.bank, version: dto.version, current: dto.current_version, updated: fmtDate(dto.updated_at) });
    const st = dto.body.status || 'active';
    statusBar.replaceChildren(
      el('span', {}, tc('question.status'), ' ', el('strong', { 'data-test': 'question-status', class: `badge status-${st}` }, statusText(st))),
      // The plain moves; the review panel below has every lifecycle action with its comment.
      ...PLAIN.filter((s) => s !== st).map((s) => el('button', { type: 'button', 'data-test': `status-${s}`, onclick: () => setStatus(s) }, tc(`question.setStatus.${s}`))));
  }

  async function setStatus(s) {
    try {
      dto = await call('POST', `/api/questions/${id}/status`, { body: { status: s } });
      load();
      if (review) review.reload();
      show(msg, 'ok', tc('question.statusChanged', { status: statusText(s), version: dto.version }));
    } catch (e) { show(msg, 'error', errorText(e)); }
  }

  function load() {
    m = JSON.parse(JSON.stringify(dto.body));
    paintHeader();
    formSlot.replaceChildren(editor());
    loadVersions();
  }

  async function loadVersions() {
    if (creating) return;
    try {
      const vs = await call('GET', `/api/questions/${id}/versions`);
      history.replaceChildren(el('summary', {}, tc('question.versions')), el('ul', {}, ...vs.map((v) => el('li', {}, tc('question.versionLine', { version: v.version, at: fmtDate(v.created_at) })))));
    } catch (_) { /* history is a nicety */ }
  }

  function editor() {
    const kindSel = select(KINDS.map((k) => [k, kindText(k)]), m.kind, { 'data-test': 'q-kind' });
    const stem = el('textarea', { rows: '4', 'data-test': 'q-stem', required: true });
    stem.value = m.stem || '';
    const keySlot = el('div', { class: 'key-editor' });
    const points = el('input', { type: 'number', min: '0', step: '0.5', inputmode: 'decimal', value: m.points ?? 1, 'data-test': 'q-points' });
    const difficulty = select([1, 2, 3, 4, 5].map((d) => [String(d), String(d)]), m.difficulty ?? 3, { 'data-test': 'q-difficulty' });
    const category = el('input', { value: (m.category || []).join('/'), 'data-test': 'q-category' });
    const tags = el('input', { value: (m.tags || []).join(', '), 'data-test': 'q-tags' });
    const explanation = el('textarea', { rows: '3', 'data-test': 'q-explanation' });
    explanation.value = m.explanation || '';
    const source = el('input', { value: m.source || '', 'data-test': 'q-source' });
    const save = el('button', { type: 'submit', class: 'primary', 'data-test': 'q-save' }, creating ? tc('edit.createQuestion') : tc('question.save'));
    const bankPick = select(bankList.map((b) => [b.code, `${b.code} ${b.name}`]), dto.bank, { 'data-test': 'q-bank' });
    const statusPick = select(PLAIN.filter((x) => x !== 'retired').map((x) => [x, statusText(x)]), m.status || 'active', { 'data-test': 'q-status' });

    kindSel.addEventListener('change', () => {
      const before = m.kind;
      m.kind = kindSel.value;
      const choice = (k) => k === 'single' || k === 'multiple';
      if (!(choice(before) && choice(m.kind)) && !((before === 'short' || before === 'practical') && (m.kind === 'short' || m.kind === 'practical'))) m.key = defaultKey(m.kind);
      if (m.kind === 'single' && m.key.correct.length > 1) m.key.correct = m.key.correct.slice(0, 1);
      if (m.kind !== 'practical') { m.scheme = []; m.equipment = []; m.minutes = 0; }
      paintKey();
    });
    const preview = el('div', { class: 'preview-slot' });
    const paintPreview = () => preview.replaceChildren(el('div', { class: 'muted' }, tc('edit.preview')), stemPreview(stem.value));
    stem.addEventListener('input', () => { m.stem = stem.value; if (m.kind === 'fill') paintBlankHint(); paintPreview(); });
    const image = filePicker({ accept: 'image/png,image/jpeg,image/gif,image/webp,image/bmp', 'data-test': 'q-image-file' });
    const imageMsg = el('div', { class: 'msg', 'data-test': 'q-image-message' });
    const insertImage = el('button', { type: 'button', 'data-test': 'q-image-insert', onclick: async () => {
      const f = image.input.files[0];
      if (!f) { show(imageMsg, 'error', tc('edit.imageNone')); image.input.focus(); return; }
      insertImage.disabled = true;
      try {
        const media = await call('POST', '/api/media', { raw: f, timeoutMs: 60000 });
        const at = stem.selectionStart ?? stem.value.length;
        const tag = `![${tc('edit.image')}](${media.url})`;
        stem.value = `${stem.value.slice(0, at)}${tag}${stem.value.slice(stem.selectionEnd ?? at)}`;
        m.stem = stem.value;
        paintPreview();
        show(imageMsg, 'ok', tc('edit.imageInserted'), { 'data-test': 'q-image-done' });
      } catch (e) { show(imageMsg, 'error', errorText(e)); } finally { insertImage.disabled = false; }
    } }, tc('edit.imageInsert'));
    const imageRow = el('div', { class: 'image-row' }, field(tc('edit.imageFile'), image.wrap, { input: image.input, hint: tc('edit.imageHint') }), el('div', { class: 'actions' }, insertImage), imageMsg);
    paintPreview();

    let blankHint;
    function paintBlankHint() {
      if (blankHint) blankHint.textContent = tc('question.blanksInStem', { n: blankCount(m.stem || '') });
    }

    function paintKey() {
      keySlot.replaceChildren(...keyEditor());
      paintBlankHint();
    }

    function keyEditor() {
      const k = m.kind;
      if (k === 'single' || k === 'multiple') {
        m.options = m.options || [];
        const group = nextId('opt');
        const rows = m.options.map((text, i) => {
          const mark = el('input', { type: k === 'single' ? 'radio' : 'checkbox', name: group, id: nextId(), 'data-test': `q-correct-${i}` });
          mark.checked = m.key.correct.includes(i);
          mark.addEventListener('change', () => {
            if (k === 'single') m.key.correct = [i];
            else m.key.correct = m.key.correct.filter((c) => c !== i).concat(mark.checked ? [i] : []).sort((a, b) => a - b);
          });
          const input = el('input', { value: text, 'data-test': `q-option-${i}`, id: nextId() });
          input.addEventListener('input', () => { m.options[i] = input.value; });
          const remove = el('button', { type: 'button', class: 'danger', 'aria-label': tc('question.removeOption', { letter: letter(i) }), onclick: () => {
            m.options.splice(i, 1);
            m.key.correct = m.key.correct.filter((c) => c !== i).map((c) => (c > i ? c - 1 : c));
            paintKey();
          } }, '✕');
          return el('div', { class: 'option-row' },
            el('label', { class: 'check', for: mark.id }, mark, el('span', {}, tc('question.correct'))),
            el('label', { for: input.id, class: 'option-letter' }, tc('question.option', { letter: letter(i) })),
            input, remove);
        });
        const add = el('button', { type: 'button', 'data-test': 'q-add-option', disabled: m.options.length >= 8, onclick: () => { m.options.push(''); paintKey(); keySlot.querySelector(`[data-test="q-option-${m.options.length - 1}"]`).focus(); } }, tc('question.addOption'));
        return [el('fieldset', {}, el('legend', {}, k === 'single' ? tc('question.optionsSingle') : tc('question.optionsMultiple')), ...rows, add)];
      }
      m.options = [];
      if (k === 'true_false') {
        const name = nextId('tf');
        const radio = (val, text) => {
          const r = el('input', { type: 'radio', name, id: nextId(), 'data-test': `q-tf-${val}` });
          r.checked = m.key.value === val;
          r.addEventListener('change', () => { m.key.value = val; });
          return el('label', { class: 'check', for: r.id }, r, el('span', {}, text));
        };
        return [el('fieldset', {}, el('legend', {}, tc('question.tfKey')), el('div', { class: 'toolbar' }, radio(true, tc('question.true')), radio(false, tc('question.false'))))];
      }
      if (k === 'fill') {
        const ta = el('textarea', { rows: '3', 'data-test': 'q-blanks' });
        ta.value = (m.key.accepted || []).map((alts) => alts.join(' | ')).join('\n');
        ta.addEventListener('input', () => {
          m.key.accepted = ta.value.split('\n').map((l) => l.split('|').map((s) => s.trim()).filter(Boolean)).filter((a) => a.length);
        });
        blankHint = el('span');
        return [field(tc('question.blanks'), ta, { hint: el('span', {}, tc('question.blanksHint'), ' ', blankHint) })];
      }
      // short answer and practical task
      const ref = el('textarea', { rows: '4', 'data-test': 'q-reference' });
      ref.value = m.key.reference || '';
      ref.addEventListener('input', () => { m.key.reference = ref.value; });
      const rubric = el('textarea', { rows: '3', 'data-test': 'q-rubric' });
      rubric.value = m.rubric || '';
      rubric.addEventListener('input', () => { m.rubric = rubric.value; });
      const parts = [field(tc('question.reference'), ref), field(tc('question.rubric'), rubric)];
      if (k === 'practical') parts.push(practicalEditor(m, points));
      return parts;
    }

    const form = el('form', { class: 'card question-form', 'data-test': 'question-form', novalidate: true },
      el('div', { class: 'grid' }, field(tc('question.kind'), kindSel), field(tc('question.points'), points), field(tc('question.difficulty'), difficulty)),
      creating ? field(tc('edit.bank'), bankPick) : '',
      field(tc('question.stem'), stem, { hint: tc('question.stemHint') }),
      imageRow,
      preview,
      keySlot,
      el('div', { class: 'grid' }, field(tc('question.category'), category, { hint: tc('question.categoryHint') }), field(tc('question.tags'), tags, { hint: tc('question.tagsHint') })),
      field(tc('question.explanation'), explanation),
      field(tc('question.source'), source),
      creating ? field(tc('question.status').replace(/[：:]\s*$/, ''), statusPick, { hint: tc('edit.statusHint') }) : '',
      el('div', { class: 'actions' }, save, el('a', { class: 'button', href: '#/banks' }, tc('question.back'))));

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {
        ...m,
        stem: stem.value,
        points: Number(points.value),
        difficulty: Number(difficulty.value),
        category: category.value.split(/[/>]/).map((s) => s.trim()).filter(Boolean),
        tags: tags.value.split(/[,，]/).map((s) => s.trim()).filter(Boolean),
        explanation: explanation.value,
        source: source.value,
      };
      save.disabled = true;
      try {
        if (creating) {
          body.status = statusPick.value;
          const made = await call('POST', `/api/banks/${encodeURIComponent(bankPick.value)}/questions`, { body });
          sessionStorage.setItem('console.flash', tc('edit.questionCreated', { ident: made.body.ident }));
          location.hash = `#/questions/${made.id}`;
          return;
        }
        dto = await call('PUT', `/api/questions/${id}`, { body: { body, expected_version: dto.current_version } });
        load();
        show(msg, 'ok', tc('question.saved', { version: dto.version }), { 'data-test': 'question-saved' });
      } catch (e) {
        if (e instanceof ApiError && e.code === 'version_conflict') {
          msg.replaceChildren(el('div', { class: 'notice notice-error', role: 'alert', 'data-test': 'question-conflict' },
            el('strong', {}, tc('question.conflictTitle')), ' ', tc('question.conflictText'), ' ',
            el('button', { type: 'button', onclick: async () => { dto = await call('GET', `/api/questions/${id}`); load(); show(msg, 'info', tc('question.reloaded')); } }, tc('question.reload'))));
        } else if (e instanceof ApiError && e.code === 'invalid_question') {
          msg.replaceChildren(el('div', { class: 'notice notice-error', role: 'alert', 'data-test': 'question-invalid' },
            el('strong', {}, tc('question.invalidTitle')), ' ', errorText(e)));
        } else {
          show(msg, 'error', errorText(e));
        }
        msg.scrollIntoView({ block: 'nearest' });
      } finally {
        save.disabled = false;
      }
    });
    paintKey();
    return form;
  }

  // Review (审核): the actions the status allows, with a comment, and the record per version.
  const review = creating ? null : reviewPanel(id, (q) => { dto = q; paintHeader(); });
  root.append(title, meta, statusBar, msg, review ? review.box : '', formSlot, creating ? '' : history);
  load();
  const flash = sessionStorage.getItem('console.flash');
  if (flash) { sessionStorage.removeItem('console.flash'); show(msg, 'ok', flash, { 'data-test': 'question-flash' }); }
}
