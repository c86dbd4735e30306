// Administration → User Roles (GET /v1/roles): every role with its description, whether it is
// built in, and how many permissions it holds. "+ Add Role" opens the Custom Role Setting dialog,
// whose General tab holds the role name and description and whose Permissions tab holds the
// catalogue of GET /v1/permissions, grouped, and the free-form permissions of the user's own APIs.
// role_details.js edits a custom role through the same dialog (openRoleDialog).
import * as api from '../api.js';
import { append, h, replace, uid } from '../dom.js';
import { field, form, setFieldError, describeError } from '../forms.js';
import { openDialog } from '../dialog.js';
import { t, formatNumber } from '../i18n.js';
import * as session from '../session.js';
import { permissionCatalogue as loadCatalogue } from '../format.js';
import { pageHead, table, pager, statusLine } from '../widgets.js';

export async function render(ctx) {
  const status = statusLine();
  const deleted = ctx.params.get('deleted');
  if (deleted) {
    status.say(t('roles.deleted', { name: deleted }));
    history.replaceState(null, '', '#/roles'); // the notice is not shown again on reload
  }
  const list = h('div', { class: 'roles-list' });
  const addButton = session.can('roles:create')
    ? h('button', { type: 'button', class: 'primary', onclick: () => add() }, t('roles.add'))
    : null;
  append(ctx.main, [pageHead(t('roles.title'), { actions: [addButton] }), status, list]);

  const load = async (cursor, focus = false) => {
    let page;
    try {
      page = await api.get(`/v1/roles${api.query({ limit: 50, cursor })}`);
    } catch (error) {
      if (error.status === 401) return; // the shell sends the user to sign in
      replace(list, h('p', { class: 'form-alert', role: 'alert' }, describeError(error)));
      return;
    }
    replace(
      list,
      table({
        caption: t('roles.caption'),
        columns: [
          { label: t('roles.name'), cell: (r) => h('a', { href: `#/roles/${encodeURIComponent(r.id)}` }, r.name) },
          { label: t('common.description'), cell: (r) => r.description || h('span', { class: 'muted' }, '—') },
          { label: t('roles.type'), cell: (r) => roleType(r) },
          { label: t('roles.permissionCount'), class: 'num', cell: (r) => formatNumber(r.permissions.length) },
        ],
        rows: page.items,
        empty: t('roles.empty'),
      }),
      pager({ cursor, nextCursor: page.nextCursor, onPage: (next) => load(next, true) }),
    );
    if (focus) list.querySelector('.table-wrap')?.focus();
  };

  const add = async () => {
    let created;
    try {
      created = await openRoleDialog({});
    } catch (error) {
      if (error.status !== 401) status.say(describeError(error), true);
      return;
    }
    if (created) {
      status.say(t('roles.created', { name: created.name }));
      await load('');
    }
  };

  await load('');
}

// "Built-in" or "Custom", as a word.
export function roleType(role) {
  return h('span', { class: ['badge', 'role-type', role.builtIn ? 'role-builtin' : 'role-custom'] }, role.builtIn ? t('roles.builtIn') : t('roles.custom'));
}

// The permission catalogue, read once per page load (it is fixed for a running server).
let cataloguePromise = null;
export function permissionCatalogue() {
  if (!cataloguePromise) {
    cataloguePromise = loadCatalogue();
    cataloguePromise.catch(() => {
      cataloguePromise = null;
    });
  }
  return cataloguePromise;
}

// The catalogue's items grouped by `group`, in the catalogue's order: [[group, items], ...].
export function groupCatalogue(items) {
  const groups = new Map();
  for (const item of items) {
    if (!groups.has(item.group)) groups.set(item.group, []);
    groups.get(item.group).push(item);
  }
  return [...groups.entries()];
}

// An accessible tab widget: role=tablist of role=tab buttons, each controlling a role=tabpanel.
// Arrow keys, Home and End move between tabs (and select them). Returns the element, with
// `select(key)` and `panelOf(node)`.
function tabs(label, entries) {
  const buttons = new Map();
  const panels = new Map();
  const list = h('div', { class: 'tablist', role: 'tablist', 'aria-label': label });
  for (const entry of entries) {
    const tabId = uid('tab');
    const panelId = uid('tabpanel');
    const button = h(
      'button',
      { type: 'button', role: 'tab', id: tabId, class: 'tab', 'aria-controls': panelId, 'aria-selected': 'false', tabindex: '-1', onclick: () => select(entry.key, true) },
      entry.label,
    );
    const panel = h('div', { role: 'tabpanel', id: panelId, class: 'tabpanel', 'aria-labelledby': tabId, hidden: true }, entry.content);
    buttons.set(entry.key, button);
    panels.set(entry.key, panel);
    list.append(button);
  }
  const keys = entries.map((e) => e.key);
  list.addEventListener('keydown', (event) => {
    const current = keys.findIndex((k) => buttons.get(k) === document.activeElement);
    if (current < 0) return;
    let next = null;
    if (event.key === 'ArrowRight') next = (current + 1) % keys.length;
    else if (event.key === 'ArrowLeft') next = (current - 1 + keys.length) % keys.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = keys.length - 1;
    if (next === null) return;
    event.preventDefault();
    select(keys[next], true);
  });
  const el = h('div', { class: 'tabs' }, list, [...panels.values()]);
  function select(key, focus = false) {
    for (const k of keys) {
      const on = k === key;
      buttons.get(k).setAttribute('aria-selected', String(on));
      buttons.get(k).tabIndex = on ? 0 : -1;
      panels.get(k).hidden = !on;
    }
    if (focus) buttons.get(key).focus();
  }
  el.select = select;
  el.panelOf = (node) => keys.find((k) => panels.get(k).contains(node)) ?? null;
  select(keys[0]);
  return el;
}

