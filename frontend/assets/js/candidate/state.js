// Everything the app knows about the signed-in attempt, kept on the device (localStorage) so
// that it survives a reload or a browser restart.

const SESSION_KEY = 'exam.session';
export const key = (what) => `exam.${what}.${S.attemptId}`;

/** Everything the app knows about the signed-in attempt; persisted per attempt. */
export const S = {
  token: null, attemptId: null, candidate: null,
  paper: null, // the paper as the server sent it
  answers: {}, // question id → latest response on this device (synced or not)
  queue: [], // [{qid, response, seq}] not yet acknowledged, oldest first
  seq: 0, // last sequence number used on this device
  flags: [], // flagged question ids
  index: 0, // current question
  status: null, deadlineMs: null, remainingAtSync: null, pausedAt: null, offsetMs: 0,
  result: null, submittedAt: null,
  warned: {}, started: false,
  pauseReason: null, // the proctor's reason while paused
  extendedMinutes: null, // extra minutes known so far (a rise is announced)
  unsent: [], // answers the server refused after time-up, counted for the candidate and the proctor
  positionDirty: false, // flags or the current question changed since last stored on the server
};

export function saveLocal() {
  if (!S.attemptId) return;
  localStorage.setItem(SESSION_KEY, JSON.stringify({ token: S.token, attemptId: S.attemptId, candidate: S.candidate }));
  localStorage.setItem(key('state'), JSON.stringify({
    answers: S.answers, queue: S.queue, seq: S.seq, flags: S.flags, index: S.index, status: S.status,
    deadlineMs: S.deadlineMs, remainingAtSync: S.remainingAtSync, offsetMs: S.offsetMs, warned: S.warned, started: S.started,
    pauseReason: S.pauseReason, extendedMinutes: S.extendedMinutes, unsent: S.unsent, positionDirty: S.positionDirty,
  }));
}

export function loadLocal() {
  const s = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
  if (!s || !s.token) return false;
  Object.assign(S, s);
  Object.assign(S, JSON.parse(localStorage.getItem(key('state')) || '{}'));
  S.paper = JSON.parse(localStorage.getItem(key('paper')) || 'null');
  return true;
}

export function forget() {
  if (S.attemptId) ['state', 'paper'].forEach((w) => localStorage.removeItem(key(w)));
  localStorage.removeItem(SESSION_KEY);
  Object.assign(S, { token: null, attemptId: null, paper: null, answers: {}, queue: [], seq: 0, flags: [], index: 0, status: null, result: null, warned: {}, started: false, pauseReason: null, extendedMinutes: null, unsent: [], positionDirty: false });
}

export function isAnswered(qid) {
  const r = S.answers[qid];
  if (!r) return false;
  if (r.type === 'choice') return r.selected.length > 0;
  if (r.type === 'blanks') return r.values.some((v) => v.trim());
  if (r.type === 'text') return r.text.trim().length > 0;
  return true;
}
