// One role (#/roles/<id>, GET /v1/roles/{id}): its description and permissions, grouped as the
// catalogue groups them. A built-in role is read-only and says so. A custom role can be edited in
// the Custom Role Setting dialog (PATCH /v1/roles/{id}) and deleted after a confirmation that
// names it (DELETE; a role still held by keys or accounts is refused with 409 in_use, whose
// message says by how many).
import * as api from '../api.js';
import { append, h, replace } from '../dom.js';
import { describeError } from '../forms.js';
import { confirmDialog } from '../dialog.js';
import { t } from '../i18n.js';
import * as session from '../session.js';
import { details, pageHead, statusLine } from '../widgets.js';
import { groupCatalogue, openRoleDialog, permissionCatalogue, roleType } from './roles.js';

export async function render(ctx) {
  let role;
  try {
    role = await api.get(`/v1/roles/${encodeURIComponent(ctx.id)}`);
  } catch (error) {
    if (error.status !== 404) throw error;
    append(ctx.main, [
      pageHead(t('roles.notFoundTitle'), { back: { href: '#/roles', label: t('roles.title') } }),
      h('p', { role: 'alert' }, describeError(error)),
    ]);
    return;
  }
  const catalogue = await permissionCatalogue().catch(() => []);
  const status = statusLine();
  const body = h('div', { class: 'role-body' });

  const editButton =
    !role.builtIn && session.can('roles:edit')
      ? h('button', { type: 'button', class: 'secondary', onclick: () => edit() }, t('roles.edit'))
      : null;
  const deleteButton =
    !role.builtIn && session.can('roles:delete')
      ? h('button', { type: 'button', class: 'danger', onclick: () => remove() }, t('roles.delete'))
      : null;
  const head = pageHead(role.name, { back: { href: '#/roles', label: t('roles.title') }, actions: [editButton, deleteButton] });
  append(ctx.main, [head, status, body]);

  const draw = () => {
    const heading = ctx.main.querySelector('h1');
    heading.textContent = role.name;
    document.title = `${role.name} — Keyward`;
    replace(
      body,
      role.builtIn ? h('p', { class: 'notice' }, h('strong', {}, t('roles.readOnlyTitle')), h('span', { class: 'role-readonly-text' }, t('roles.readOnly'))) : null,
      h(
        'section',
        { class: 'panel' },
        details([
          [t('roles.type'), roleType(role)],
          [t('common.description'), role.description || h('span', { class: 'muted' }, '—')],
          [t('roles.id'), h('span', { class: 'mono' }, role.id)],
        ]),
      ),
      permissionsSection(role, catalogue),
      session.can('audit:view')
        ? h('p', {}, h('a', { href: `#/audit${api.query({ target: `role:${role.id}` })}` }, t('roles.auditLink')))
        : null,
    );
  };

  const edit = async () => {
    let updated;
    try {
      updated = await openRoleDialog({ role });
    } catch (error) {
      if (error.status !== 401) status.say(describeError(error), true);
      return;
    }
    if (!updated) return;
    role = updated;
    draw();
    status.say(t('common.saved'));
  };

  const remove = async () => {
    const sure = await confirmDialog({
      title: t('roles.deleteTitle'),
      message: h('p', {}, t('roles.deleteConfirm', { name: role.name })),
      confirmLabel: t('roles.delete'),
      danger: true,
    });
    if (!sure) return;
    try {
      await api.del(`/v1/roles/${encodeURIComponent(role.id)}`);
    } catch (error) {
      if (error.status === 401) return;
      // 409 in_use: the API's sentence says how many keys and accounts still hold the role.
      status.say(`⚠ ${t('roles.deleteFailed', { message: describeError(error) })}`, true);
      deleteButton.focus();
      return;
    }
    ctx.navigate(`#/roles${api.query({ deleted: role.name })}`);
  };

  draw();
}

// The role's permissions: the catalogue ones under their groups (the description, then the
// name), then the free-form ones of the user's own APIs.
function permissionsSection(role, catalogue) {
  const held = new Set(role.permissions);
  const known = new Set(catalogue.map((p) => p.name));
  const groups = groupCatalogue(catalogue.filter((p) => held.has(p.name)));
  const freeForm = role.permissions.filter((p) => !known.has(p));
  return h(
    'section',
    { class: 'panel role-permissions', 'aria-labelledby': 'role-permissions-title' },
    h('h2', { id: 'role-permissions-title' }, t('roles.tabPermissions')),
    !role.permissions.length ? h('p', { class: 'muted' }, t('roles.noPermissions')) : null,
    groups.map(([group, items]) => [
      h('h3', { class: 'perm-heading' }, group),
      h(
        'ul',
        { class: 'perm-list' },
        items.map((item) => h('li', {}, item.description, ' ', h('span', { class: 'perm-name mono' }, item.name))),
      ),
    ]),
    freeForm.length
      ? [
          h('h3', { class: 'perm-heading' }, t('roles.freeForm')),
          h('ul', { class: 'perm-list' }, freeForm.map((p) => h('li', { class: 'mono' }, p))),
        ]
      : null,
    role.builtIn ? h('p', { class: 'hint' }, t('roles.builtInScope')) : null,
  );
}
