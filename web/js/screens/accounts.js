// Administration → User Accounts: the accounts (GET /v1/accounts, paged), "+ Add Account"
// (POST /v1/accounts), and after adding an account that may sign into the console, the offer
// of a one-time password (POST /v1/accounts/{id}/password). Each row links to Account Details.
import * as api from '../api.js';
import { append, h, replace, uid } from '../dom.js';
import { describeError, field, form } from '../forms.js';
import { currentLocale, t } from '../i18n.js';
import { openDialog, confirmDialog, secretDialog } from '../dialog.js';
import { accessLevelName, statusBadge } from '../format.js';
import * as session from '../session.js';
import { pageHead, pager, statusLine, table } from '../widgets.js';

export const ACCESS_LEVELS = ['console_and_api', 'api_only', 'console_only'];
export const LOCALES = ['en-US', 'ja-JP'];

// An account's status as one word: disabled first, then locked out, else enabled.
export function accountStatus(account) {
  if (!account.enabled) return 'disabled';
  if (account.lockedOut) return 'locked_out';
  return 'enabled';
}

// Given name and surname in the order of the console's language.
export function displayName(account) {
  const parts = currentLocale() === 'ja-JP' ? [account.surname, account.givenName] : [account.givenName, account.surname];
  return parts.filter(Boolean).join(' ');
}

// Whether the access level lets the account sign into the console.
export function canUseConsole(accessLevel) {
  return accessLevel === 'console_and_api' || accessLevel === 'console_only';
}

// Every role (all pages of GET /v1/roles), or null when the caller may not list them.
export async function loadRoles() {
  if (!session.can('roles:view')) return null;
  const roles = [];
  let cursor = '';
  try {
    do {
      const page = await api.get(`/v1/roles${api.query({ limit: 500, cursor })}`);
      roles.push(...(page.items ?? []));
      cursor = page.nextCursor || '';
    } while (cursor);
  } catch (error) {
    if (error && error.status === 403) return null;
    throw error;
  }
  return roles;
}

// The IANA zones the browser knows, with UTC first, and `current` kept when it is not among them.
export function timeZones(current) {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const list = ['UTC', ...zones.filter((z) => z !== 'UTC')];
  if (current && !list.includes(current)) list.splice(1, 0, current);
  return list;
}

// The fields of an account, for "+ Add Account" and for editing. `roles` null: a text field for
// the role's name or id. Returns {fields: [...], values() → body of the changed fields}.
export function accountFields({ account = null, roles = null } = {}) {
  const v = account ?? {};
  const email = field({ name: 'email', label: t('accounts.email'), kind: 'email', value: v.email ?? '', required: true, attrs: { autocomplete: 'off', spellcheck: 'false' } });
  const type = account
    ? null
    : field({ name: 'type', label: t('accounts.type'), kind: 'select', value: 'local', options: [{ value: 'local', label: t('accounts.type.local') }] });
  let role;
  if (roles) {
    const options = roles.map((r) => ({ value: r.id, label: r.name }));
    if (v.role && !roles.some((r) => String(r.id) === String(v.role.id))) options.unshift({ value: v.role.id, label: v.role.name });
    if (!account) options.unshift({ value: '', label: t('accounts.chooseRole') });
    role = field({ name: 'role', label: t('accounts.role'), kind: 'select', value: v.role?.id ?? '', options, required: true });
  } else {
    role = field({ name: 'role', label: t('accounts.role'), value: v.role?.name ?? '', required: true, hint: t('accounts.roleHint') });
  }
  const accessLevel = field({
    name: 'accessLevel',
    label: t('accounts.accessLevel'),
    kind: 'select',
    value: v.accessLevel ?? 'console_and_api',
    options: ACCESS_LEVELS.map((level) => ({ value: level, label: accessLevelName(level) })),
    required: true,
  });
  const givenName = field({ name: 'givenName', label: t('accounts.givenName'), value: v.givenName ?? '', attrs: { autocomplete: 'off' } });
  const surname = field({ name: 'surname', label: t('accounts.surname'), value: v.surname ?? '', attrs: { autocomplete: 'off' } });
  const description = field({ name: 'description', label: t('common.description'), kind: 'textarea', value: v.description ?? '' });
  const locale = field({
    name: 'locale',
    label: t('common.locale'),
    kind: 'select',
    value: v.locale ?? 'en-US',
    options: LOCALES.map((l) => ({ value: l, label: t(`locale.${l}`) })),
  });
  const timeZone = field({
    name: 'timeZone',
    label: t('common.timeZone'),
    kind: 'select',
    value: v.timeZone ?? 'UTC',
    options: timeZones(v.timeZone).map((z) => ({ value: z, label: z })),
  });
  // Japanese writes the surname first.
  const names = currentLocale() === 'ja-JP' ? [surname, givenName] : [givenName, surname];
  const fields = [email, type, role, accessLevel, ...names, description, locale, timeZone].filter(Boolean);
  const values = () => {
    const body = {};
    const set = (name, value, old) => {
      if (!account || value !== (old ?? '')) body[name] = value;
    };
    set('email', email.control.value.trim(), v.email);
    if (type) body.type = type.control.value;
    const roleValue = role.control.value.trim();
    if (!account || (roles ? roleValue !== String(v.role?.id) : roleValue !== v.role?.name)) body.role = roleValue;
    set('accessLevel', accessLevel.control.value, v.accessLevel);
    set('givenName', givenName.control.value, v.givenName);
    set('surname', surname.control.value, v.surname);
    set('description', description.control.value, v.description);
    set('locale', locale.control.value, v.locale);
    set('timeZone', timeZone.control.value, v.timeZone);
    return body;
  };
  return { fields, values };
}

