// Exams: the list and the blueprint builder, which asks the server whether the banks can fill
// every cell while the author types, and marks the short cells.
import {
  el, tc, call, errorText, heading, field, select, checkbox, table, show, banks as loadBanks,
  fmtDate, fmtNum, kindText, KINDS, ApiError, debounce,
} from './core.js';

const POLICIES = ['all_or_nothing', 'proportional', 'penalty'];
const RELEASES = ['at_submit', 'by_staff'];
const REVIEWS = ['after_close', 'no_sittings_left'];
const CHECK_DELAY_MS = 400;

/** Total questions and points of a definition (for the list). */
function sums(def) {
  let questions = 0; let points = 0;
  for (const s of def.blueprint.sections) for (const c of s.cells) { questions += c.count; points += c.count * c.points; }
  return { questions, points };
}

/** #/exams */
export async function list({ root, alive }) {
  const exams = await call('GET', '/api/exams');
  if (!alive()) return;
  const msg = el('div', { class: 'msg', 'data-test': 'exams-message', 'aria-live': 'polite' });
  const flash = sessionStorage.getItem('console.flash');
  sessionStorage.removeItem('console.flash');
  if (flash) show(msg, 'ok', flash, { 'data-test': 'exams-flash' });
  // Deleting asks once more; a session that uses the exam makes the server refuse (exam_in_use).
  const remove = (e) => el('button', { type: 'button', class: 'danger', 'data-test': `exam-delete-${e.id}`, onclick: () => {
    const yes = el('button', { type: 'button', class: 'primary danger', 'data-test': 'exam-delete-confirm', onclick: async () => {
      yes.disabled = true;
      try {
        await call('DELETE', `/api/exams/${e.id}`);
        sessionStorage.setItem('console.flash', tc('edit.examDeleted', { name: e.definition.name }));
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (err) { show(msg, 'error', errorText(err), { 'data-test': 'exam-delete-error' }); }
    } }, tc('edit.deleteExamConfirm'));
    msg.replaceChildren(el('div', { class: 'notice notice-warn', role: 'alertdialog', 'aria-label': tc('edit.deleteExam') },
      tc('edit.deleteExamQuestion', { name: e.definition.name }), ' ', yes, ' ',
      el('button', { type: 'button', onclick: () => msg.replaceChildren() }, tc('edit.cancel'))));
    yes.focus();
  } }, tc('edit.deleteExam'));
  root.append(
    heading(tc('exams.title')),
    el('div', { class: 'actions' }, el('a', { class: 'button primary', href: '#/exams/new', 'data-test': 'exam-new' }, tc('exams.new'))),
    msg,
    exams.length ? table([
      { head: tc('exams.id'), cell: (e) => String(e.id), cls: 'num' },
      { head: tc('exams.name'), cell: (e) => el('a', { href: `#/exams/${e.id}`, 'data-test': 'exam-link' }, e.definition.name) },
      { head: tc('exams.questions'), cell: (e) => String(sums(e.definition).questions), cls: 'num' },
      { head: tc('exams.points'), cell: (e) => fmtNum(sums(e.definition).points), cls: 'num' },
      { head: tc('exams.timeLimit'), cell: (e) => tc('exams.minutes', { n: e.definition.time_limit_minutes }) },
      { head: tc('exams.passLine'), cell: (e) => fmtNum(e.definition.pass_line), cls: 'num' },
      { head: tc('exams.release'), cell: (e) => tc(`exams.releases.${e.definition.release || 'at_submit'}`) },
      { head: tc('exams.version'), cell: (e) => String(e.version), cls: 'num' },
      { head: tc('exams.updated'), cell: (e) => fmtDate(e.updated_at) },
      { head: tc('sessions.actions'), cell: (e) => remove(e) },
    ], exams, { 'aria-label': tc('exams.title'), 'data-test': 'exams-table' }) : el('p', { class: 'muted' }, tc('exams.none')));
}

function newCell(bank) {
  return { bank, category: null, kind: 'single', min_difficulty: 1, max_difficulty: 5, count: 10, points: 1 };
}

function newDefinition(bank) {
  return {
    name: '', time_limit_minutes: 60, pass_line: 6, multiple_policy: 'all_or_nothing', release: 'at_submit',
    shuffle_options: true, show_explanations: true, attempts_allowed: 1, avoid_seen_on_retake: true, review: 'after_close',
    blueprint: { sections: [{ title: tc('exams.defaultSection'), shuffle_questions: true, cells: [newCell(bank)] }], target_difficulty: null, tolerance: 0.3 },
  };
}

// The draft survives a language switch (which re-renders the screen).
let draft = null;

/** #/exams/new and #/exams/{id} */
export async function editor({ root, params, alive }) {
  const id = params[0] ? Number(params[0]) : null;
  const key = id ? `exam-${id}` : 'new';
  const bankList = await loadBanks();
  if (!alive()) return;
  let version = null;
  let def;
  if (draft && draft.key === key) {
    ({ def, version } = draft);
  } else {
    if (id) {
      const dto = await call('GET', `/api/exams/${id}`);
      if (!alive()) return;
      def = dto.definition;
      version = dto.version;
    } else {
      def = newDefinition(bankList[0] ? bankList[0].code : '');
    }
    draft = { key, def, version };
  }
  const bp = def.blueprint;

  const msg = el('div', { class: 'msg', 'data-test': 'exam-message' });
  const feas = el('section', { class: 'feasibility card', 'data-test': 'blueprint-feasibility', 'data-state': 'checking', 'aria-live': 'polite', 'aria-label': tc('exams.feasibility') });
  const sectionsSlot = el('div', { class: 'sections' });
  const categoryLists = el('div', { hidden: true });
  const loadedCats = new Set();

  const num = (v) => (v === '' || v === null || Number.isNaN(Number(v)) ? null : Number(v));
  const onEdit = () => { draft = { key, def, version }; scheduleCheck(); };

  function input(obj, prop, attrs, conv = (v) => v) {
    const i = el('input', attrs);
    i.value = obj[prop] ?? '';
    i.addEventListener('input', () => { obj[prop] = conv(i.value); onEdit(); });
    return i;
  }
  function chooser(obj, prop, options, attrs = {}, conv = (v) => v) {
    const s = select(options, obj[prop], attrs);
    s.addEventListener('change', () => { obj[prop] = conv(s.value); onEdit(); });
    return s;
  }
  function flag(obj, prop, text, attrs = {}) {
    const c = checkbox(text, obj[prop] !== false, attrs);
    c.input.addEventListener('change', () => { obj[prop] = c.input.checked; onEdit(); });
    return c.wrap;
  }

  // Category paths of a bank, offered as suggestions in the cells that draw from it.
  async function categories(code) {
    if (!code || loadedCats.has(code)) return;
    loadedCats.add(code);
    try {
      const tree = await call('GET', `/api/banks/${encodeURIComponent(code)}/categories`);
      const paths = [];
      const walk = (nodes) => nodes.forEach((n) => { paths.push([n.path, n.questions]); walk(n.children || []); });
      walk(tree);
      categoryLists.append(el('datalist', { id: `cats-${code}` }, ...paths.map(([p, n]) => el('option', { value: p }, tc('exams.categoryCount', { n })))));
    } catch (_) { loadedCats.delete(code); }
  }

  function cellView(section, si, cell, ci) {
    const bank = chooser(cell, 'bank', bankList.map((b) => [b.code, `${b.code} ${b.name}`]), { 'data-test': 'bp-bank' });
    const category = input(cell, 'category', { 'data-test': 'bp-category', list: `cats-${cell.bank}`, placeholder: tc('exams.categoryAny') }, (v) => (v.trim() ? v.trim() : null));
    bank.addEventListener('change', () => { category.setAttribute('list', `cats-${cell.bank}`); categories(cell.bank); });
    categories(cell.bank);
    const kind = chooser(cell, 'kind', KINDS.map((k) => [k, kindText(k)]), { 'data-test': 'bp-kind' });
    const levels = [1, 2, 3, 4, 5].map((d) => [String(d), String(d)]);
    const minD = chooser(cell, 'min_difficulty', levels, { 'data-test': 'bp-min-difficulty' }, Number);
    const maxD = chooser(cell, 'max_difficulty', levels, { 'data-test': 'bp-max-difficulty' }, Number);
    const count = input(cell, 'count', { type: 'number', min: '1', step: '1', inputmode: 'numeric', 'data-test': 'bp-count' }, num);
    const points = input(cell, 'points', { type: 'number', min: '0', step: '0.5', inputmode: 'decimal', 'data-test': 'bp-points' }, num);
    const remove = el('button', { type: 'button', class: 'danger', 'data-test': 'bp-remove-cell', disabled: section.cells.length <= 1, onclick: () => { section.cells.splice(ci, 1); paintSections(); onEdit(); } }, tc('exams.removeCell'));
    return el('fieldset', { class: 'bp-cell', 'data-test': 'bp-cell', 'data-section': si + 1, 'data-cell': ci + 1 },
      el('legend', {}, tc('exams.cell', { n: ci + 1 })),
      el('div', { class: 'cell-grid' },
        field(tc('exams.bank'), bank, { cls: 'wide' }), field(tc('exams.category'), category, { cls: 'wide' }),
        field(tc('exams.kind'), kind), field(tc('exams.minDifficulty'), minD), field(tc('exams.maxDifficulty'), maxD),
        field(tc('exams.count'), count), field(tc('exams.cellPoints'), points),
        el('div', { class: 'cell-foot' }, el('div', { class: 'cell-shortage', 'data-test': 'bp-cell-shortage', 'aria-live': 'polite' }), remove)));
  }

  function sectionView(section, si) {
    const title = input(section, 'title', { 'data-test': 'bp-section-title' });
    const add = el('button', { type: 'button', 'data-test': 'bp-add-cell', onclick: () => {
      const last = section.cells[section.cells.length - 1];
      section.cells.push(last ? { ...last } : newCell(bankList[0] && bankList[0].code));
      paintSections(); onEdit();
      const cells = sectionsSlot.querySelectorAll(`.bp-section[data-section="${si + 1}"] .bp-cell`);
      cells[cells.length - 1].querySelector('select').focus();
    } }, tc('exams.addCell'));
    const remove = el('button', { type: 'button', class: 'danger', 'data-test': 'bp-remove-section', disabled: bp.sections.length <= 1, onclick: () => { bp.sections.splice(si, 1); paintSections(); onEdit(); } }, tc('exams.removeSection'));
    return el('section', { class: 'bp-section card', 'data-test': 'bp-section', 'data-section': si + 1, 'aria-label': tc('exams.section', { n: si + 1 }) },
      el('h3', {}, tc('exams.section', { n: si + 1 }), ' ', el('span', { class: 'muted section-sum', 'data-test': 'bp-section-sum' })),
      el('div', { class: 'grid' }, field(tc('exams.sectionTitle'), title), el('div', { class: 'field' }, el('span', { class: 'label-like' }, tc('exams.order')), flag(section, 'shuffle_questions', tc('exams.shuffleQuestions')))),
      ...section.cells.map((c, ci) => cellView(section, si, c, ci)),
      el('div', { class: 'actions' }, add, remove));
  }

  function paintSections() {
    sectionsSlot.replaceChildren(...bp.sections.map(sectionView));
    paintSums();
    if (lastFeas) paintShortages(lastFeas.shortages || []);
  }

  function paintSums() {
    sectionsSlot.querySelectorAll('.bp-section').forEach((s, si) => {
      const sec = bp.sections[si];
      const q = sec.cells.reduce((a, c) => a + (c.count || 0), 0);
      const p = sec.cells.reduce((a, c) => a + (c.count || 0) * (c.points || 0), 0);
      s.querySelector('.section-sum').textContent = tc('exams.sectionSum', { q, p: fmtNum(p) });
    });
  }

  function paintShortages(shortages) {
    sectionsSlot.querySelectorAll('.bp-cell').forEach((c) => {
      c.classList.remove('short');
      c.removeAttribute('data-short');
      c.querySelector('.cell-shortage').replaceChildren();
    });
    for (const s of shortages) {
      const c = sectionsSlot.querySelector(`.bp-cell[data-section="${s.section}"][data-cell="${s.cell}"]`);
      if (!c) continue;
      c.classList.add('short');
      c.setAttribute('data-short', 'true');
      c.querySelector('.cell-shortage').replaceChildren(el('span', { class: 'error' }, tc('exams.shortCell', { needed: s.needed, available: s.available, missing: s.missing })));
    }
  }

  function shortageList(shortages) {
    return el('ul', { class: 'shortages', 'data-test': 'bp-shortages' }, ...shortages.map((s) => el('li', {},
      tc('exams.shortageLine', {
        section: s.section, cell: s.cell, bank: s.bank, kind: kindText(s.kind),
        category: s.category ? ` ${s.category}` : '', min: s.difficulty[0], max: s.difficulty[1],
        needed: s.needed, available: s.available, missing: s.missing,
      }))));
  }

  // Retakes that must repeat questions: the exam can be saved, but the author should know.
  function warningList(warnings) {
    return el('ul', { class: 'warnings', 'data-test': 'bp-warnings' }, ...warnings.map((w) => el('li', { 'data-code': w.code },
      el('span', { class: 'warn' }, '⚠ ', tc(`exams.warnings.${w.code}`, { sittings: w.sittings, repeats: w.repeats })),
      w.cells && w.cells.length ? el('ul', {}, ...w.cells.map((c) => el('li', {}, tc('exams.retakeCell', {
        section: c.section, cell: c.cell, bank: c.bank, kind: kindText(c.kind), needed: c.needed, available: c.available, missing: c.missing,
      })))) : null)));
  }

  let lastFeas = null;
  let checkSeq = 0;
  function paintFeasibility(state, f, err) {
    feas.setAttribute('data-state', state);
    const stat = (k, v, test) => el('div', { class: 'stat' }, el('span', { class: 'stat-label' }, tc(`exams.${k}`)), el('strong', { 'data-test': test }, v));
    const head = {
      checking: el('p', { class: 'muted' }, tc('exams.checking')),
      feasible: el('p', { class: 'ok', 'data-test': 'bp-verdict' }, '✓ ', tc('exams.feasible')),
      infeasible: el('p', { class: 'error', 'data-test': 'bp-verdict' }, '✗ ', tc('exams.infeasible', { n: f ? f.shortages.length : 0 })),
      error: el('p', { class: 'error', 'data-test': 'bp-verdict' }, err || ''),
    }[state];
    const parts = [el('h2', {}, tc('exams.feasibility')), head];
    if (f) {
      parts.push(el('div', { class: 'stats' },
        stat('totalQuestions', String(f.questions), 'bp-total-questions'),
        stat('totalPoints', fmtNum(f.total_points), 'bp-total-points'),
        stat('pool', String(f.pool), 'bp-pool')));
      if (f.shortages.length) parts.push(shortageList(f.shortages));
      if (f.warnings && f.warnings.length) parts.push(warningList(f.warnings));
    }
    feas.replaceChildren(...parts);
  }

  async function check() {
    const seq = ++checkSeq;
    // A missing name must not hide the feasibility while the author works on the cells.
    const body = { ...def, name: def.name && def.name.trim() ? def.name : tc('exams.untitled') };
    feas.setAttribute('data-state', 'checking');
    try {
      const f = await call('POST', '/api/exams/check', { body });
      if (seq !== checkSeq) return;
      lastFeas = f;
      paintFeasibility(f.feasible ? 'feasible' : 'infeasible', f);
      paintShortages(f.shortages);
    } catch (e) {
      if (seq !== checkSeq) return;
      lastFeas = null;
      paintFeasibility('error', null, errorText(e));
      paintShortages([]);
    }
  }
  const scheduleCheck = debounce(check, CHECK_DELAY_MS);
  const onEditSums = () => paintSums();
  sectionsSlot.addEventListener('input', onEditSums);

  const name = input(def, 'name', { required: true, 'data-test': 'exam-name', maxlength: '200' });
  const timeLimit = input(def, 'time_limit_minutes', { type: 'number', min: '1', max: '600', step: '1', inputmode: 'numeric', 'data-test': 'exam-time-limit' }, num);
  const passLine = input(def, 'pass_line', { type: 'number', min: '0', step: '0.5', inputmode: 'decimal', 'data-test': 'exam-pass-line' }, num);
  const policy = chooser(def, 'multiple_policy', POLICIES.map((p) => [p, tc(`exams.policies.${p}`)]), { 'data-test': 'exam-policy' });
  const release = chooser(def, 'release', RELEASES.map((r) => [r, tc(`exams.releases.${r}`)]), { 'data-test': 'exam-release' });
  const review = chooser(def, 'review', REVIEWS.map((r) => [r, tc(`exams.reviews.${r}`)]), { 'data-test': 'exam-review' });
  if (!def.review) def.review = 'after_close';
  const attempts = input(def, 'attempts_allowed', { type: 'number', min: '1', max: '10', step: '1', inputmode: 'numeric', 'data-test': 'exam-attempts' }, num);
  const target = input(bp, 'target_difficulty', { type: 'number', min: '1', max: '5', step: '0.1', inputmode: 'decimal', 'data-test': 'exam-target-difficulty', placeholder: tc('exams.targetAny') }, num);
  const tolerance = input(bp, 'tolerance', { type: 'number', min: '0', max: '4', step: '0.1', inputmode: 'decimal', 'data-test': 'exam-tolerance' }, num);
  // Issue 16: exposure cap (empty: none) and Rasch-equated pass marks; other draw settings keep
  // their server defaults unless the definition already sets them.
  if (!bp.draw) bp.draw = {};
  const exposureCap = input(bp.draw, 'exposure_cap', { type: 'number', min: '1', step: '1', inputmode: 'numeric', 'data-test': 'exam-exposure-cap', placeholder: tc('exams.exposureCapNone') }, num);
  def.equated_pass_mark = def.equated_pass_mark === true;
  const save = el('button', { type: 'submit', class: 'primary', 'data-test': 'exam-save' }, tc('exams.save'));
  const addSection = el('button', { type: 'button', 'data-test': 'bp-add-section', onclick: () => {
    bp.sections.push({ title: tc('exams.newSectionTitle', { n: bp.sections.length + 1 }), shuffle_questions: true, cells: [newCell(bankList[0] && bankList[0].code)] });
    paintSections(); onEdit();
    const titles = sectionsSlot.querySelectorAll('[data-test="bp-section-title"]');
    titles[titles.length - 1].focus();
  } }, tc('exams.addSection'));

  const form = el('form', { class: 'exam-form', 'data-test': 'exam-form', novalidate: true },
    el('section', { class: 'card', 'aria-labelledby': 'exam-general' },
      el('h2', { id: 'exam-general' }, tc('exams.general')),
      field(tc('exams.name'), name),
      el('div', { class: 'grid' },
        field(tc('exams.timeLimitLabel'), timeLimit), field(tc('exams.passLine'), passLine),
        field(tc('exams.policy'), policy, { hint: tc('exams.policyHint') }), field(tc('exams.release'), release),
        field(tc('exams.attempts'), attempts), field(tc('exams.review'), review, { hint: tc('exams.reviewHint') }), field(tc('exams.targetDifficulty'), target, { hint: tc('exams.targetHint') }),
        field(tc('exams.tolerance'), tolerance),
        field(tc('exams.exposureCap'), exposureCap, { hint: tc('exams.exposureCapHint') })),
      el('div', { class: 'toolbar' },
        flag(def, 'shuffle_options', tc('exams.shuffleOptions'), { 'data-test': 'exam-shuffle-options' }),
        flag(def, 'show_explanations', tc('exams.showExplanations'), { 'data-test': 'exam-show-explanations' }),
        flag(def, 'avoid_seen_on_retake', tc('exams.avoidSeen'), { 'data-test': 'exam-avoid-seen' }),
        flag(def, 'equated_pass_mark', tc('exams.equatedPassMark'), { 'data-test': 'exam-equated-pass-mark' }))),
    el('h2', {}, tc('exams.blueprint')),
    sectionsSlot,
    el('div', { class: 'actions' }, addSection),
    msg,
    el('div', { class: 'actions save-actions' }, save, el('a', { class: 'button', href: '#/exams' }, tc('exams.back'))));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!def.name || !def.name.trim()) { show(msg, 'error', tc('exams.needName')); name.focus(); return; }
    save.disabled = true;
    show(msg, 'info', tc('exams.saving'));
    try {
      const dto = id
        ? await call('PUT', `/api/exams/${id}`, { body: { definition: def, expected_version: version } })
        : await call('POST', '/api/exams', { body: def });
      draft = { key: `exam-${dto.id}`, def: dto.definition, version: dto.version };
      sessionStorage.setItem('console.flash', tc('exams.saved', { name: dto.definition.name, version: dto.version }));
      if (id) {
        version = dto.version;
        title.textContent = tc('exams.editTitle', { name: dto.definition.name, version });
        show(msg, 'ok', tc('exams.saved', { name: dto.definition.name, version: dto.version }), { 'data-test': 'exam-saved' });
        sessionStorage.removeItem('console.flash');
      } else {
        location.replace(`#/exams/${dto.id}`);
      }
    } catch (e) {
      if (e instanceof ApiError && e.code === 'blueprint_infeasible' && e.details) {
        msg.replaceChildren(el('div', { class: 'notice notice-error', role: 'alert', 'data-test': 'exam-save-error' },
          el('strong', {}, tc('exams.saveInfeasible')), shortageList(e.details.shortages || [])));
        lastFeas = e.details;
        paintFeasibility('infeasible', e.details);
        paintShortages(e.details.shortages || []);
      } else if (e instanceof ApiError && e.code === 'version_conflict') {
        msg.replaceChildren(el('div', { class: 'notice notice-error', role: 'alert', 'data-test': 'exam-save-error' },
          tc('exams.conflict'), ' ',
          el('button', { type: 'button', onclick: () => { draft = null; location.reload(); } }, tc('exams.reload'))));
      } else {
        show(msg, 'error', errorText(e), { 'data-test': 'exam-save-error' });
      }
    } finally {
      save.disabled = false;
    }
  });

  const flash = sessionStorage.getItem('console.flash');
  sessionStorage.removeItem('console.flash');
  if (flash) show(msg, 'ok', flash, { 'data-test': 'exam-saved' });

  const title = heading(id ? tc('exams.editTitle', { name: def.name, version }) : tc('exams.newTitle'));
  root.append(
    title,
    el('div', { class: 'exam-layout' }, form, el('aside', { class: 'exam-aside' }, feas)),
    categoryLists);
  paintSections();
  paintFeasibility('checking');
  check();
}