// One catalogue permission as a checkbox labelled by its description (the product's words,
// "Third-party auditing (API only)"), its name beside it, and a slot for an error about it.
function permissionCheck(item, checked) {
  const id = uid('perm');
  const errorId = `${id}-error`;
  const nameId = `${id}-name`;
  const lacks = Array.isArray(session.get()?.permissions) && !session.can(item.name) && !checked;
  const control = h('input', {
    type: 'checkbox',
    id,
    name: 'permission',
    value: item.name,
    checked,
    disabled: lacks,
    'aria-describedby': `${nameId} ${errorId}`,
  });
  const wrapper = h(
    'div',
    { class: 'perm-item' },
    control,
    h(
      'div',
      { class: 'perm-text' },
      h('label', { for: id }, item.description),
      h('span', { class: 'perm-name mono', id: nameId }, item.name, lacks ? h('span', { class: 'perm-lacks' }, ' — ', t('roles.notHeld')) : null),
      h('p', { class: 'field-error', id: errorId, hidden: true }),
    ),
  );
  wrapper.control = control;
  wrapper.fieldName = `permission:${item.name}`;
  return wrapper;
}

function lines(text) {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

// The Custom Role Setting dialog, for a new role (`role` empty) or a custom role to edit.
// Resolves to the role the API answered, or undefined when cancelled.
export async function openRoleDialog({ role = null }) {
  const catalogue = await permissionCatalogue();
  const known = new Set(catalogue.map((p) => p.name));
  const held = new Set(role?.permissions ?? []);
  const freeFormNow = (role?.permissions ?? []).filter((p) => !known.has(p));

  const name = field({ name: 'name', label: t('roles.roleName'), value: role?.name ?? '', required: true, attrs: { autocomplete: 'off' } });
  const description = field({ name: 'description', label: t('common.description'), kind: 'textarea', value: role?.description ?? '' });
  const checks = catalogue.map((item) => permissionCheck(item, held.has(item.name)));
  const freeForm = field({
    name: 'permissions',
    label: t('roles.freeForm'),
    kind: 'textarea',
    value: freeFormNow.join('\n'),
    hint: t('roles.freeFormHint'),
    attrs: { rows: 4, spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off', class: 'mono' },
  });

  let sent = [];
  let close = null;
  const roleForm = form({
    fields: [name, description, ...checks, freeForm],
    onsubmit: async () => {
      const chosen = checks.filter((c) => c.control.checked).map((c) => c.control.value);
      const extra = [];
      for (const line of lines(freeForm.control.value)) {
        if (known.has(line)) {
          // A catalogue permission typed by hand counts as ticked.
          if (!chosen.includes(line)) chosen.push(line);
        } else if (!extra.includes(line)) {
          extra.push(line);
        }
      }
      sent = [...chosen, ...extra];
      const body = {};
      if (!role) {
        Object.assign(body, { name: name.control.value, description: description.control.value, permissions: sent });
        close(await api.post('/v1/roles', body));
        return;
      }
      if (name.control.value !== role.name) body.name = name.control.value;
      if (description.control.value !== (role.description ?? '')) body.description = description.control.value;
      const before = new Set(role.permissions);
      if (sent.length !== before.size || sent.some((p) => !before.has(p))) body.permissions = sent;
      close(Object.keys(body).length ? await api.patch(`/v1/roles/${encodeURIComponent(role.id)}`, body) : role);
    },
  });
  roleForm.id = uid('role-form');
  roleForm.classList.add('role-form');

  const groups = groupCatalogue(catalogue).map(([group, items]) =>
    h(
      'fieldset',
      { class: 'perm-group' },
      h('legend', {}, group),
      items.map((item) => checks[catalogue.indexOf(item)]),
    ),
  );
  const tabWidget = tabs(t('roles.tabsLabel'), [
    { key: 'general', label: t('roles.tabGeneral'), content: [name, description] },
    {
      key: 'permissions',
      label: t('roles.tabPermissions'),
      content: [h('p', { class: 'hint perm-intro' }, t('roles.catalogueIntro')), h('div', { class: 'perm-groups' }, groups), freeForm],
    },
  ]);
  roleForm.append(tabWidget);

  // Every error goes beside its field, on its tab: the tab is shown first so the field can take
  // focus. An error about permissions[i] goes beside the checkbox or the free-form field that
  // sent it.
  const showBeside = roleForm.showError;
  roleForm.showError = (error) => {
    const match = /^permissions\[(\d+)\]/.exec(error.field || '');
    if (match) {
      const permission = sent[Number(match[1])];
      const target = checks.find((c) => c.control.value === permission) ?? freeForm;
      roleForm.clearErrors();
      tabWidget.select('permissions');
      setFieldError(target, describeError(error));
      target.control.focus();
      return;
    }
    const fieldName = (error.field || '').split('[')[0];
    const target = { name, description, permissions: freeForm }[fieldName];
    if (target) tabWidget.select(tabWidget.panelOf(target));
    showBeside(error);
  };

  return openDialog({
    title: t('roles.dialogTitle'),
    wide: true,
    body: roleForm,
    actions: (closeDialog) => {
      close = closeDialog;
      return [
        h('button', { type: 'button', class: 'secondary', onclick: () => closeDialog() }, t('common.cancel')),
        h('button', { type: 'submit', class: 'primary', form: roleForm.id }, t('roles.submit')),
      ];
    },
    onOpen: () => name.control.focus(),
  });
}
