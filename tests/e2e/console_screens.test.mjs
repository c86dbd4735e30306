// Every screen of the console, and every dialog, at 1280 px and at a phone's 390 px: reached
// from a navigation link that bears its name, free of serious or critical accessibility
// violations (axe-core), and saved as a screenshot for a person to look at. Then the console
// in Japanese once the account's language is switched, what an Auditor is not offered, and a
// 403 from the API shown in words.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { axeScan, screenshot, useKeyward } from './harness.mjs';
import { apiCreate, dialog, openScreen, signInAsAdmin, signInThroughConsole } from './console_steps.mjs';

const kw = useKeyward();

async function checkScreen(page, name) {
  const violations = await axeScan(page);
  assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 1)}`);
  await screenshot(page, name);
}

async function seed() {
  const role = await apiCreate(kw, '/v1/roles', { name: 'Gateway', description: 'Asks about orders', permissions: ['keys:verify', 'orders:read'] });
  await apiCreate(kw, '/v1/apikeys', { name: 'Splunk forwarder', role: 'Auditor', allowedIps: ['8.8.8.0/24'], expiresAt: '2031-06-01T00:00:00Z' });
  await apiCreate(kw, '/v1/apikeys', { name: 'Orders gateway', role: role.id, timeZone: 'Asia/Tokyo' });
  const account = await apiCreate(kw, '/v1/accounts', { email: 'auditor@example.com', role: 'Auditor', accessLevel: 'api_only', givenName: 'Ada', surname: 'Lovelace' });
  await apiCreate(kw, `/v1/accounts/${account.id}/token`, {});
  return { role, account };
}

test('every screen and dialog passes axe at 1280 px and 390 px, and is reached by its link', async (t) => {
  const { role, account } = await seed();
  const page = await kw.newPage(t);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(kw.url('/console/'));
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await checkScreen(page, 'sign_in-1280');
  await signInAsAdmin(page, kw);

  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    const screens = [
      ['Overview', 'overview'],
      ['API Keys', 'api_keys'],
      ['User Roles', 'user_roles'],
      ['User Accounts', 'user_accounts'],
      ['Audit log', 'audit_log'],
    ];
    for (const [link, file] of screens) {
      const nav = page.getByRole('navigation').getByRole('link', { name: link, exact: true });
      assert.ok(await nav.isVisible(), `the link "${link}" is visible at ${width} px`);
      await openScreen(page, link);
      await checkScreen(page, `${file}-${width}`);
    }
    await page.goto(kw.url('/console/#/keys'));
    await page.getByRole('link', { name: 'Splunk forwarder' }).click();
    await page.getByRole('heading', { level: 1, name: 'Splunk forwarder' }).waitFor();
    await checkScreen(page, `key_details-${width}`);
    await page.goto(kw.url(`/console/#/roles/${role.id}`));
    await page.getByRole('heading', { level: 1, name: 'Gateway' }).waitFor();
    await checkScreen(page, `role_details-${width}`);
    await page.goto(kw.url(`/console/#/accounts/${account.id}`));
    await page.getByText('auditor@example.com').first().waitFor();
    await checkScreen(page, `account_details-${width}`);
    await page.goto(kw.url('/console/#/profile'));
    await page.getByRole('heading', { level: 1 }).waitFor();
    await checkScreen(page, `profile-${width}`);

    // The dialogs, each scanned while open, and closed with Escape: focus returns to its opener.
    for (const [screen, button, file] of [
      ['API Keys', 'Add API Key', 'add_api_key'],
      ['User Roles', '+ Add Role', 'add_role'],
      ['User Accounts', '+ Add Account', 'add_account'],
    ]) {
      await openScreen(page, screen);
      const opener = page.getByRole('button', { name: button });
      await opener.click();
      await dialog(page).waitFor();
      await checkScreen(page, `${file}-${width}`);
      await page.keyboard.press('Escape');
      await dialog(page).waitFor({ state: 'detached' });
      assert.equal(await opener.evaluate((el) => el === document.activeElement), true, `focus returns to ${button}`);
    }
  }
});

test('the console follows the account into Japanese', async (t) => {
  const page = await kw.newPage(t);
  await signInThroughConsole(page, kw, { email: 'admin@localhost', password: 'correct horse battery staple 7' });
  await page.goto(kw.url('/console/#/accounts/1'));
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await page.getByLabel('Language').selectOption('ja-JP');
  await page.getByRole('button', { name: 'Save' }).click();
  const nav = page.getByRole('navigation');
  await nav.getByRole('link', { name: 'API キー', exact: true }).waitFor();
  for (const [link, heading] of [['API キー', 'API キー'], ['ユーザーの役割', 'ユーザーの役割'], ['ユーザーアカウント', 'ユーザーアカウント'], ['監査ログ', '監査ログ']]) {
    await nav.getByRole('link', { name: link, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }
  await page.getByRole('button', { name: 'サインアウト' }).waitFor();
  await openScreen(page, 'API キー');
  await screenshot(page, 'api_keys-ja');
  assert.deepEqual(await axeScan(page), []);
  // Back to English for the tests that follow.
  await page.goto(kw.url('/console/#/accounts/1'));
  await page.getByRole('button', { name: '編集', exact: true }).click();
  await page.getByLabel('言語').selectOption('en-US');
  await page.getByRole('button', { name: '保存' }).click();
  await nav.getByRole('link', { name: 'API Keys', exact: true }).waitFor();
});

test('what an account may not do is not offered, and a 403 is shown in words', async (t) => {
  // An Auditor: it sees the keys, but no Add, no Delete and no Status toggle.
  const auditor = await apiCreate(kw, '/v1/accounts', { email: 'viewer@example.com', role: 'Auditor', accessLevel: 'console_and_api' });
  const auditorPassword = (await kw.api('POST', `/v1/accounts/${auditor.id}/password`, {}, kw.bootstrapKey)).json.oneTimePassword;
  const page = await kw.newPage(t);
  await signInThroughConsole(page, kw, { email: 'viewer@example.com', password: auditorPassword });
  await openScreen(page, 'API Keys');
  await page.getByRole('link', { name: 'Splunk forwarder' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Add API Key' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: /^Delete/ }).count(), 0);
  assert.equal(await page.getByRole('switch').count(), 0);
  await openScreen(page, 'User Roles');
  assert.equal(await page.getByRole('button', { name: '+ Add Role' }).count(), 0);

  // A Full Access account may edit keys, but not the Master Administrator's: the API's 403 is
  // shown in words and the toggle stays as it was.
  const full = await apiCreate(kw, '/v1/accounts', { email: 'operator@example.com', role: 'Full Access', accessLevel: 'console_and_api' });
  const fullPassword = (await kw.api('POST', `/v1/accounts/${full.id}/password`, {}, kw.bootstrapKey)).json.oneTimePassword;
  const other = await kw.newPage(t);
  await signInThroughConsole(other, kw, { email: 'operator@example.com', password: fullPassword });
  await openScreen(other, 'API Keys');
  const adminToggle = other.getByRole('switch', { name: 'Status of admin' });
  await adminToggle.click();
  await other.getByRole('status').filter({ hasText: /you cannot act on/ }).waitFor();
  assert.equal(await adminToggle.getAttribute('aria-checked'), 'true');
});
