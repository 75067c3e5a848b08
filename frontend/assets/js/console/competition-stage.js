// One stage of a competition. A theory stage (理论初赛): make its exam session from an exam and
// seat the accepted contestants as candidates. Every stage followed by another: the qualifying
// cut (晋级) previewed per group (those tied at the cut marked: they all advance), confirmed in a
// confirm box, and the cut list PDF. A practical final: links to its 检录, seals, progress,
// recheck and decryption screens.
import { el, call, errorText, field, select, table, show, session } from './core.js';
import { beijingToUtc } from './practical.js';
import {
  cc, word, paths, loadCompetition, subnav, compHeading, rerender, flash, rowsOf, confirmBox, saveFile,
  fmtScore, fmtDate, isMissing, eventOf, stagesOf,
} from './competition.js';

/** The theory stage's session: made from an exam, then the accepted contestants seated. */
async function theoryCard(view, stage) {
  const msg = el('div', { class: 'msg', 'data-test': 'theory-message', 'aria-live': 'polite' });
  const card = el('section', { class: 'card', 'data-test': 'theory-card', 'aria-labelledby': 'th-h' }, el('h2', { id: 'th-h' }, cc('theory.title')));
  if (stage.session_id) {
    const seat = el('button', { type: 'button', class: 'primary', 'data-test': 'theory-seat' }, cc('theory.seat'));
    seat.addEventListener('click', async () => {
      seat.disabled = true;
      try {
        const r = await call('POST', paths.seat(stage.id));
        show(msg, rowsOf(r.skipped).length ? 'warn' : 'ok', cc('theory.seated', { n: r.seated, skipped: r.already, refused: rowsOf(r.skipped).length }), { 'data-test': 'theory-seated' });
      } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'theory-error' }); } finally { seat.disabled = false; }
    });
    card.append(el('p', { 'data-test': 'theory-session' }, cc('theory.sessionIs', { id: stage.session_id }), ' ',
      el('a', { href: `#/sessions/${stage.session_id}`, 'data-test': 'theory-session-link' }, cc('theory.openSession')), ' · ',
      el('a', { href: `#/sessions/${stage.session_id}/results` }, cc('theory.openResults'))),
    el('p', { class: 'muted' }, cc('theory.seatHint')), el('div', { class: 'actions' }, seat), msg);
    return card;
  }
  let exams = [];
  try { exams = rowsOf(await call('GET', '/api/exams'), 'exams'); } catch (_) { /* none to choose */ }
  const exam = select(exams.map((x) => [x.id, (x.definition && x.definition.name) || x.name || `#${x.id}`]), exams[0]?.id, { 'data-test': 'theory-exam' });
  const starts = el('input', { type: 'datetime-local', 'data-test': 'theory-starts' });
  const ends = el('input', { type: 'datetime-local', 'data-test': 'theory-ends' });
  const venue = el('input', { maxlength: '100', 'data-test': 'theory-venue' });
  const seats = el('input', { type: 'number', min: '1', step: '1', value: '60', 'data-test': 'theory-seats' });
  const make = el('button', { type: 'submit', class: 'primary', 'data-test': 'theory-make' }, cc('theory.make'));
  const f = el('form', { novalidate: true, 'data-test': 'theory-form' },
    el('p', { class: 'muted' }, cc('theory.intro')),
    el('div', { class: 'grid' }, field(cc('theory.exam'), exam), field(cc('theory.starts'), starts, { hint: cc('theory.beijing') }), field(cc('theory.ends'), ends), field(cc('theory.venue'), venue), field(cc('theory.seats'), seats)),
    msg, el('div', { class: 'actions' }, make));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!exam.value || !starts.value || !ends.value) { show(msg, 'error', cc('theory.missing')); return; }
    make.disabled = true;
    try {
      await call('POST', paths.session(stage.id), { body: {
        exam_id: Number(exam.value), starts_at: beijingToUtc(starts.value), ends_at: beijingToUtc(ends.value), venue: venue.value.trim(),
        rooms: [{ name: cc('theory.room'), seats: Number(seats.value || 60) }],
      } });
      flash.set(cc('theory.made'));
      rerender();
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'theory-error' }); make.disabled = false; }
  });
  card.append(exams.length ? f : el('p', { class: 'notice notice-warn' }, cc('theory.noExams')));
  return card;
}

/** A cut rule in words. */
export const cutText = (kind, value) => cc(`cutRule.${kind}`, { v: value });

