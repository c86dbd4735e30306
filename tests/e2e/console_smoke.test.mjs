// The console loads in a real browser: /console/ with its stylesheet and module script, no
// console error and no Content-Security-Policy refusal, no serious or critical axe violation,
// and a screenshot for a person to look at.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { axeScan, screenshot, useKeyward } from './harness.mjs';

const kw = useKeyward();

test('the console loads with no error, CSP refusal or serious accessibility violation', async (t) => {
  const page = await kw.newPage(t);
  const loaded = [];
  page.on('response', (res) => loaded.push(`${res.status()} ${new URL(res.url()).pathname}`));
  const res = await page.goto(kw.url('/console/'), { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-security-policy'], /script-src 'self'/);
  // The sign-in screen is drawn by the console's modules: the script was allowed and loaded.
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  assert.ok(loaded.includes('200 /console/app.css'), loaded.join(', '));
  assert.ok(loaded.includes('200 /console/js/app.js'), loaded.join(', '));
  await screenshot(page, 'console_smoke');
  assert.deepEqual(await axeScan(page), []);
  page.problems.assertClean();
});

test('an inline script is refused and the collector sees it', async () => {
  // Proves the collector can fail a test: the console's CSP refuses inline script.
  const page = await kw.newPage();
  await page.goto(kw.url('/console/'));
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.inlineRan = true;';
    document.body.append(s);
  });
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.inlineRan === true), false);
  const problems = page.problems.problems;
  assert.ok(problems.some((p) => /^CSP violation: script-src-elem blocked inline/.test(p)),
            problems.join('\n'));
  assert.ok(problems.some((p) => /^console error: .*Content Security Policy/.test(p)),
            problems.join('\n'));
  assert.throws(() => page.problems.assertClean(), /CSP violation/);
});

test('API calls from the test carry the bootstrap credentials', async () => {
  const me = await kw.api('GET', '/v1/apikeys/current', null, kw.bootstrapKey);
  assert.equal(me.status, 200, me.text);
  assert.equal(me.headers.get('cache-control'), 'no-store');
  const signedIn = await kw.signIn('admin@localhost', kw.bootstrapPassword);
  assert.equal(signedIn.status, 201, JSON.stringify(signedIn.json));
  assert.ok(signedIn.session);
  const session = await kw.api('GET', '/v1/session', null, signedIn.session);
  assert.equal(session.status, 200, session.text);
});
