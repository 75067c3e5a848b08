// One task: the work codes of a slot with their status (open / submitted / conflict, flags); the
// judge picks a code to open its sheet. A conflicted candidate cannot be opened.
import { el, tj, load, cached, screen, heading, back, staleNotice } from './core.js';
import { pendingCount } from './queue.js';

const slotKey = (task) => `judge.slot.${task}`;

/** The task view (GET /api/judging/tasks/{task}), kept on the device for offline reloads. */
export const taskPath = (task) => `/api/judging/tasks/${task}`;

export async function renderTask(taskId, query) {
  const { data, stale } = await load(taskPath(taskId));
  const { task, candidates } = data;
  const fromList = (cached('/api/judging/tasks') || []).find((x) => x.task_id === taskId);
  const slots = [...new Set([...(fromList ? fromList.slots : []), ...candidates.map((c) => c.slot)])].sort((a, b) => a - b);
  let slot = Number(query.get('slot') || sessionStorage.getItem(slotKey(taskId)) || 0);
  if (!slots.includes(slot)) slot = slots.find((s) => candidates.some((c) => c.slot === s && c.status === 'open')) ?? slots[0];
  if (slot !== undefined) sessionStorage.setItem(slotKey(taskId), String(slot));

  const picker = el('div', { class: 'j-slots', role: 'group', 'aria-label': tj('task.slotPicker'), 'data-test': 'slot-picker' },
    ...slots.map((s) => el('a', {
      href: `#/tasks/${taskId}?slot=${s}`, class: `button${s === slot ? ' primary' : ''}`, 'aria-current': s === slot ? 'true' : null, 'data-test': 'slot', 'data-slot': s,
    }, tj('task.slot', { n: s }))));

  const shown = candidates.filter((c) => c.slot === slot).sort((a, b) => a.station - b.station || a.code.localeCompare(b.code));
  const tiles = el('div', { class: 'j-codes' }, ...shown.map((c) => tile(taskId, c)));
  const done = shown.filter((c) => c.status === 'submitted').length;
  const mine = shown.filter((c) => c.status !== 'conflict').length;

  screen(el('section', { 'data-test': 'task-view', 'data-task': taskId },
    stale ? staleNotice() : null,
    back('#/tasks', tj('tasks.title')),
    heading(task.title),
    el('p', { class: 'j-facts' },
      task.minutes ? el('span', { class: 'badge' }, tj('tasks.minutes', { n: task.minutes })) : null,
      el('span', { class: 'badge' }, tj('task.points', { n: task.points })),
      task.locked ? el('span', { class: 'badge locked', 'data-test': 'task-locked' }, tj('tasks.locked')) : null,
      task.head ? el('a', { href: `#/tasks/${taskId}/overview`, class: 'button primary', 'data-test': 'open-overview' }, tj('overview.open')) : null),
    slots.length > 1 ? picker : null,
    el('h2', {}, tj('task.codes', { slot, done, total: mine })),
    shown.length ? tiles : el('p', { class: 'muted', 'data-test': 'no-codes' }, tj('task.noCodes')),
    task.instructions ? el('details', { class: 'j-instructions' }, el('summary', {}, tj('task.instructions')), el('div', { class: 'stem' }, task.instructions)) : null));
}

function tile(taskId, c) {
  const pending = pendingCount(taskId, c.code);
  const body = [
    el('span', { class: 'j-code' }, c.code),
    c.name ? el('span', { class: 'j-name', 'data-test': 'candidate-name' }, c.name) : null,
    el('span', { class: 'muted' }, tj('task.station', { n: c.station })),
    el('span', { class: `badge st-${c.status}`, 'data-test': 'status' }, tj(`status.${c.status}`)),
    (c.flags || []).length ? el('span', { class: 'badge flag', 'data-test': 'flag-badge' }, tj('task.flags', { n: c.flags.length })) : null,
    pending ? el('span', { class: 'badge pending' }, tj('sync.pending', { n: pending })) : null,
  ];
  const attrs = { class: `j-tile st-${c.status}`, 'data-test': 'candidate', 'data-code': c.code, 'data-status': c.status };
  if (c.status === 'conflict') return el('div', { ...attrs, 'aria-disabled': 'true' }, ...body);
  return el('a', { ...attrs, href: `#/tasks/${taskId}/sheets/${encodeURIComponent(c.code)}` }, ...body);
}
