// Administration → API Keys: the key table (GET /v1/apikeys) with search, filters and paging, the
// Status toggle, Delete for the selected keys, and Add API Key with its secret shown once.
import * as api from '../api.js';
import { h } from '../dom.js';
import { confirmDialog, openDialog, secretDialog } from '../dialog.js';
import { describeError, field, form, formActions, splitList } from '../forms.js';
import { allRoles, fromLocalInput, localeOptions, sourceName, statusBadge, time, timeZoneOptions } from '../format.js';
import { t } from '../i18n.js';
import * as session from '../session.js';
import { flash, pageHead, pager, statusLine, table, toggleSwitch } from '../widgets.js';

const listFilters = ['q', 'status', 'role', 'source'];
// Filters the Overview links with; shown as a removable note, not as fields.
const timeFilters = ['expiresBefore', 'lastUsedBefore', 'secretRotatedBefore'];

export async function render(ctx) {
  const params = Object.fromEntries([...listFilters, ...timeFilters, 'cursor'].map((n) => [n, ctx.params.get(n) || '']));
  const [page, roles] = await Promise.all([api.get(`/v1/apikeys${api.query({ ...params, limit: 50 })}`), allRoles()]);
  const status = statusLine();
  let selected = [];
  const deleteButton = session.can('apikeys:delete')
    ? h('button', { type: 'button', class: 'danger', disabled: true, onclick: () => deleteSelected(ctx, selected, status) }, t('common.delete'))
    : null;
  const addButton = session.can('apikeys:create')
    ? h('button', { type: 'button', class: 'primary', onclick: () => addKey(ctx, roles) }, t('keys.add'))
    : null;
  const go = (next) => ctx.navigate(`#/keys${api.query(next)}`);
  ctx.main.append(
    pageHead(t('keys.title'), { actions: [addButton, deleteButton] }),
    filterBar(params, roles, go),
    activeTimeFilter(params, go),
    status,
    table({
      caption: t('keys.title'),
      rows: page.items,
      empty: t('keys.empty'),
      select: deleteButton && {
        label: (key) => t('common.select', { name: key.name }),
        onchange: (rows) => {
          selected = rows;
          deleteButton.disabled = rows.length === 0;
          deleteButton.textContent = rows.length ? t('keys.deleteCount', { count: rows.length }) : t('common.delete');
        },
      },
      columns: columns(status),
    }),
    pager({ cursor: params.cursor, nextCursor: page.nextCursor, onPage: (cursor) => go({ ...params, cursor }) }),
  );
}

function columns(status) {
  return [
    { label: t('common.name'), cell: (k) => h('a', { href: `#/keys/${k.id}` }, k.name) },
    { label: t('keys.prefix'), cell: (k) => h('span', { class: 'mono' }, k.prefix) },
    { label: t('common.role'), cell: (k) => k.role.name },
    { label: t('keys.status'), cell: (k) => statusCell(k, status) },
    { label: t('keys.expires'), cell: (k) => (k.expiresAt ? time(k.expiresAt) : t('common.never')) },
    { label: t('keys.lastUsed'), cell: (k) => (k.lastUsedAt ? time(k.lastUsedAt) : t('common.never')) },
    { label: t('keys.allowlist'), cell: (k) => (k.allowedIps.length ? h('span', { class: 'mono' }, k.allowedIps.join(', ')) : t('keys.anyAddress')) },
    { label: t('keys.source'), cell: (k) => sourceName(k.source) },
  ];
}

// The Status column: the toggle enables or disables in place; a key that is expired or locked out
// also says so, since the toggle only tells enabled from disabled.
function statusCell(key, status) {
  const extra = key.status === 'expired' || key.status === 'locked_out' ? statusBadge(key.status) : null;
  if (!session.can('apikeys:edit')) return statusBadge(key.status);
  const toggle = toggleSwitch({
    checked: key.enabled,
    label: t('keys.statusOf', { name: key.name }),
    onchange: async (on) => {
      try {
        await api.post(`/v1/apikeys/${key.id}/${on ? 'enable' : 'disable'}`);
        status.say(t(on ? 'keys.enabledOne' : 'keys.disabledOne', { name: key.name }));
      } catch (error) {
        status.say(describeError(error), true);
        throw error;
      }
    },
  });
  return h('div', { class: 'status-cell' }, toggle, extra);
}

function filterBar(params, roles, go) {
  const q = field({ name: 'q', label: t('common.search'), kind: 'search', value: params.q, attrs: { placeholder: t('keys.searchHint') } });
  const status = field({
    name: 'status',
    label: t('keys.status'),
    kind: 'select',
    value: params.status,
    options: [{ value: '', label: t('common.any') }, ...['enabled', 'disabled', 'expired', 'locked_out'].map((s) => ({ value: s, label: t(`status.${s}`) }))],
  });
  const role = field({
    name: 'role',
    label: t('common.role'),
    kind: 'select',
    value: params.role,
    options: [{ value: '', label: t('common.any') }, ...roles.map((r) => ({ value: r.id, label: r.name }))],
  });
  const source = field({
    name: 'source',
    label: t('keys.source'),
    kind: 'select',
    value: params.source,
    options: [{ value: '', label: t('common.any') }, ...['api', 'console', 'account', 'import'].map((s) => ({ value: s, label: sourceName(s) }))],
  });
  const bar = h(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': t('keys.filters') },
    q,
    status,
    role,
    source,
    h('button', { type: 'submit', class: 'secondary' }, t('common.apply')),
  );
  bar.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = Object.fromEntries(timeFilters.map((n) => [n, params[n]]));
    for (const f of [q, status, role, source]) next[f.fieldName] = f.control.value.trim();
    go(next);
  });
  return bar;
}

