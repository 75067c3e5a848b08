// Shared by the competition-*.test.mjs files: a competition made over the API, step by step,
// as far as a test needs it: set-up (an individual event, 职工组 and 学生组, a theory preliminary
// and a practical final with its 加密裁判 and 监督), registrations and their review, the theory
// stage sat on the API (scores chosen by answering true/false questions), the cut, the final's
// practical part, seals, check-in, 二次加密, marking by code, the head judge's lock, the recheck
// and the decryption ceremony.
import assert from 'node:assert/strict';
import { apiCall } from './harness.mjs';
import { idNumber } from './console-support.mjs';

export const PASSWORD = 'comp-pass-1';
export const PASSPHRASE = { encryptor: '一次加密口令-2026', supervisor: '二次加密口令-2026' };

export async function ok(r, what, status = [200, 201, 204]) {
  assert.ok(status.includes(r.status), `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A staff token for `username`. */
export async function login(base, username, password = PASSWORD) {
  const r = await apiCall(base, 'POST', '/api/auth/login', { body: { username, password } });
  assert.equal(r.status, 200, `login ${username}: ${JSON.stringify(r.body)}`);
  return r.body.token;
}

/** Staff accounts: {username: {id, token}}. */
export async function makeStaff(base, staff, people) {
  const out = {};
  for (const p of people) {
    const u = await ok(await apiCall(base, 'POST', '/api/users', { token: staff, body: {
      username: p.username, display_name: p.name, password: PASSWORD, roles: p.roles, affiliation: p.affiliation || '',
    } }), `user ${p.username}`);
    out[p.username] = { id: u.id, name: p.name, username: p.username, token: await login(base, p.username) };
  }
  return out;
}

/** An employee (born 1990) or a student (born 2005) with a valid ID number; `n` keeps them apart. */
export function person(n, { student = false, name, organisation } = {}) {
  const born = student ? '20050301' : '19900101';
  return {
    name: name || `选手${n}`,
    id_number: idNumber(`440106${born}${String(100 + n).slice(-3)}`),
    phone: `1380000${String(1000 + n).slice(-4)}`,
    organisation: organisation || (student ? '广东安防职业技术学院' : `广州安防科技${n}公司`),
  };
}

/** The competition: one individual event (`tieChain`), groups 职工组 (Z) and 学生组 (X), a
 * theory preliminary and a practical final (weights `weights`, the cut admitting everyone with
 * a score line of 0). Returns {id, eventId, groups: {Z, X}, theory, final}. */
export async function setUp(base, staff, { code, tieChain = ['practical', 'modules', 'theory', 'time'], weights = [0.3, 0.7], theoryCap = 0.3, encryptor = null, supervisor = null }) {
  const c = await ok(await apiCall(base, 'POST', '/api/competitions', { token: staff, body: {
    name: `平安城市-智慧守护 智能安防职业技能竞赛 ${code}`, code, held_on: '2026-12-20T00:00:00Z', theory_cap: theoryCap, schools: ['广东安防职业技术学院'],
  } }), 'competition');
  const ev = await ok(await apiCall(base, 'POST', `/api/competitions/${c.id}/events`, { token: staff, body: {
    name: '视频监控系统安装与调试', code: 'A', kind: 'individual', tie_chain: tieChain,
  } }), 'event');
  const z = await ok(await apiCall(base, 'POST', `/api/competitions/${c.id}/groups`, { token: staff, body: {
    name: '职工组', code: 'Z', rules: { org_kind: 'employer', registered_school: false, min_age: 18, max_age: null },
  } }), 'group Z');
  const x = await ok(await apiCall(base, 'POST', `/api/competitions/${c.id}/groups`, { token: staff, body: {
    name: '学生组', code: 'X', rules: { org_kind: 'school', registered_school: true, min_age: null, max_age: null },
  } }), 'group X');
  const withStages = await ok(await apiCall(base, 'PUT', `/api/competitions/events/${ev.id}/stages`, { token: staff, body: [
    { name: '理论初赛', kind: 'theory', weight: weights[0], cut_kind: 'none' },
    { name: '实操决赛', kind: 'practical', weight: weights[1], cut_kind: 'score_line', cut_value: 0, encryptor_id: encryptor, supervisor_id: supervisor, recheck_top: 10, recheck_share: 0.15, recheck_error_limit: 0.05 },
  ] }), 'stages');
  const stages = withStages.stages;
  return { id: c.id, code, eventId: ev.id, groups: { Z: z.id, X: x.id }, theory: stages[0].id, final: stages[1].id };
}

/** Registers `people` ([{...person, group: 'Z'|'X'}]) as pending; returns them with their ids. */
export async function register(base, staff, comp, people) {
  const out = [];
  for (const p of people) {
    const { group, ...fields } = p;
    const r = await ok(await apiCall(base, 'POST', `/api/competitions/${comp.id}/registrations`, { token: staff, body: {
      event_id: comp.eventId, group_id: comp.groups[group], org_kind: group === 'X' ? 'school' : 'employer', leader: '陈领队', ...fields,
    } }), `register ${p.name}`);
    out.push({ ...p, id: r.id });
  }
  return out;
}

/** Accepts registrations; returns them with their 参赛证号. */
export async function accept(base, staff, regs) {
  for (const r of regs) {
    const rows = await ok(await apiCall(base, 'POST', `/api/competitions/registrations/${r.id}/review`, { token: staff, body: { decision: 'accept' } }), `accept ${r.name}`);
    r.number = rows.find((x) => x.id === r.id).number;
  }
  return regs;
}

/** A bank of ten true/false questions (each true) and an exam drawing all ten at 10 points:
 * a contestant answering k of them "true" scores 10·k. Returns the exam's id. */
export async function theoryExam(base, staff, tag) {
  const bank = `CT${tag}`;
  await ok(await apiCall(base, 'POST', '/api/banks', { token: staff, body: { code: bank, name: `竞赛理论 ${tag}` } }), 'bank');
  for (let i = 1; i <= 10; i++) {
    await ok(await apiCall(base, 'POST', `/api/banks/${bank}/questions`, { token: staff, body: {
      ident: `${bank}-${i}`, kind: 'true_false', category: ['竞赛理论'], status: 'active',
      stem: `第 ${i} 题：视频监控系统的录像应保存不少于 30 天，这一说法正确吗？（${tag}）`, key: { type: 'true_false', value: true },
    } }), `question ${i}`);
  }
  const exam = await ok(await apiCall(base, 'POST', '/api/exams', { token: staff, body: {
    name: `竞赛理论初赛 ${tag}`, time_limit_minutes: 60, pass_line: 0, release: 'at_submit',
    blueprint: { sections: [{ title: '判断题', cells: [{ bank, kind: 'true_false', count: 10, points: 10 }] }] },
  } }), 'exam');
  return exam.id;
}

/** Runs the theory stage: its session (open for `windowS` seconds from now), everyone accepted
 * seated, each sitting on the API with the score `scoreOf(registration)` (a multiple of 10),
 * submitted; then waits for the window to close (the cut needs the theory over) and confirms
 * the cut. Returns the theory session's id. */
export async function sitTheory(base, staff, comp, regs, scoreOf, tag, { windowS = 25 } = {}) {
  const examId = await theoryExam(base, staff, tag);
  const now = Date.now();
  const endsAt = now + windowS * 1000;
  const st = await ok(await apiCall(base, 'POST', `/api/competitions/stages/${comp.theory}/session`, { token: staff, body: {
    exam_id: examId, venue: '广州', starts_at: new Date(now - 600e3).toISOString(), ends_at: new Date(endsAt).toISOString(),
    rooms: [{ name: '理论考场', seats: 60 }],
  } }), 'theory session');
  const seated = await ok(await apiCall(base, 'POST', `/api/competitions/stages/${comp.theory}/seat`, { token: staff }), 'seat');
  assert.equal(seated.skipped.length, 0, JSON.stringify(seated.skipped));
  const cands = await ok(await apiCall(base, 'GET', `/api/sessions/${st.session_id}/candidates`, { token: staff }), 'candidates');
  for (const r of regs) {
    const c = cands.find((x) => x.name === r.name);
    assert.ok(c, `${r.name} seated`);
    const l = await ok(await apiCall(base, 'POST', '/api/candidate/login', { body: { ticket: c.ticket, id_number: r.id_number } }), `login ${r.name}`);
    const paper = await ok(await apiCall(base, 'GET', `/api/attempts/${l.attempt_id}/paper`, { token: l.token }), 'paper');
    const right = Math.round(scoreOf(r) / 10);
    let seq = 0;
    for (const q of paper.questions) {
      seq += 1;
      await ok(await apiCall(base, 'PUT', `/api/attempts/${l.attempt_id}/answers/${q.id}`, { token: l.token, body: { response: { type: 'true_false', value: seq <= right }, seq } }), 'answer');
    }
    await ok(await apiCall(base, 'POST', `/api/attempts/${l.attempt_id}/submit`, { token: l.token }), `submit ${r.name}`);
  }
  const wait = endsAt - Date.now() + 1000;
  assert.ok(wait > 0, 'the theory window closed before everyone sat: make it longer');
  await new Promise((res) => setTimeout(res, wait));
  return st.session_id;
}

/** Confirms the cut from the theory stage to the final. */
export async function confirmCut(base, staff, comp) {
  return ok(await apiCall(base, 'POST', `/api/competitions/stages/${comp.theory}/cut`, { token: staff }), 'confirm the cut');
}

/** A practical task of ten met/not-met aspects, one point each: `k` met scores 10·k of 100. */
export async function practicalTask(base, staff, tag, title) {
  const bank = `CP${tag}`;
  const exists = await apiCall(base, 'GET', `/api/banks/${bank}`, { token: staff });
  if (exists.status === 404) await ok(await apiCall(base, 'POST', '/api/banks', { token: staff, body: { code: bank, name: `竞赛实操 ${tag}` } }), 'bank');
  const q = await ok(await apiCall(base, 'POST', `/api/banks/${bank}/questions`, { token: staff, body: {
    kind: 'practical', stem: `${title}\n按图纸完成安装、接线和调试。`, points: 10, minutes: 60, status: 'active',
    key: { type: 'open', reference: '' },
    scheme: Array.from({ length: 10 }, (_, i) => ({ group: i < 5 ? 'A 安装' : 'B 调试', text: `第 ${i + 1} 项达到要求`, points: 1 })),
  } }), 'practical task');
  return q.id;
}

/** Makes the final's session and its practical part: `tasks` titles, each marked by `judge`
 * (also the head judge). Returns {sessionId, taskIds}. */
export async function prepareFinal(base, staff, comp, { tag, tasks, judge, stations }) {
  const now = Date.now();
  const prep = await ok(await apiCall(base, 'POST', `/api/competitions/stages/${comp.final}/prepare`, { token: staff, body: {
    starts_at: new Date(now - 600e3).toISOString(), ends_at: new Date(now + 4 * 3600e3).toISOString(), venue: '广州实训基地',
  } }), 'prepare the final');
  const questions = [];
  for (const t of tasks) questions.push(await practicalTask(base, staff, tag, t));
  const part = await ok(await apiCall(base, 'PUT', `/api/sessions/${prep.session_id}/practical`, { token: staff, body: {
    stations, slots: 0, slot_minutes: 120, first_slot_at: null, draw_mode: 'check_in', pass_line: 60,
    tasks: questions.map((qid) => ({ question_id: qid, weight: 1, aggregation: 'mean', spread: 1, judges: [judge.id], head_judge: judge.id })),
  } }), 'practical part');
  return { sessionId: prep.session_id, taskIds: part.tasks.map((t) => t.id) };
}

/** Each holder takes their seal with their passphrase. */
export async function takeSeals(base, comp, holders) {
  for (const who of ['encryptor', 'supervisor']) {
    await ok(await apiCall(base, 'POST', `/api/competitions/stages/${comp.final}/seal`, { token: holders[who].token, body: { passphrase: PASSPHRASE[who] } }), `seal ${who}`);
  }
}

/** Checks a finalist in at the door (over the API). */
export async function checkIn(base, staff, comp, reg) {
  return ok(await apiCall(base, 'POST', `/api/competitions/stages/${comp.final}/checkin`, { token: staff, body: { number: reg.number, id_number: reg.id_number } }), `check in ${reg.name}`);
}

/** 二次加密 by the supervisor. */
export async function encrypt(base, comp, supervisor) {
  return ok(await apiCall(base, 'POST', `/api/competitions/stages/${comp.final}/encrypt`, { token: supervisor.token }), 'encrypt');
}

/** The marking codes of a task as its judge sees them (codes only). */
export async function codesOf(base, judge, taskId) {
  const board = await ok(await apiCall(base, 'GET', `/api/judging/tasks/${taskId}`, { token: judge.token }), 'task board');
  return board.candidates.map((c) => c.code);
}

/** Marks one sheet: `met` of the ten aspects met; then submits. */
export async function markSheet(base, judge, taskId, code, met) {
  for (let a = 0; a < 10; a++) {
    await ok(await apiCall(base, 'PUT', `/api/judging/tasks/${taskId}/sheets/${code}/marks/${a}`, { token: judge.token, body: { entry: a < met ? 1 : 0, seq: Date.now() + a } }), `mark ${code}/${a}`);
  }
  await ok(await apiCall(base, 'POST', `/api/judging/tasks/${taskId}/sheets/${code}/submit`, { token: judge.token, body: {} }), `submit ${code}`);
}

/** The head judge signs a task off (locks it). */
export async function lock(base, judge, taskId) {
  return ok(await apiCall(base, 'POST', `/api/judging/tasks/${taskId}/sign-off`, { token: judge.token, body: {} }), `sign off ${taskId}`);
}

/** The recheck, by a supervisor not on any panel: started, every selected sheet re-entered
 * exactly as marked (`entriesOf(code, taskId)` gives the ten entries), finished. */
export async function recheck(base, comp, supervisor, entriesOf) {
  const path = `/api/competitions/stages/${comp.final}/recheck`;
  const r = await ok(await apiCall(base, 'POST', path, { token: supervisor.token }), 'start the recheck');
  for (const c of r.candidates) {
    for (const s of c.sheets) {
      await ok(await apiCall(base, 'PUT', `${path}/entries`, { token: supervisor.token, body: {
        code: c.code, task_id: s.task_id, judge_id: s.judge_id, entries: entriesOf(c.code, s.task_id).map((entry, aspect) => ({ aspect, entry })),
      } }), `recheck ${c.code}`);
    }
  }
  const done = await ok(await apiCall(base, 'POST', `${path}/finish`, { token: supervisor.token }), 'finish the recheck');
  assert.equal(done.status, 'corrections', JSON.stringify(done));
  return done;
}

/** The ten entries of a sheet with `met` aspects met. */
export const metEntries = (met) => Array.from({ length: 10 }, (_, a) => (a < met ? 1 : 0));

/** A whole final up to locked and rechecked marks: staff (encryptor, supervisor, a recheck
 * supervisor, a judge), the competition, `people` registered in 职工组 and accepted, the theory
 * sat (every one `theory` points), the cut, the final with `tasks`, seals, everyone checked in,
 * 二次加密, every sheet marked with `metOf(codeIndex, taskIndex)` aspects met (codes in the
 * judge's order), tasks locked and the recheck done. */
export async function lockedFinal(base, staff, { code, tag, people, tasks, theory = 60, metOf, tieChain, recheckDone = true }) {
  const users = await makeStaff(base, staff, [
    { username: `${tag.toLowerCase()}.jiami`, name: '刘加密', roles: ['judge'] },
    { username: `${tag.toLowerCase()}.jiandu`, name: '郑监督', roles: ['supervisor'] },
    { username: `${tag.toLowerCase()}.fuhe`, name: '冯复核', roles: ['supervisor'] },
    { username: `${tag.toLowerCase()}.caipan`, name: '赵裁判', roles: ['judge'], affiliation: '省安防协会' },
  ]);
  const encryptor = users[`${tag.toLowerCase()}.jiami`];
  const supervisor = users[`${tag.toLowerCase()}.jiandu`];
  const rechecker = users[`${tag.toLowerCase()}.fuhe`];
  const judge = users[`${tag.toLowerCase()}.caipan`];
  const comp = await setUp(base, staff, { code, tieChain, encryptor: encryptor.id, supervisor: supervisor.id });
  const regs = await accept(base, staff, await register(base, staff, comp, people.map((p) => ({ ...p, group: 'Z' }))));
  await sitTheory(base, staff, comp, regs, () => theory, tag);
  await confirmCut(base, staff, comp);
  const final = await prepareFinal(base, staff, comp, { tag, tasks, judge, stations: regs.length });
  await takeSeals(base, comp, { encryptor, supervisor });
  for (const r of regs) r.ticket = await checkIn(base, staff, comp, r);
  await encrypt(base, comp, supervisor);
  const codes = (await codesOf(base, judge, final.taskIds[0])).sort();
  const met = new Map();
  for (const [t, taskId] of final.taskIds.entries()) {
    for (const [i, c] of codes.entries()) {
      met.set(`${c}/${taskId}`, metOf(i, t));
      await markSheet(base, judge, taskId, c, metOf(i, t));
    }
    await lock(base, judge, taskId);
  }
  if (recheckDone) await recheck(base, comp, rechecker, (c, taskId) => metEntries(met.get(`${c}/${taskId}`)));
  return { comp, regs, final, codes, encryptor, supervisor, rechecker, judge };
}

/** Opens a layer over the API (its holder). */
export async function openLayer(base, comp, holder, layer, passphrase) {
  return apiCall(base, 'POST', `/api/competitions/stages/${comp.final}/decrypt`, { token: holder.token, body: { layer, passphrase } });
}
