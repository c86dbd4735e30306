// Steps the browser tests share, written as a new administrator would act: every control is
// found by its visible label or its role, never by a CSS selector.
import assert from 'node:assert/strict';

export const NEW_PASSWORD = 'correct horse battery staple 7';

// Signs in at /console/ as `email`; when the console asks for the one-time password to be
// changed, changes it to `newPassword`. Leaves the page on the first screen after sign-in.
export async function signInThroughConsole(page, kw, { email, password, newPassword = NEW_PASSWORD, hash = '' }) {
  await page.goto(kw.url(`/console/${hash}`));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const heading = page.getByRole('heading', { level: 1 });
  await heading.filter({ hasNotText: 'Sign in' }).waitFor();
  if ((await heading.textContent()) === 'Change your password') {
    await page.getByLabel('One-time password').fill(password);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm the new password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await heading.filter({ hasNotText: 'Change your password' }).waitFor();
  }
}

// The bootstrap Master Administrator's first sign-in: the one-time password, then a new one.
export async function signInAsAdmin(page, kw) {
  await signInThroughConsole(page, kw, { email: 'admin@localhost', password: kw.bootstrapPassword });
}

// Waits until the console has drawn the screen it is going to: the main region is aria-busy from
// a navigation until its screen is on the page.
export async function settled(page) {
  await page.waitForFunction(() => document.getElementById('main')?.getAttribute('aria-busy') !== 'true');
}

// Follows the navigation link named `name` and waits for the screen's heading.
export async function openScreen(page, name, heading = name) {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
  await settled(page);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

// Filters the audit log to `action` with its Action field and waits for an event of it.
export async function findInAuditLog(page, action) {
  await page.getByLabel('Action').fill(action);
  await page.getByRole('button', { name: 'Apply' }).click();
  await settled(page);
  await page.getByRole('cell', { name: action, exact: true }).first().waitFor();
}

// The dialog on top (the native modal <dialog>).
export function dialog(page) {
  return page.getByRole('dialog');
}

// Reads the secret a dialog shows once (its read-only field labelled `label`), closes the
// dialog, and checks that the secret is gone from the page.
export async function takeSecretOnce(page, label) {
  const box = dialog(page).getByLabel(label, { exact: true });
  const secret = await box.inputValue();
  assert.match(secret, /^kw_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}$|^[!-~]{12,}$/);
  await dialog(page).getByRole('button', { name: 'I have copied it, close' }).click();
  await dialog(page).waitFor({ state: 'detached' });
  assert.equal((await page.content()).includes(secret), false, 'the secret is still in the page');
  return secret;
}

// Creates a role, an account or a key straight through the API with the bootstrap key.
export async function apiCreate(kw, path, body) {
  const res = await kw.api('POST', path, body, kw.bootstrapKey);
  assert.equal(res.status, 201, res.text);
  return res.json;
}
