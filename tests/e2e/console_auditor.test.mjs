// The third-party auditor procedure, step by step as the product describes it: a custom role
// with "Third-party auditing (API only)" under Report Management, an account with the access
// level "APIs only", then "Generate new authentication token" on its Account Details; the token
// is handed over and works for the audit trail and nothing else. Each step is in the audit log.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { screenshot, useKeyward } from './harness.mjs';
import { dialog, findInAuditLog, openScreen, signInAsAdmin, takeSecretOnce } from './console_steps.mjs';

const kw = useKeyward();

test('a Master Administrator gives a third-party auditor a token from the console', async (t) => {
  const page = await kw.newPage(t);
  await signInAsAdmin(page, kw);

  // 1. Add a custom role for the third-party auditor.
  await openScreen(page, 'User Roles');
  await page.getByRole('button', { name: '+ Add Role' }).click();
  const roleDialog = dialog(page);
  await roleDialog.getByRole('heading', { name: 'Custom Role Setting' }).waitFor();
  await roleDialog.getByRole('tab', { name: 'General' }).click();
  await roleDialog.getByLabel('Role name').fill('External auditor');
  await roleDialog.getByLabel('Description').fill('Reads the audit trail through the API');
  await roleDialog.getByRole('tab', { name: 'Permissions' }).click();
  const reports = roleDialog.getByRole('group', { name: 'Report Management' });
  await reports.getByRole('checkbox', { name: /Third-party auditing \(API only\)/ }).check();
  await screenshot(page, 'auditor_custom_role_setting');
  await roleDialog.getByRole('button', { name: 'Submit' }).click();
  await roleDialog.waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'External auditor' }).waitFor();

  // 2. Add an account for the third-party auditor.
  await openScreen(page, 'User Accounts');
  await page.getByRole('button', { name: '+ Add Account' }).click();
  const accountDialog = dialog(page);
  await accountDialog.getByLabel('Email address').fill('auditor@example.com');
  await accountDialog.getByLabel('Account type').selectOption({ label: 'Local' });
  await accountDialog.getByLabel('Role:').selectOption({ label: 'External auditor' });
  await accountDialog.getByLabel('Access level:').selectOption({ label: 'APIs only' });
  await accountDialog.getByLabel('Given name').fill('Ada');
  await accountDialog.getByLabel('Surname').fill('Lovelace');
  await accountDialog.getByLabel('Description').fill('Audit firm, 2027 engagement');
  await accountDialog.getByRole('button', { name: 'Add', exact: true }).click();
  await accountDialog.waitFor({ state: 'detached' });

  // 3. Generate an authentication token on the account's details.
  await page.getByRole('link', { name: 'auditor@example.com' }).click();
  await page.getByRole('heading', { level: 1, name: /auditor@example\.com|Account Details/ }).waitFor();
  await page.getByRole('button', { name: 'Generate new authentication token' }).click();
  await dialog(page).getByRole('button', { name: 'Generate', exact: true }).click();
  const token = await takeSecretOnce(page, 'Authentication token');
  await page.getByRole('button', { name: 'Delete token' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Generate new authentication token' }).count(), 0,
               'a second token is not offered while one exists');
  await screenshot(page, 'auditor_account_details');

  // The token handed over: the audit trail, and nothing more.
  assert.equal((await kw.api('GET', '/v1/audit?limit=5', null, token)).status, 200);
  assert.equal((await kw.api('GET', '/v1/apikeys', null, token)).status, 403);
  assert.equal((await kw.api('GET', '/v1/accounts', null, token)).status, 403);
  // An "APIs only" account cannot sign into the console.
  assert.equal((await kw.signIn('auditor@example.com', 'whatever password')).status, 401);

  // Each step is in the audit log.
  await openScreen(page, 'Audit log');
  for (const action of ['role.create', 'account.create', 'account.token.create']) {
    await findInAuditLog(page, action);
  }
  await page.getByText(/Audit chain intact: \d+ events verified/).waitFor();
});