// Sets a one-time password for `account` and shows it once.
export async function setOneTimePassword(account) {
  const answer = await api.post(`/v1/accounts/${encodeURIComponent(account.id)}/password`);
  await secretDialog({
    title: t('accounts.otpTitle'),
    intro: t('accounts.otpIntro', { email: account.email }),
    label: t('accounts.otpLabel'),
    secret: answer.oneTimePassword,
  });
}

// "+ Add Account": resolves to the account created, or undefined when cancelled.
async function addAccountDialog() {
  const roles = await loadRoles();
  const { fields, values } = accountFields({ roles });
  const formId = uid('add-account');
  let created;
  let closeDialog;
  const addForm = form({
    fields,
    onsubmit: async () => {
      created = await api.post('/v1/accounts', values());
      closeDialog(created);
    },
  });
  addForm.id = formId;
  addForm.classList.add('account-form');
  return openDialog({
    title: t('accounts.addTitle'),
    wide: true,
    body: [h('p', { class: 'hint dialog-intro' }, t('accounts.addIntro')), addForm],
    actions: (close) => {
      closeDialog = close;
      return [
        h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('common.cancel')),
        h('button', { type: 'submit', class: 'primary', form: formId }, t('accounts.addSubmit')),
      ];
    },
    onOpen: () => fields[0].control.focus(),
  });
}

export async function render(ctx) {
  const status = statusLine();
  const listArea = h('div', { class: 'accounts-list' });
  let cursor = '';

  const load = async () => {
    listArea.setAttribute('aria-busy', 'true');
    let page;
    try {
      page = await api.get(`/v1/accounts${api.query({ limit: 50, cursor })}`);
    } catch (error) {
      if (!(error && 'status' in error) || error.status === 401) throw error;
      listArea.removeAttribute('aria-busy');
      replace(listArea, h('p', { class: 'form-alert', role: 'alert' }, describeError(error)));
      return;
    }
    listArea.removeAttribute('aria-busy');
    replace(
      listArea,
      table({
        caption: t('accounts.caption'),
        empty: t('accounts.empty'),
        rows: page.items ?? [],
        columns: [
          { label: t('accounts.email'), cell: (a) => h('a', { href: `#/accounts/${encodeURIComponent(a.id)}` }, a.email) },
          { label: t('common.name'), cell: (a) => displayName(a) || h('span', { class: 'muted' }, '—') },
          { label: t('common.role'), cell: (a) => a.role?.name ?? '—' },
          { label: t('accounts.accessLevelColumn'), cell: (a) => accessLevelName(a.accessLevel) },
          { label: t('accounts.status'), cell: (a) => statusBadge(accountStatus(a)) },
          { label: t('accounts.tokenColumn'), cell: (a) => (a.token ? t('common.yes') : t('common.no')) },
        ],
      }),
      pager({
        cursor,
        nextCursor: page.nextCursor,
        onPage: async (next) => {
          cursor = next;
          await load();
          (listArea.querySelector('.table-wrap') || listArea.querySelector('.empty'))?.focus?.();
        },
      }),
    );
  };

  const add = async () => {
    let created;
    try {
      created = await addAccountDialog();
    } catch (error) {
      if (!(error && 'status' in error) || error.status === 401) throw error;
      status.say(describeError(error), true);
      return;
    }
    if (!created) return;
    status.say(t('accounts.added', { email: created.email }));
    if (canUseConsole(created.accessLevel) && session.can('accounts:edit')) {
      const yes = await confirmDialog({
        title: t('accounts.otpOfferTitle'),
        message: h('p', {}, t('accounts.otpOffer', { email: created.email })),
        confirmLabel: t('accounts.setPassword'),
      });
      if (yes) {
        try {
          await setOneTimePassword(created);
        } catch (error) {
          if (!(error && 'status' in error) || error.status === 401) throw error;
          status.say(describeError(error), true);
        }
      }
    }
    cursor = '';
    await load();
  };

  const actions = session.can('accounts:create')
    ? [h('button', { type: 'button', class: 'primary', onclick: add }, t('accounts.add'))]
    : [];
  append(ctx.main, [pageHead(t('accounts.title'), { actions }), h('p', { class: 'muted' }, t('accounts.intro')), status, listArea]);
  const deleted = ctx.params.get('deleted');
  if (deleted) {
    status.say(t('accounts.deleted', { email: deleted }));
    history.replaceState(null, '', '#/accounts');
  }
  await load();
}
