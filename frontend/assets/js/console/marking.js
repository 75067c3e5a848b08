// Marking short answers: one anonymous answer at a time (work code, never the name) with the
// stem, reference answer and rubric; points and a comment, then the next one.
import { el, tc, call, errorText, heading, field, select, show, fmtNum, fmtDate, session, checkbox } from './core.js';

/** #/marking: choose a session (judges cannot list sessions, so they may type its number). */
export async function pick({ root, alive }) {
  let sessions = [];
  if (session.has('author', 'proctor')) {
    try { sessions = await call('GET', '/api/sessions'); } catch (_) { /* fall back to the number */ }
  }
  if (!alive()) return;
  const msg = el('div', { class: 'msg' });
  const control = sessions.length
    ? select(sessions.map((s) => [s.id, `#${s.id} ${s.name} ${s.number} ${s.venue}`.trim()]), sessions[0].id, { 'data-test': 'marking-session' })
    : el('input', { type: 'number', min: '1', step: '1', inputmode: 'numeric', required: true, 'data-test': 'marking-session' });
  const form = el('form', { class: 'card', novalidate: true },
    field(tc('marking.session'), control, { hint: sessions.length ? null : tc('marking.sessionHint') }),
    msg,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', 'data-test': 'marking-open' }, tc('marking.open'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const n = Number(control.value);
    if (!Number.isInteger(n) || n < 1) { show(msg, 'error', tc('marking.needSession')); control.focus(); return; }
    location.hash = `#/sessions/${n}/marking`;
  });
  root.append(heading(tc('marking.title')), form);
}

/** #/sessions/{id}/marking?all=1 */
export async function render({ root, params, query, alive }) {
  const id = Number(params[0]);
  const all = query.get('all') === '1';
  let items = await call('GET', `/api/sessions/${id}/marking`, { query: { pending: String(!all) } });
  if (!alive()) return;
  let index = 0;
  let done = 0;
  const slot = el('div', { class: 'marking' });
  const msg = el('div', { class: 'msg', 'data-test': 'marking-message', 'aria-live': 'polite' });
  const toggle = checkbox(tc('marking.showAll'), all, { 'data-test': 'marking-show-all' });
  toggle.input.addEventListener('change', () => { location.hash = `#/sessions/${id}/marking${toggle.input.checked ? '?all=1' : ''}`; });

  function paint() {
    if (!items.length || index >= items.length) {
      slot.replaceChildren(el('div', { class: 'card', 'data-test': 'marking-done' },
        el('p', { class: 'ok' }, done ? tc('marking.allDone', { n: done }) : tc('marking.nothing')),
        el('div', { class: 'actions' },
          el('a', { class: 'button primary', href: `#/sessions/${id}/results`, 'data-test': 'marking-to-results' }, tc('marking.toResults')),
          el('button', { type: 'button', onclick: reload }, tc('marking.reload')))));
      return;
    }
    const it = items[index];
    const points = el('input', { type: 'number', min: '0', max: String(it.max_points), step: '0.5', inputmode: 'decimal', required: true, 'data-test': 'marking-points', value: it.points ?? '' });
    const comment = el('textarea', { rows: '3', maxlength: '2000', 'data-test': 'marking-comment' });
    comment.value = it.comment || '';
    const save = el('button', { type: 'submit', class: 'primary', 'data-test': 'marking-save' }, tc('marking.saveNext'));
    const prev = el('button', { type: 'button', disabled: index === 0, 'data-test': 'marking-prev', onclick: () => { index -= 1; paint(); } }, tc('marking.prev'));
    const skip = el('button', { type: 'button', disabled: items.length <= 1, 'data-test': 'marking-skip', onclick: () => { index = (index + 1) % items.length; paint(); } }, tc('marking.skip'));
    const form = el('form', { class: 'card mark-form', novalidate: true, 'data-test': 'marking-form' },
      field(tc('marking.points', { max: fmtNum(it.max_points) }), points,
        it.question_points && it.question_points !== it.max_points ? { hint: tc('marking.bankPoints', { bank: fmtNum(it.question_points), paper: fmtNum(it.max_points) }) } : {}),
      field(tc('marking.comment'), comment),
      el('div', { class: 'actions' }, save, skip, prev));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const p = Number(points.value);
      if (points.value === '' || Number.isNaN(p) || p < 0 || p > it.max_points) {
        show(msg, 'error', tc('marking.badPoints', { max: fmtNum(it.max_points) }));
        points.focus();
        return;
      }
      save.disabled = true;
      try {
        const marked = await call('PUT', `/api/marks/${it.id}`, { body: { points: p, comment: comment.value } });
        done += 1;
        show(msg, 'ok', tc('marking.saved', { code: it.work_code, points: fmtNum(marked.points) }));
        if (all) { items[index] = marked; index += 1; } else { items.splice(index, 1); }
        paint();
      } catch (e) {
        show(msg, 'error', errorText(e));
        save.disabled = false;
      }
    });
    const block = (label, text, test) => el('section', { class: 'mark-block' }, el('h3', {}, label), el('div', { class: 'pre', 'data-test': test }, text || tc('marking.empty')));
    slot.replaceChildren(
      el('p', { class: 'progress', 'data-test': 'marking-progress' }, all ? tc('marking.progressAll', { i: index + 1, n: items.length }) : tc('marking.progress', { i: index + 1, n: items.length })),
      el('article', { class: 'card mark-item', 'data-test': 'marking-item', 'data-mark-id': it.id },
        el('p', {}, tc('marking.workCode'), ' ', el('strong', { class: 'mono', 'data-test': 'marking-work-code' }, it.work_code),
          it.marked_at ? el('span', { class: 'muted' }, ` · ${tc('marking.markedAt', { at: fmtDate(it.marked_at), points: fmtNum(it.points) })}`) : ''),
        block(tc('marking.stem'), it.stem, 'marking-stem'),
        el('div', { class: 'mark-columns' },
          block(tc('marking.reference'), it.reference, 'marking-reference'),
          block(tc('marking.rubric'), it.rubric, 'marking-rubric')),
        // An unanswered hand-marked item still comes to the marker, shown as 未作答.
        block(tc('marking.answer'), it.answered === false ? tc('certs.unanswered') : it.answer, 'marking-answer')),
      form);
    points.focus({ preventScroll: true });
  }

  async function reload() {
    items = await call('GET', `/api/sessions/${id}/marking`, { query: { pending: String(!all) } });
    index = 0;
    paint();
  }

  root.append(heading(tc('marking.titleSession', { id })), el('div', { class: 'toolbar' }, toggle.wrap), msg, slot);
  paint();
}
