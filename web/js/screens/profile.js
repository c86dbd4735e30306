// #/profile: the signed-in account as its session shows it (GET /v1/session), the permissions
// its role grants, and the way to change its password.
import { append, h } from '../dom.js';
import { t } from '../i18n.js';
import { accessLevelName, permissionCatalogue, time } from '../format.js';
import * as session from '../session.js';
import { details, pageHead } from '../widgets.js';
import { displayName } from './accounts.js';

// The catalogue's description of each permission (GET /v1/permissions), or an empty map.
async function catalogue() {
  try {
    return new Map((await permissionCatalogue()).map((p) => [p.name, p]));
  } catch (error) {
    if (error && error.status === 401) throw error;
    return new Map();
  }
}

export async function render(ctx) {
  const current = session.get();
  const account = session.account();
  if (!current || !account) return;
  const permissions = Array.isArray(current.permissions) ? current.permissions : null;
  const known = permissions && permissions.length ? await catalogue() : new Map();

  const actions = [h('a', { class: 'button secondary', href: '#/change-password' }, t('profile.changePassword'))];
  if (session.can('accounts:view') && account.id) {
    actions.push(h('a', { class: 'button secondary', href: `#/accounts/${encodeURIComponent(account.id)}` }, t('profile.accountDetails')));
  }

  let permissionList;
  if (!permissions) {
    permissionList = h('p', { class: 'muted' }, t('profile.permissionsUnknown'));
  } else if (!permissions.length) {
    permissionList = h('p', { class: 'muted' }, t('profile.noPermissions'));
  } else {
    // Grouped as the catalogue groups them (its order); permissions outside it under their own heading.
    const groups = new Map();
    for (const entry of known.values()) if (permissions.includes(entry.name)) groups.set(entry.group, [...(groups.get(entry.group) ?? []), entry]);
    const others = permissions.filter((name) => !known.has(name)).map((name) => ({ name, description: t('profile.customPermission') }));
    if (others.length) groups.set(known.size ? t('profile.otherPermissions') : '', others);
    permissionList = [...groups].map(([group, entries]) => [
      group ? h('h3', { class: 'permission-group' }, group) : null,
      h(
        'ul',
        { class: 'permission-list' },
        entries.map((entry) => h('li', {}, h('span', { class: 'permission-text' }, entry.description), ' ', h('code', { class: 'mono' }, entry.name))),
      ),
    ]);
  }

  append(ctx.main, [
    pageHead(t('profile.title'), { actions }),
    h(
      'section',
      { class: 'panel account-panel', 'aria-labelledby': 'profile-account' },
      h('h2', { id: 'profile-account' }, t('profile.account')),
      details([
        [t('profile.email'), account.email],
        displayName(account) ? [t('common.name'), displayName(account)] : null,
        [t('common.role'), account.role?.name ?? '—'],
        [t('profile.accessLevel'), account.accessLevel ? accessLevelName(account.accessLevel) : '—'],
        [t('common.locale'), account.locale ? t(`locale.${account.locale}`) : '—'],
        [t('common.timeZone'), account.timeZone || session.timeZone()],
        current.expiresAt ? [t('profile.sessionEnds'), time(current.expiresAt)] : null,
      ]),
      h('p', { class: 'hint' }, t('profile.howToChange')),
    ),
    h(
      'section',
      { class: 'panel account-panel', 'aria-labelledby': 'profile-permissions' },
      h('h2', { id: 'profile-permissions' }, t('profile.permissions')),
      h('p', { class: 'hint' }, t('profile.permissionsIntro', { role: account.role?.name ?? '—' })),
      permissionList,
    ),
  ]);
}
