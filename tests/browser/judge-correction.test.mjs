// Issue 13: after the lock the head judge asks, with their password and a reason, for a judge's
// entry to be corrected; the request stays pending and changes nothing until an admin approves
// it; then the candidate's practical result changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, screenshot, apiCall, adminToken } from './harness.mjs';
import { practicalSession, openJudge, judgeToken, markByApi, JUDGE_PASSWORD } from './judge-support.mjs';
import { openConsole } from './console-support.mjs';

let server;
let browser;
let s;
let staff;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  s = await practicalSession(server.base, staff, {
    tag: 'COR',
    judges: [
      { username: 'zuzhang.wu', name: '考评组长 吴建国', affiliation: '广东省安全技术防范行业协会' },
      { username: 'kaoping.zhou', name: '考评员 周丽', affiliation: '广东省职业技能鉴定指导中心' },
    ],
    candidates: [{ name: '孙小强', employer: '东莞某安防工程公司' }],
  });
  const [head, zhou] = s.judges;
  const code = s.codes[0].code;
  await markByApi(server.base, await judgeToken(server.base, head.username), s.taskId, code, [2, 1, 1, 0]);
  await markByApi(server.base, await judgeToken(server.base, zhou.username), s.taskId, code, [2, 1, 0, 0]);
  const signed = await apiCall(server.base, 'POST', `/api/judging/tasks/${s.taskId}/sign-off`, { token: await judgeToken(server.base, head.username), body: {} });
  assert.equal(signed.status, 200, JSON.stringify(signed.body));
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The candidate's practical score as the session's results give it. */
async function practicalScore() {
  const r = await apiCall(server.base, 'GET', `/api/sessions/${s.sessionId}/practical/results`, { token: staff });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const rows = Array.isArray(r.body) ? r.body : r.body.candidates || r.body.rows;
  const row = rows.find((x) => x.code === s.codes[0].code || x.ticket === s.codes[0].ticket || x.name === s.codes[0].name);
  assert.ok(row, JSON.stringify(r.body));
  return row.practical_score ?? row.score;
}

test('a correction after the lock needs the head judge password, waits for approval and then changes the result', async () => {
  const [, zhou] = s.judges;
  const code = s.codes[0].code;
  // Marks: 2/3·4 + 2 + (4 + 0)/2 = 6.67 of 10.
  const before = await practicalScore();
  assert.ok(Math.abs(before - 66.67) < 0.01, `before: ${before}`);

  const { context, page, errors } = await openJudge(browser, server.base, 'zuzhang.wu');
  await page.goto(`${server.base}/judge#/tasks/${s.taskId}/overview`);
  await page.waitForSelector('[data-test=overview][data-locked=true]');
  await page.waitForSelector('[data-test=correction-form]');
  assert.match(await page.textContent('[data-test=overview-row]'), /孙小强/);

  // 周丽 marked "not met" on aspect 3; the head judge asks for "met".
  await page.selectOption('[data-test=corr-code]', code);
  await page.selectOption('[data-test=corr-judge]', String(zhou.id));
  await page.selectOption('[data-test=corr-aspect]', '2');
  assert.match(await page.textContent('[data-test=corr-current]'), /未达到/);
  await page.fill('[data-test=corr-entry]', '1');
  await page.fill('[data-test=corr-reason]', '复核录像：客户端图像显示正常，原评分记录有误。');
  await page.fill('[data-test=corr-password]', 'not-my-password');
  await page.click('[data-test=corr-submit]');
  await page.waitForSelector('[data-test=corr-error]');
  assert.match(await page.textContent('[data-test=corr-error]'), /密码|password/i);
  await page.fill('[data-test=corr-password]', JUDGE_PASSWORD);
  await page.click('[data-test=corr-submit]');
  await page.waitForSelector('[data-test=pending-correction]');
  assert.match(await page.textContent('[data-test=pending-correction]'), /周丽[\s\S]*第 3 项[\s\S]*0 → 1/);
  await screenshot(page, 'judge-correction-pending');
  assert.equal(await practicalScore(), before, 'a pending correction changes nothing');

  // An admin approves it on the console's corrections screen.
  const list = await apiCall(server.base, 'GET', '/api/practical/corrections?status=pending', { token: staff });
  assert.equal(list.status, 200);
  const mine = list.body.find((c) => c.task_id === s.taskId);
  assert.ok(mine, 'the admin sees the pending correction');
  const con = await openConsole(browser, server.base, { orientation: 'landscape' });
  await con.page.goto(`${server.base}/console#/corrections`);
  const approve = `[data-test=correction-approve-${mine.id}]`;
  await con.page.waitForSelector(approve);
  await con.page.click(approve);
  await con.page.waitForSelector('[data-test=corrections-flash]');
  assert.equal(await con.page.locator(approve).count(), 0, 'approved corrections leave the pending list');
  await screenshot(con.page, 'judge-correction-console-approved');
  assert.deepEqual(con.errors, []);
  await con.context.close();

  // 6.67 + 2 (the aspect's mean goes from 2 to 4) = 8.67 of 10.
  const after = await practicalScore();
  assert.ok(Math.abs(after - 86.67) < 0.01, `after: ${after}`);
  await page.reload();
  await page.waitForSelector('[data-test=overview][data-locked=true]');
  assert.equal(await page.locator('[data-test=pending-correction]').count(), 0, 'no longer pending');
  assert.deepEqual(errors, []);
  await context.close();
});