/** Which rows are tied at the cut: they share the rank of the last one to advance. */
export function tiedAtCut(rows) {
  const adv = rows.filter((r) => r.advances && r.rank);
  if (!adv.length) return new Set();
  const last = Math.max(...adv.map((r) => r.rank));
  const at = rows.filter((r) => r.rank === last);
  return new Set(at.length > 1 ? at.map((r) => r.contestant_id) : []);
}

/** The qualifying cut from this stage to the next, per group; confirmed once for the stage. */
async function cutCard(view, stage, next) {
  const card = el('section', { class: 'card cut', 'data-test': 'cut-card', 'aria-labelledby': 'cut-h' }, el('h2', { id: 'cut-h' }, cc('cut.title', { next: next.name })));
  const msg = el('div', { class: 'msg', 'data-test': 'cut-message', 'aria-live': 'polite' });
  const preview = await call('GET', paths.cut(stage.id));
  const rule = preview.rule || { kind: next.cut_kind, value: next.cut_value };
  const groups = rowsOf(preview.groups);
  const confirmed = preview.confirmed_at;
  const advancing = groups.reduce((n, g) => n + (g.advancing ?? rowsOf(g.rows).filter((r) => r.advances).length), 0);
  card.append(el('p', { class: 'muted' }, cc('cut.rule', { rule: cutText(rule.kind, rule.value ?? 0) })),
    confirmed ? el('p', { class: 'notice notice-ok', 'data-test': 'cut-confirmed' }, cc('cut.confirmedAt', { at: fmtDate(confirmed) }))
      : !preview.ready ? el('p', { class: 'notice notice-info', 'data-test': 'cut-not-ready' }, cc('cut.notReady'))
        : el('p', { class: 'notice notice-warn', 'data-test': 'cut-preview' }, cc('cut.previewNote')));
  for (const g of groups) {
    const rows = rowsOf(g.rows);
    const tied = tiedAtCut(rows);
    card.append(el('article', { class: 'cut-group', 'data-test': 'cut-group', 'data-group': g.group_id },
      el('h3', {}, g.group_name, ' ', el('span', { class: 'badge', 'data-test': 'cut-count' }, cc('cut.count', { n: g.advancing, total: g.sat }))),
      rows.length ? table([
        { head: cc('rank.rank'), cell: (r) => (r.rank ? String(r.rank) : '—'), cls: 'num' },
        { head: cc('reg.number'), cell: (r) => el('code', {}, r.number || ''), cls: 'nowrap' },
        { head: cc('reg.name'), cell: (r) => r.name },
        { head: cc('reg.organisation'), cell: (r) => r.organisation },
        { head: cc('cut.score'), cell: (r) => fmtScore(r.score), cls: 'num' },
        { head: cc('cut.outcome'), cell: (r) => [
          r.advances ? el('span', { class: 'badge state-open' }, cc('cut.advances')) : el('span', { class: 'badge state-closed' }, r.score === null ? cc('cut.absent') : cc('cut.out')),
          tied.has(r.contestant_id) ? el('span', { class: 'badge tie', 'data-test': 'cut-tie' }, cc('cut.tiedAtCut')) : ''] },
      ], rows, { 'aria-label': cc('cut.tableOf', { group: g.group_name }), 'data-test': `cut-table-${g.group_id}` },
      (r) => ({ class: tied.has(r.contestant_id) ? 'tie-row' : (r.advances ? '' : 'out-row'), 'data-contestant': r.contestant_id, 'data-advances': String(r.advances) }))
        : el('p', { class: 'muted' }, cc('cut.nobody'))));
  }
  if (!groups.length) card.append(el('p', { class: 'muted' }, cc('cut.nobody')));
  const confirmSlot = el('div', {});
  const confirm = el('button', { type: 'button', class: 'primary', 'data-test': 'cut-confirm', disabled: !!confirmed || !preview.ready }, cc('cut.confirm'));
  confirm.addEventListener('click', async () => {
    if (!(await confirmBox(confirmSlot, cc('cut.confirmQuestion', { n: advancing, next: next.name }), { yes: cc('cut.confirmYes'), test: 'cut-confirm-box' }))) return;
    confirm.disabled = true;
    try {
      await call('POST', paths.cut(stage.id));
      flash.set(cc('cut.confirmed', { n: advancing, next: next.name }));
      rerender();
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'cut-error' }); confirm.disabled = false; }
  });
  card.append(confirmSlot, msg, el('div', { class: 'actions' }, session.has('author') ? confirm : '',
    el('button', { type: 'button', 'data-test': 'cut-pdf', onclick: () => saveFile(paths.cutPdf(stage.id), `cut-${stage.id}.pdf`, msg) }, cc('cut.pdf'))));
  return card;
}

