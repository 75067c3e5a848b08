// Shared by the judge-*.test.mjs files: a session with a practical part made through the API
// (a bank with one practical task, judges with affiliations, candidates with employers, the
// panel, everyone checked in), and a tablet logged in to the judge app at /judge.
import assert from 'node:assert/strict';
import { apiCall, tabletContext } from './harness.mjs';
import { idNumber } from './console-support.mjs';

export const JUDGE_PASSWORD = 'judge-pass-1';

/** The task's scheme: a judgement (0–3), a banded measurement, a plain measurement and a
 * deduction, in two sub-criteria; 10 points. */
export const SCHEME = [
  { group: 'A 摄像机安装', text: '支架安装牢固、横平竖直', points: 4, kind: { type: 'judgement', descriptors: ['未安装或松动', '能固定但明显歪斜', '牢固，略有歪斜', '牢固、横平竖直、美观'] } },
  { group: 'A 摄像机安装', text: '安装高度偏差', points: 2, kind: { type: 'measurement', unit: 'mm', bands: [{ within: 2, fraction: 1 }, { within: 5, fraction: 0.5 }] } },
  { group: 'B 调试', text: '图像在客户端正常显示', points: 4 },
  { group: 'B 调试', text: '带电接线', points: 2, kind: { type: 'deduction', per: 1 } },
];

async function ok(r, what, status = [200, 201]) {
  assert.ok(status.includes(r.status), `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Makes the session. `judges`: [{username, name, affiliation}] (the first is the head judge);
 * `candidates`: [{name, employer}]. Returns {sessionId, taskId, judges: [{id, username, name}],
 * codes: [{ticket, name, employer, code}]}. */
export async function practicalSession(base, staff, { tag, judges, candidates, spread = 1 }) {
  const bank = `PJ${tag}`;
  await ok(await apiCall(base, 'POST', '/api/banks', { token: staff, body: { code: bank, name: `实操题库 ${tag}` } }), 'bank');
  const q = await ok(await apiCall(base, 'POST', `/api/banks/${bank}/questions`, { token: staff, body: {
    kind: 'practical', stem: '前端摄像机安装与调试\n按图纸安装摄像机并在客户端调出图像。', points: 10, minutes: 60,
    key: { type: 'open', reference: '' },
    equipment: [{ name: '网络摄像机', spec: '400 万像素 筒型 PoE', quantity: 1, unit: '台' }],
    scheme: SCHEME,
  } }), 'practical task');
  const made = [];
  for (const j of judges) {
    const u = await ok(await apiCall(base, 'POST', '/api/users', { token: staff, body: {
      username: j.username, display_name: j.name, password: JUDGE_PASSWORD, roles: ['judge'], affiliation: j.affiliation || '',
    } }), `judge ${j.username}`);
    made.push({ id: u.id, username: j.username, name: j.name });
  }
  const exam = await ok(await apiCall(base, 'POST', '/api/exams', { token: staff, body: {
    name: `实操考核理论 ${tag}`, time_limit_minutes: 30, pass_line: 60,
    blueprint: { sections: [{ title: '一、单选题', cells: [{ bank: 'LAW', kind: 'single', count: 2, points: 50 }] }] },
  } }), 'exam');
  const now = Date.now();
  const s = await ok(await apiCall(base, 'POST', '/api/sessions', { token: staff, body: {
    exam_id: exam.id, name: `视频监控实操考核 ${tag}`, number: `第${tag}期`, venue: '广州实训基地',
    starts_at: new Date(now - 3600e3).toISOString(), ends_at: new Date(now + 7200e3).toISOString(),
    rooms: [{ name: '实操场地', seats: 20 }],
  } }), 'session');
  const people = [];
  for (const [i, c] of candidates.entries()) {
    const r = await ok(await apiCall(base, 'POST', `/api/sessions/${s.id}/candidates`, { token: staff, body: {
      name: c.name, id_number: idNumber(`44010619900101${String(100 + i)}`), employer: c.employer || '',
    } }), `candidate ${c.name}`);
    people.push({ ticket: r.ticket || r.candidate?.ticket, ...c });
  }
  const part = await ok(await apiCall(base, 'PUT', `/api/sessions/${s.id}/practical`, { token: staff, body: {
    stations: Math.max(1, candidates.length), slots: 0, slot_minutes: 90, first_slot_at: null, draw_mode: 'check_in', pass_line: 60,
    tasks: [{ question_id: q.id, weight: 1, aggregation: 'mean', spread, judges: made.map((j) => j.id), head_judge: made[0].id }],
  } }), 'practical part');
  const codes = [];
  for (const p of people) {
    const r = await ok(await apiCall(base, 'POST', `/api/sessions/${s.id}/practical/check-in`, { token: staff, body: { ticket: p.ticket } }), `check-in ${p.ticket}`);
    codes.push({ ...p, code: r.code, candidateId: r.candidate_id });
  }
  return { sessionId: s.id, taskId: part.tasks[0].id, judges: made, codes };
}

/** A staff token for a judge. */
export async function judgeToken(base, username) {
  const r = await apiCall(base, 'POST', '/api/auth/login', { body: { username, password: JUDGE_PASSWORD } });
  assert.equal(r.status, 200, `login ${username}`);
  return r.body.token;
}

/** Enters a whole sheet through the API: `entries` is one entry per aspect; then submits. */
export async function markByApi(base, token, taskId, code, entries, { submit = true } = {}) {
  for (const [aspect, entry] of entries.entries()) {
    await ok(await apiCall(base, 'PUT', `/api/judging/tasks/${taskId}/sheets/${code}/marks/${aspect}`, { token, body: { entry, seq: Date.now() + aspect } }), `mark ${code}/${aspect}`);
  }
  if (submit) await ok(await apiCall(base, 'POST', `/api/judging/tasks/${taskId}/sheets/${code}/submit`, { token, body: {} }), `submit ${code}`);
}

/** A tablet logged in to the judge app; page errors are collected in `errors`. */
export async function openJudge(browser, base, username, { orientation = 'portrait', password = JUDGE_PASSWORD } = {}) {
  const context = await tabletContext(browser, { orientation });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${base}/judge`);
  await page.fill('[data-test=login-username]', username);
  await page.fill('[data-test=login-password]', password);
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=tasks]');
  return { context, page, errors };
}

