// Shared by the console-*.test.mjs files: a tablet-sized context logged in to the console, a
// screenshot from the top of the page, text of an element and a valid ID number.
import { tabletContext, screenshot } from './harness.mjs';

/** A new tablet context logged in to the console as `username`. `allow` lists HTTP statuses the
 * test provokes on purpose (the browser logs those as console errors); anything else logged is
 * collected in `errors`, which the test asserts empty. */
export async function openConsole(browser, base, { username = 'admin', password = 'demo-admin', allow = [], orientation = 'landscape' } = {}) {
  const context = await tabletContext(browser, { orientation });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const status = m.text().match(/status of (\d{3})/);
    if (status && allow.includes(Number(status[1]))) return;
    errors.push(m.text());
  });
  await page.goto(`${base}/console`);
  await page.fill('[data-test=login-username]', username);
  await page.fill('[data-test=login-password]', password);
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=user-name]');
  return { context, page, errors };
}

export const text = (page, sel) => page.locator(sel).first().innerText();

/** A full-page screenshot taken from the top. */
export async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** An 18-digit ID number with its check digit (ISO 7064 MOD 11-2). */
export function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
