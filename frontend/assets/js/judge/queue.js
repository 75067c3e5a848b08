// The save queue: every tap is recorded on the device first (localStorage, so it survives a
// reload or a browser restart) and sent in order, with an increasing sequence number, whenever
// the network is there. The server ignores a save whose number is not above the one it holds,
// so sending twice or late changes nothing. A save the server refuses (4xx: the task is locked,
// the entry is out of range…) is dropped from the queue and shown with its reason; network and
// server errors keep it queued.
import { ApiError, session, call, errorText, tj, el } from './core.js';

const QUEUE_KEY = 'judge.queue';
const SEQ_KEY = 'judge.seq';
const DROPPED_KEY = 'judge.dropped';
const RETRY_MS = 3000;

const read = (k, d) => { try { return JSON.parse(localStorage.getItem(k) || 'null') ?? d; } catch (_) { return d; } };
const write = (k, v) => localStorage.setItem(k, JSON.stringify(v));

/** Everything still to send, oldest first: [{user, task, code, aspect, entry, seq}]. */
export const queue = () => read(QUEUE_KEY, []);
const mine = () => queue().filter((q) => session.user && q.user === session.user.id);

/** Saves a server reply to a view the app keeps (set by the sheet screen). */
let onSaved = () => {};
export function setSavedHandler(fn) { onSaved = fn; }
/** Redraws after a refused save (set by the sheet screen). */
let onDropped = () => {};
export function setDroppedHandler(fn) { onDropped = fn; }

/** The next sequence number: increasing on this device and, being at least the clock in
 * milliseconds, above what another tablet of the same judge sent earlier. */
function nextSeq() {
  const seq = Math.max(Number(localStorage.getItem(SEQ_KEY) || 0) + 1, Date.now());
  localStorage.setItem(SEQ_KEY, String(seq));
  return seq;
}

/** The unsent entries for one sheet: aspect → entry (the newest tap). */
export function pendingFor(task, code) {
  const out = {};
  mine().filter((q) => q.task === task && q.code === code).forEach((q) => { out[q.aspect] = q.entry; });
  return out;
}

/** How many saves for one sheet are not on the server yet. */
export const pendingCount = (task, code) => mine().filter((q) => q.task === task && q.code === code).length;

/** Records an entry on the device and queues it. A newer tap on an aspect replaces its unsent
 * older one; the queue keeps the order of the taps. */
export function record(task, code, aspect, entry) {
  const user = session.user && session.user.id;
  const q = queue().filter((x) => !(x.user === user && x.task === task && x.code === code && x.aspect === aspect));
  q.push({ user, task, code, aspect, entry, seq: nextSeq() });
  write(QUEUE_KEY, q);
  updateBadge();
  flush();
}

let flushing = null;
let retryTimer = null;
let offline = false;

/** Sends the signed-in judge's queued saves in order until none is left or the network fails.
 * Resolves when this round is over. */
export function flush() {
  if (!flushing) flushing = run().finally(() => { flushing = null; });
  return flushing;
}

async function run() {
  clearTimeout(retryTimer);
  while (session.token) {
    const item = mine()[0];
    if (!item) break;
    try {
      const saved = await call('PUT', `/api/judging/tasks/${item.task}/sheets/${encodeURIComponent(item.code)}/marks/${item.aspect}`, { body: { entry: item.entry, seq: item.seq } });
      remove(item);
      offline = false;
      onSaved(item, saved);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status === 0 || e.status >= 500 || e.status === 429 || e.status === 401) {
        // Kept: the network, the server or the login is back later (a 401 shows the login).
        offline = !(e instanceof ApiError) || e.status === 0;
        updateBadge();
        if (e.status !== 401) retryTimer = setTimeout(flush, RETRY_MS);
        return;
      }
      remove(item);
      const dropped = read(DROPPED_KEY, []);
      dropped.push({ ...item, error: e.code, text: errorText(e) });
      write(DROPPED_KEY, dropped.slice(-20));
      showDropped();
      onDropped(item, e);
    }
    updateBadge();
  }
  updateBadge();
}

function remove(item) {
  write(QUEUE_KEY, queue().filter((x) => !(x.user === item.user && x.seq === item.seq)));
}

const badge = document.getElementById('sync');

/** The badge: 已保存 / N 条待同步 / 离线, with the count in data-pending. */
export function updateBadge() {
  if (!session.token) { badge.hidden = true; return; }
  const n = mine().length;
  const down = offline || !navigator.onLine;
  badge.hidden = false;
  badge.dataset.pending = String(n);
  badge.classList.toggle('pending', n > 0);
  badge.classList.toggle('offline', down);
  badge.textContent = down ? tj('sync.offline', { n }) : n ? tj('sync.pending', { n }) : tj('sync.saved');
}

const droppedBox = document.getElementById('dropped');

/** The saves the server refused, with the reason, until the judge has read them. */
export function showDropped() {
  const list = read(DROPPED_KEY, []).filter((d) => session.user && d.user === session.user.id);
  droppedBox.hidden = !list.length;
  if (!list.length) { droppedBox.replaceChildren(); return; }
  const ok = el('button', { type: 'button', 'data-test': 'dropped-ok' }, tj('dropped.ok'));
  ok.addEventListener('click', () => { write(DROPPED_KEY, []); showDropped(); });
  droppedBox.replaceChildren(
    el('strong', {}, tj('dropped.title', { n: list.length })),
    el('ul', {}, ...list.map((d) => el('li', { 'data-test': 'dropped-item', 'data-code': d.error },
      tj('dropped.item', { code: d.code, aspect: d.aspect + 1, entry: d.entry }), ' — ', d.text))),
    ok);
}

window.addEventListener('online', () => { offline = false; updateBadge(); flush(); });
window.addEventListener('offline', () => { offline = true; updateBadge(); });
setInterval(() => { if (mine().length) flush(); }, RETRY_MS);