function activeTimeFilter(params, go) {
  const name = timeFilters.find((n) => params[n]);
  if (!name) return null;
  const rest = Object.fromEntries(listFilters.map((n) => [n, params[n]]));
  return h(
    'p',
    { class: 'notice filter-note' },
    t(`keys.filter.${name}`, { time: time(params[name]) }),
    ' ',
    h('button', { type: 'button', class: 'link', onclick: () => go(rest) }, t('keys.clearFilter')),
  );
}

async function deleteSelected(ctx, keys, status) {
  if (!keys.length) return;
  const ok = await confirmDialog({
    title: t('keys.deleteTitle', { count: keys.length }),
    message: [h('p', {}, t('keys.deleteConfirm')), h('ul', {}, keys.map((k) => h('li', {}, h('strong', {}, k.name), ' ', h('span', { class: 'mono' }, k.prefix))))],
    confirmLabel: t('common.delete'),
    danger: true,
  });
  if (!ok) return;
  try {
    const answer = await api.post('/v1/apikeys/delete', { ids: keys.map((k) => k.id) });
    flash(t('keys.deleted', { count: answer.results.filter((r) => r.status === 204).length }));
    await ctx.refresh();
  } catch (error) {
    status.say(describeError(error), true);
  }
}

// The Add API Key dialog; on success its secret is shown once in its own dialog.
async function addKey(ctx, roles) {
  const fields = keyFields({}, roles, { creating: true });
  let issued = null;
  await openDialog({
    title: t('keys.add'),
    wide: true,
    body: (close) => {
      const addForm = form({
        fields: Object.values(fields),
        extra: [
          formActions({ submitLabel: t('keys.addSubmit'), onCancel: () => close() }),
        ],
        onsubmit: async () => {
          issued = await api.post('/v1/apikeys', keyBody(fields, { creating: true }));
          close(issued);
        },
      });
      addForm.classList.add('dialog-form');
      return addForm;
    },
    onOpen: () => fields.name.control.focus(),
  });
  if (!issued) return;
  await secretDialog({
    title: t('keys.secretTitle'),
    intro: t('keys.secretIntro', { name: issued.name }),
    label: t('keys.secretLabel'),
    secret: issued.secret,
  });
  issued = null;
  await ctx.refresh();
}

// The fields of a key's form; shared by Add API Key and the key's details.
export function keyFields(key, roles, { creating = false } = {}) {
  const fields = {
    name: field({ name: 'name', label: t('common.name'), value: key.name ?? '', required: true, attrs: { maxlength: 128 } }),
    description: field({ name: 'description', label: t('common.description'), kind: 'textarea', value: key.description ?? '' }),
    role: field({
      name: 'role',
      label: t('common.role'),
      kind: 'select',
      value: key.role?.id ?? roles.find((r) => r.name === 'Auditor')?.id ?? '',
      options: roles.map((r) => ({ value: r.id, label: r.name })),
    }),
    locale: field({ name: 'locale', label: t('common.locale'), kind: 'select', value: key.locale ?? session.account()?.locale ?? 'en-US', options: localeOptions() }),
    timeZone: field({
      name: 'timeZone',
      label: t('common.timeZone'),
      kind: 'select',
      value: key.timeZone ?? session.timeZone(),
      options: timeZoneOptions(key.timeZone ?? session.timeZone()),
      hint: t('keys.timeZoneHint'),
    }),
  };
  if (creating) {
    fields.expiresAt = field({ name: 'expiresAt', label: t('keys.expiresOn'), kind: 'datetime-local', hint: t('keys.expiresHint', { zone: session.timeZone() }) });
  }
  fields.allowedIps = field({
    name: 'allowedIps',
    label: t('keys.allowlist'),
    kind: 'textarea',
    value: (key.allowedIps ?? []).join('\n'),
    hint: t('keys.allowlistHint'),
  });
  return fields;
}

// The request body from keyFields' values.
export function keyBody(fields, { creating = false } = {}) {
  const body = {
    name: fields.name.control.value.trim(),
    description: fields.description.control.value,
    role: fields.role.control.value,
    locale: fields.locale.control.value,
    timeZone: fields.timeZone.control.value,
    allowedIps: splitList(fields.allowedIps.control.value),
  };
  if (creating && fields.expiresAt.control.value) body.expiresAt = fromLocalInput(fields.expiresAt.control.value);
  return body;
}
