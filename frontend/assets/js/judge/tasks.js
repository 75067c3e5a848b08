// The judge's tasks: every practical task whose panel holds them (GET /api/judging/tasks).
import { el, tj, load, screen, heading, notice, staleNotice } from './core.js';

export async function renderTasks() {
  const { data: tasks, stale } = await load('/api/judging/tasks');
  const list = tasks.length
    ? el('div', { class: 'j-tasks' }, ...tasks.map((task) => el('a', {
      href: `#/tasks/${task.task_id}`, class: 'j-task card', 'data-test': 'task', 'data-task': task.task_id,
    },
    el('span', { class: 'j-task-title' }, task.title),
    el('span', { class: 'muted' }, task.session_name),
    el('span', { class: 'j-badges' },
      task.minutes ? el('span', { class: 'badge' }, tj('tasks.minutes', { n: task.minutes })) : null,
      el('span', { class: 'badge' }, tj('tasks.slots', { n: (task.slots || []).length })),
      task.head ? el('span', { class: 'badge head', 'data-test': 'head-badge' }, tj('tasks.head')) : null,
      task.locked ? el('span', { class: 'badge locked', 'data-test': 'locked-badge' }, tj('tasks.locked')) : null))))
    : notice('info', tj('tasks.none'), { 'data-test': 'no-tasks' });
  screen(el('section', { 'data-test': 'tasks' }, stale ? staleNotice() : null, heading(tj('tasks.title')), list));
}