/** Opens a task's sheet for a work code from the task list. */
export async function openSheet(page, taskId, code) {
  await page.click(`[data-test=task][data-task="${taskId}"]`);
  await page.waitForSelector('[data-test=task-view]');
  await page.click(`[data-test=candidate][data-code="${code}"]`);
  await page.waitForSelector(`[data-test=sheet][data-code="${code}"]`);
}

/** Waits until the badge says nothing is waiting to sync. */
export const waitSynced = (page, timeout = 30000) => page.waitForFunction(() => document.querySelector('[data-test=sync-indicator]')?.dataset.pending === '0', null, { timeout });

/** Taps one entry on the open sheet: a level, met/not met, a deviation or deduction count. */
export async function enter(page, aspect, entry) {
  const card = page.locator(`[data-test=aspect][data-aspect="${aspect}"]`);
  const kind = SCHEME[aspect].kind?.type || 'measurement';
  if (kind === 'judgement') await card.locator(`[data-test=level-${entry}]`).click();
  else if (kind === 'deduction') {
    if (entry === 0) await card.locator('[data-test=dec-none]').click();
    for (let i = 0; i < entry; i++) await card.locator('[data-test=dec-plus]').click();
  } else if (SCHEME[aspect].kind?.bands) {
    await card.locator('[data-test=deviation]').fill(String(entry));
    await card.locator('[data-test=deviation]').press('Enter');
  } else await card.locator(`[data-test=${entry ? 'met' : 'not-met'}]`).click();
  await page.waitForSelector(`[data-test=aspect][data-aspect="${aspect}"][data-entry="${entry}"]`);
}
