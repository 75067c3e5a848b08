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
