// Issue 13: three judges mark a candidate; two of them differ by 2 levels on a judgement aspect
// (allowed spread 1). Once every sheet is in, the aspect is flagged on the head judge's overview
// and on the judges' sheets; a judge re-marks it within the spread and the flag clears; the head
// judge signs off, the task is locked and the candidates' names appear. A judge who works where a
// candidate works sees that candidate as 回避 and cannot open the sheet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, screenshot, apiCall, adminToken } from './harness.mjs';
import { practicalSession, openJudge, openSheet, enter, waitSynced, judgeToken, markByApi } from './judge-support.mjs';

/** Three or more English words in a row: an untranslated fragment on a Chinese screen. */
const ENGLISH_RUN = /[A-Za-z]+(?:[ ,'-]+[A-Za-z]+){2,}/;

let server;
let browser;
let s;
let staff;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  s = await practicalSession(server.base, staff, {
    tag: 'SPR',
    judges: [
      { username: 'zuzhang.chen', name: '考评组长 陈国华', affiliation: '广东省安全技术防范行业协会' },
      { username: 'kaoping.lin', name: '考评员 林志明', affiliation: '广东省职业技能鉴定指导中心' },
      { username: 'kaoping.he', name: '考评员 何晓燕', affiliation: '广州市某职业技术学院' },
    ],
    candidates: [
      { name: '王小明', employer: '佛山某智能科技有限公司' },
      // Works where 何晓燕 works (written differently): she is conflicted.
      { name: '李小红', employer: ' 广州市某职业技术学院 ' },
    ],
  });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a spread over the limit is flagged, re-marked within it and cleared, and the head judge locks the task', async () => {
  const [wang, li] = s.codes;
  const [head, lin, he] = s.judges;
  const tokens = { lin: await judgeToken(server.base, lin.username), he: await judgeToken(server.base, he.username), head: await judgeToken(server.base, head.username) };

  // 何晓燕 sees 李小红 as 回避 and cannot open the sheet.
  const heTab = await openJudge(browser, server.base, he.username, { orientation: 'landscape' });
  await heTab.page.click(`[data-test=task][data-task="${s.taskId}"]`);
  await heTab.page.waitForSelector('[data-test=task-view]');
  const conflicted = heTab.page.locator(`[data-test=candidate][data-code="${li.code}"]`);
  assert.equal(await conflicted.getAttribute('data-status'), 'conflict');
  assert.match(await conflicted.innerText(), /回避/);
  assert.equal(await conflicted.evaluate((e) => e.tagName), 'DIV', 'a conflicted candidate is no link');
  assert.doesNotMatch(await heTab.page.textContent('[data-test=task-view]'), /王小明|李小红/, 'no names before the lock');
  await screenshot(heTab.page, 'judge-spread-conflict');
  await heTab.context.close();

  // 林志明 and 何晓燕 mark 王小明 through the API: levels 1 and 2 on the judgement aspect.
  await markByApi(server.base, tokens.lin, s.taskId, wang.code, [1, 1, 1, 0]);
  await markByApi(server.base, tokens.he, s.taskId, wang.code, [2, 1, 1, 0]);
  // 李小红: the two judges without a conflict.
  await markByApi(server.base, tokens.head, s.taskId, li.code, [3, 0, 1, 0]);
  await markByApi(server.base, tokens.lin, s.taskId, li.code, [3, 0, 1, 0]);

  // The head judge marks 王小明 on the tablet with level 3: 3 − 1 = 2 > 1.
  const headTab = await openJudge(browser, server.base, head.username);
  const hp = headTab.page;
  await openSheet(hp, s.taskId, wang.code);
  await enter(hp, 0, 3);
  await enter(hp, 1, 1);
  await enter(hp, 2, 1);
  await enter(hp, 3, 0);
  await waitSynced(hp);
  await hp.click('[data-test=submit-sheet]');
  await hp.click('[data-test=confirm-ok]');
  await hp.waitForSelector('[data-test=sheet][data-submitted=true]');
  await hp.waitForSelector('[data-test=aspect][data-aspect="0"] [data-test=flag]');
  const flagText = await hp.textContent('[data-test=aspect][data-aspect="0"] [data-test=flag]');
  assert.match(flagText, /林志明：1 级/, "the panel's entries are shown on the flagged aspect");
  assert.match(flagText, /何晓燕：2 级/);
  assert.equal(await hp.locator('[data-test=aspect][data-aspect="0"] [data-test=level-2]:not([disabled])').count(), 1, 'the flagged aspect can be re-marked');
  assert.equal(await hp.locator('[data-test=aspect][data-aspect="2"] [data-test=met][disabled]').count(), 1, 'the rest is read-only');
  assert.doesNotMatch(await hp.textContent('body'), ENGLISH_RUN, 'the sheet is all Chinese');
  await screenshot(hp, 'judge-spread-flag-sheet');

  // The head judge's overview: the flag with each judge's entries; sign-off waits.
  await hp.goto(`${server.base}/judge#/tasks/${s.taskId}/overview`);
  await hp.waitForSelector('[data-test=overview]');
  assert.match(await hp.textContent(`[data-test=overview-flag][data-code="${wang.code}"]`), /林志明：1 级[\s\S]*何晓燕：2 级|何晓燕：2 级[\s\S]*林志明：1 级/);
  assert.ok(await hp.locator('[data-test=sign-off][disabled]').count(), 'no sign-off while a flag is open');
  assert.match(await hp.textContent('[data-test=signoff-blockers]'), /分歧/);
  assert.doesNotMatch(await hp.textContent('body'), ENGLISH_RUN, 'the overview is all Chinese');
  await screenshot(hp, 'judge-spread-overview-flag');

  // 林志明 sees the flag on his submitted sheet and re-marks 1 → 2: levels 3, 2, 2 are within 1.
  const linTab = await openJudge(browser, server.base, lin.username, { orientation: 'landscape' });
  const lp = linTab.page;
  await openSheet(lp, s.taskId, wang.code);
  await lp.waitForSelector('[data-test=aspect][data-aspect="0"].flagged');
  assert.match(await lp.textContent('[data-test=aspect][data-aspect="0"] [data-test=flag]'), /陈国华：3 级/);
  await screenshot(lp, 'judge-spread-remark');
  await enter(lp, 0, 2);
  await waitSynced(lp);
  // The flag clears on the server at the re-mark; the sheet shows it once re-read.
  await lp.reload();
  await lp.waitForSelector(`[data-test=sheet][data-code="${wang.code}"]`);
  assert.equal(await lp.locator('[data-test=flag]').count(), 0, 'the flag is cleared');
  assert.equal(await lp.locator('[data-test=level-2]:not([disabled])').count(), 0, 'the sheet is read-only again');
  await linTab.context.close();

  // The head judge signs off: locked, names appear.
  await hp.reload();
  await hp.waitForSelector('[data-test=overview]');
  assert.equal(await hp.locator('[data-test=overview-flag]').count(), 0);
  await hp.click('[data-test=sign-off]:not([disabled])');
  await hp.click('[data-test=confirm-ok]');
  await hp.waitForSelector('[data-test=overview][data-locked=true]');
  assert.match(await hp.textContent(`[data-test=overview-row][data-code="${wang.code}"]`), /王小明/);
  assert.match(await hp.textContent(`[data-test=overview-row][data-code="${li.code}"]`), /李小红/);
  await screenshot(hp, 'judge-spread-locked');
  await hp.goto(`${server.base}/judge#/tasks/${s.taskId}`);
  await hp.waitForSelector('[data-test=task-locked]');
  assert.match(await hp.textContent(`[data-test=candidate][data-code="${wang.code}"]`), /王小明/, 'names on the codes once locked');

  const results = await apiCall(server.base, 'GET', `/api/sessions/${s.sessionId}/practical/results`, { token: staff });
  assert.equal(results.status, 200, JSON.stringify(results.body));
  assert.deepEqual(headTab.errors, []);
  await headTab.context.close();
});
