// Administration → API Keys as a new administrator uses it: sign in with the bootstrap account
// and change its one-time password; add a key and read its secret once; use that secret; edit
// the name and allowlist (a private address refused beside its field); see the expiry
// read-only; disable it with the Status toggle and see the secret refused; rotate with a grace
// period; select two keys and delete them; find each action in the audit log. Then a session
// that ends returns to sign-in and, after signing in again, to the page it was on.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { screenshot, useKeyward } from './harness.mjs';
import { apiCreate, dialog, findInAuditLog, NEW_PASSWORD, openScreen, settled, signInAsAdmin, signInThroughConsole, takeSecretOnce } from './console_steps.mjs';

const kw = useKeyward();

test('an administrator manages an API key from the console, and every step is audited', async (t) => {
  const page = await kw.newPage(t);
  await signInAsAdmin(page, kw);
  await openScreen(page, 'API Keys');

  // Add API Key: the secret once, then used from outside the browser.
  await page.getByRole('button', { name: 'Add API Key' }).click();
  await dialog(page).getByLabel('Name').fill('Splunk forwarder');
  await dialog(page).getByLabel('Description').fill('Pulls the audit trail into Splunk');
  await dialog(page).getByLabel('Role').selectOption({ label: 'Auditor' });
  await dialog(page).getByLabel('Time zone').selectOption('Asia/Tokyo');
  await dialog(page).getByLabel('Expires on (optional)').fill('2031-01-15T09:30');
  await dialog(page).getByRole('button', { name: 'Add', exact: true }).click();
  const secret = await takeSecretOnce(page, 'Secret key');
  assert.equal((await kw.api('GET', '/v1/apikeys/current', null, secret)).status, 200);
  const row = page.getByRole('row', { name: /Splunk forwarder/ });
  await row.waitFor();
  assert.match(await row.textContent(), /Auditor/);
  assert.match(await row.textContent(), /Console/, 'a key made in the console has the source Console');

  // The key's details: the expiry is shown and cannot be edited.
  await row.getByRole('link', { name: 'Splunk forwarder' }).click();
  await page.getByRole('heading', { level: 1, name: 'Splunk forwarder' }).waitFor();
  const expiryControls = await page.getByLabel(/Expires/).evaluateAll(
    (els) => els.filter((el) => ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)).length);
  assert.equal(expiryControls, 0, 'no control edits the expiry');
  await page.getByText('(cannot be edited after the API key is created)').first().waitFor();
  await page.getByText('Jan 15, 2031').first().waitFor();

  // Edit the name and the allowlist: a private address is refused beside its field.
  await page.getByLabel('Name').fill('Splunk forwarder (prod)');
  await page.getByLabel('Allowed IP addresses').fill('8.8.8.0/24\n10.1.2.3');
  await page.getByRole('button', { name: 'Save' }).click();
  const allowlist = page.getByLabel('Allowed IP addresses');
  await page.getByText(/"10\.1\.2\.3" is not public address space/).waitFor();
  assert.equal(await allowlist.getAttribute('aria-invalid'), 'true');
  const describedBy = await allowlist.getAttribute('aria-describedby');
  assert.match(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent(), /10\.1\.2\.3/);
  await screenshot(page, 'key_details_allowlist_refused');
  await allowlist.fill('8.8.8.0/24');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { level: 1, name: 'Splunk forwarder (prod)' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  assert.equal((await kw.api('GET', '/v1/apikeys/current', null, secret)).status, 403, 'outside the new allowlist');
  await allowlist.fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await settled(page);
  await page.getByRole('definition').filter({ hasText: 'Any address' }).waitFor();
  assert.equal((await kw.api('GET', '/v1/apikeys/current', null, secret)).status, 200);

  // The Status toggle disables it in place: the secret is refused.
  await page.getByRole('link', { name: /Back to API Keys/ }).click();
  const toggle = page.getByRole('switch', { name: 'Status of Splunk forwarder (prod)' });
  assert.equal(await toggle.getAttribute('aria-checked'), 'true');
  await toggle.click();
  await page.getByRole('status').filter({ hasText: 'Splunk forwarder (prod) is disabled.' }).waitFor();
  assert.equal(await toggle.getAttribute('aria-checked'), 'false');
  assert.equal((await kw.api('GET', '/v1/apikeys/current', null, secret)).status, 401);
  await toggle.click();
  await page.getByRole('status').filter({ hasText: 'is enabled.' }).waitFor();
  assert.equal((await kw.api('GET', '/v1/apikeys/current', null, secret)).status, 200);

  // Rotate with a grace period: the new secret works, and so does the old one for now.
  await page.getByRole('link', { name: 'Splunk forwarder (prod)' }).click();
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await dialog(page).getByLabel('When the current secret stops working').selectOption({ label: 'After a grace period of 1 day' });
  await dialog(page).getByRole('button', { name: 'Rotate secret' }).click();
  const rotated = await takeSecretOnce(page, 'Secret key');
  assert.notEqual(rotated, secret);
  assert.equal((await kw.api('GET', '/v1/apikeys/current', null, rotated)).status, 200);
  assert.equal((await kw.api('GET', '/v1/apikeys/current', null, secret)).status, 200, 'grace period');
  await page.getByText(/works until/).waitFor();

  // Select two keys and delete them: the confirmation names both.
  const first = await apiCreate(kw, '/v1/apikeys', { name: 'QRadar connector', role: 'Auditor' });
  const second = await apiCreate(kw, '/v1/apikeys', { name: 'Old build agent', role: 'Auditor' });
  await openScreen(page, 'API Keys');
  await page.getByRole('checkbox', { name: 'Select QRadar connector' }).check();
  await page.getByRole('checkbox', { name: 'Select Old build agent' }).check();
  await page.getByRole('button', { name: 'Delete (2)' }).click();
  const confirm = dialog(page);
  assert.match(await confirm.textContent(), /QRadar connector/);
  assert.match(await confirm.textContent(), /Old build agent/);
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('status').filter({ hasText: '2 API key(s) deleted.' }).waitFor();
  assert.equal(await page.getByRole('row', { name: /QRadar connector/ }).count(), 0);
  for (const gone of [first, second]) {
    assert.equal((await kw.api('GET', `/v1/apikeys/${gone.id}`, null, kw.bootstrapKey)).status, 404);
  }
  await screenshot(page, 'api_keys_after_delete');

  // Every one of these actions is in the audit log.
  await openScreen(page, 'Audit log');
  for (const action of ['apikey.create', 'apikey.update', 'apikey.disable', 'apikey.enable', 'apikey.rotate', 'apikey.delete']) {
    await findInAuditLog(page, action);
  }
});

test('an ended session returns to sign-in with a message, then to the page it was on', async (t) => {
  const page = await kw.newPage(t);
  // The first test changed the bootstrap password; sign in with the new one.
  await signInThroughConsole(page, kw, { email: 'admin@localhost', password: NEW_PASSWORD });
  await openScreen(page, 'User Roles');
  // End the session behind the console's back, as an idle timeout would.
  const cookie = (await page.context().cookies()).find((c) => c.name === 'keyward_session');
  const session = { cookie: cookie.value, csrfToken: (await kw.api('GET', '/v1/session', null, { cookie: cookie.value })).json.csrfToken };
  assert.equal((await kw.api('DELETE', '/v1/session', null, session)).status, 204);

  await page.getByRole('navigation').getByRole('link', { name: 'Audit log', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByText('Your session has expired. Sign in again to continue where you were.').waitFor();
  await page.getByLabel('Email').fill('admin@localhost');
  await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
  assert.match(page.url(), /#\/audit$/);

  // Sign out: back to sign-in, and the session no longer works.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You have signed out.').waitFor();
  const after = (await page.context().cookies()).find((c) => c.name === 'keyward_session');
  assert.ok(!after || (await kw.api('GET', '/v1/session', null, { cookie: after.value })).status === 401);
});