/** The practical final: its session (made once, one anonymous candidate per finalist), then
 * its screens as links with a word on what each does. */
function finalCard(view, stage) {
  const base = `#/competitions/stages/${stage.id}`;
  const link = (page, test) => el('li', {}, el('a', { class: 'button', href: `${base}/${page}?c=${view.id}`, 'data-test': test }, cc(`${page}.title`)), ' ', el('span', { class: 'muted' }, cc(`${page}.what`)));
  const card = el('section', { class: 'card', 'data-test': 'final-card', 'aria-labelledby': 'fin-h' },
    el('h2', { id: 'fin-h' }, cc('final.title')), el('p', { class: 'muted' }, cc('final.intro')));
  if (stage.session_id) {
    card.append(el('p', {}, cc('final.sessionIs', { id: stage.session_id }), ' ', el('a', { href: `#/sessions/${stage.session_id}`, 'data-test': 'final-session-link' }, cc('final.setupPart'))));
  } else {
    const starts = el('input', { type: 'datetime-local', 'data-test': 'final-starts' });
    const ends = el('input', { type: 'datetime-local', 'data-test': 'final-ends' });
    const venue = el('input', { maxlength: '100', 'data-test': 'final-venue' });
    const msg = el('div', { class: 'msg', 'data-test': 'final-message' });
    const make = el('button', { type: 'submit', class: 'primary', 'data-test': 'final-prepare' }, cc('final.prepare'));
    const f = el('form', { novalidate: true, 'data-test': 'final-form' },
      el('p', { class: 'notice notice-info' }, cc('final.noSession')),
      el('div', { class: 'grid' }, field(cc('theory.starts'), starts, { hint: cc('theory.beijing') }), field(cc('theory.ends'), ends), field(cc('theory.venue'), venue)),
      msg, el('div', { class: 'actions' }, make));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!starts.value || !ends.value) { show(msg, 'error', cc('final.missing')); return; }
      make.disabled = true;
      try {
        const r = await call('POST', paths.prepare(stage.id), { body: { starts_at: beijingToUtc(starts.value), ends_at: beijingToUtc(ends.value), venue: venue.value.trim() } });
        flash.set(cc('final.prepared', { n: r.candidates }));
        rerender();
      } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'final-error' }); make.disabled = false; }
    });
    card.append(f);
  }
  card.append(el('ol', { class: 'final-steps' },
    link('seal', 'final-seal'), link('checkin', 'final-checkin'), link('progress', 'final-progress'), link('recheck', 'final-recheck'), link('decrypt', 'final-decrypt')));
  return card;
}

/** #/competitions/{id}/stages/{sid} */
export async function render({ root, params, alive }) {
  const [id, sid] = params.map(Number);
  const view = await loadCompetition(id);
  if (!alive()) return;
  const stage = view.stages.find((s) => s.id === sid);
  if (!stage) { root.append(el('p', { class: 'notice notice-error' }, cc('stage.notFound'))); return; }
  const ev = eventOf(view, stage);
  const siblings = stagesOf(view, stage.event_id);
  const next = siblings.find((s) => s.position > stage.position) || null;
  const msg = el('div', { class: 'msg', 'aria-live': 'polite' });
  const fl = flash.take();
  if (fl) show(msg, 'ok', fl, { 'data-test': 'stage-flash' });
  root.append(compHeading(view, `${ev ? `${ev.name} · ` : ''}${stage.name}`), subnav(view, `stage-${sid}`), msg,
    el('p', { class: 'muted', 'data-test': 'stage-facts' }, cc('stage.facts', { kind: word('stageKind', stage.kind), weight: stage.weight, n: stage.position + 1 })));
  if (stage.kind === 'theory') root.append(await theoryCard(view, stage));
  else root.append(finalCard(view, stage));
  if (!alive()) return;
  if (next) {
    try { root.append(await cutCard(view, stage, next)); } catch (e) {
      if (!isMissing(e)) root.append(el('div', { class: 'notice notice-warn', 'data-test': 'cut-error' }, errorText(e)));
    }
  }
}
