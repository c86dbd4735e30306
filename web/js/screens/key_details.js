// A key's details (#/keys/<id>): edit its name, description, role, locale, time zone and
// allowlist; its expiry read-only; an account's token read-only with a link to its account;
// enable or disable, rotate (at once or with a grace period), lock out, unlock, delete.
import * as api from '../api.js';
import { h } from '../dom.js';
import { confirmDialog, openDialog, secretDialog } from '../dialog.js';
import { describeError, field, form, formActions, readonlyValue } from '../forms.js';
import { allRoles, sourceName, statusBadge, time } from '../format.js';
import { t } from '../i18n.js';
import * as session from '../session.js';
import { details, flash, pageHead, statusLine } from '../widgets.js';
import { keyBody, keyFields } from './keys.js';

export async function render(ctx) {
  const key = await api.get(`/v1/apikeys/${encodeURIComponent(ctx.id)}`);
  const isToken = key.source === 'account';
  const editable = session.can('apikeys:edit') && !isToken;
  const status = statusLine();
  ctx.main.append(
    pageHead(key.name, { back: { href: '#/keys', label: t('keys.title') } }),
    status,
    h('section', { class: 'panel', 'aria-labelledby': 'key-summary' }, h('h2', { id: 'key-summary' }, t('common.details')), summary(key)),
    isToken ? tokenNote(key) : null,
    editable ? await editPanel(ctx, key) : null,
    actionsPanel(ctx, key, status),
  );
}

function summary(key) {
  return details([
    [t('keys.status'), statusBadge(key.status)],
    [t('keys.prefix'), h('span', { class: 'mono' }, key.prefix)],
    [t('common.role'), key.role.name],
    [t('keys.source'), sourceName(key.source)],
    [t('common.locale'), t(`locale.${key.locale}`)],
    [t('common.timeZone'), key.timeZone],
    [t('keys.created'), time(key.createdAt)],
    [t('keys.lastUsed'), key.lastUsedAt ? time(key.lastUsedAt) : t('common.never')],
    [t('keys.secretRotated'), key.secretRotatedAt ? time(key.secretRotatedAt) : t('common.never')],
    [t('keys.failedAttempts'), String(key.failedAttempts)],
    key.lockedOut ? [t('keys.lockedUntil'), key.unlockAt ? time(key.unlockAt) : t('keys.lockedManually')] : null,
    key.previousSecret
      ? [t('keys.previousSecret'), t('keys.previousSecretUntil', { time: time(key.previousSecret.endsAt), used: key.previousSecret.lastUsedAt ? time(key.previousSecret.lastUsedAt) : t('common.never') })]
      : null,
    [t('keys.allowlist'), key.allowedIps.length ? h('span', { class: 'mono' }, key.allowedIps.join(', ')) : t('keys.anyAddress')],
    [t('keys.expires'), h('span', {}, key.expiresAt ? time(key.expiresAt) : t('common.never'), ' ', h('span', { class: 'muted' }, t('keys.expiryReadOnly')))],
  ]);
}

function tokenNote(key) {
  return h(
    'p',
    { class: 'notice' },
    t('keys.tokenNote'),
    ' ',
    key.accountId ? h('a', { href: `#/accounts/${key.accountId}` }, t('keys.tokenAccountLink')) : null,
  );
}

async function editPanel(ctx, key) {
  const roles = await allRoles();
  const fields = keyFields(key, roles);
  const editForm = form({
    fields: Object.values(fields),
    extra: [
      readonlyValue(t('keys.expires'), [key.expiresAt ? time(key.expiresAt) : t('common.never'), ' — ', t('keys.expiryReadOnly')]),
      formActions({ submitLabel: t('common.save') }),
    ],
    onsubmit: async () => {
      await api.patch(`/v1/apikeys/${key.id}`, keyBody(fields));
      flash(t('common.saved'));
      await ctx.refresh();
    },
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'key-edit' }, h('h2', { id: 'key-edit' }, t('keys.edit')), editForm);
}

function actionsPanel(ctx, key, status) {
  const act = (path, done) => async () => {
    try {
      await api.post(`/v1/apikeys/${key.id}/${path}`);
      flash(done);
      await ctx.refresh();
    } catch (error) {
      status.say(describeError(error), true);
    }
  };
  const buttons = [];
  if (session.can('apikeys:edit')) {
    buttons.push(
      key.enabled
        ? h('button', { type: 'button', class: 'secondary', onclick: act('disable', t('keys.disabledOne', { name: key.name })) }, t('keys.disable'))
        : h('button', { type: 'button', class: 'secondary', onclick: act('enable', t('keys.enabledOne', { name: key.name })) }, t('keys.enable')),
      key.lockedOut
        ? h('button', { type: 'button', class: 'secondary', onclick: act('unlock', t('keys.unlocked')) }, t('keys.unlock'))
        : h('button', { type: 'button', class: 'secondary', onclick: act('lock', t('keys.locked')) }, t('keys.lock')),
    );
    if (key.source !== 'account') {
      buttons.push(h('button', { type: 'button', class: 'secondary', onclick: () => rotate(ctx, key) }, t('keys.rotate')));
    }
  }
  if (session.can('apikeys:delete')) {
    buttons.push(h('button', { type: 'button', class: 'danger', onclick: () => remove(ctx, key, status) }, t('common.delete')));
  }
  if (!buttons.length) return null;
  return h('section', { class: 'panel', 'aria-labelledby': 'key-actions' }, h('h2', { id: 'key-actions' }, t('common.actions')), h('div', { class: 'actions' }, buttons));
}

// Rotate: a new secret at once, or after a grace period during which the old one still works.
async function rotate(ctx, key) {
  const when = field({
    name: 'gracePeriodSeconds',
    label: t('keys.rotateWhen'),
    kind: 'select',
    value: '0',
    options: [
      { value: '0', label: t('keys.rotateNow') },
      { value: '3600', label: t('keys.grace1h') },
      { value: '86400', label: t('keys.grace1d') },
      { value: '259200', label: t('keys.grace3d') },
      { value: '604800', label: t('keys.grace7d') },
    ],
    hint: t('keys.rotateHint'),
  });
  let rotated = null;
  await openDialog({
    title: t('keys.rotateTitle', { name: key.name }),
    body: (close) =>
      form({
        fields: [when],
        extra: [
          formActions({ submitLabel: t('keys.rotate'), onCancel: () => close() }),
        ],
        onsubmit: async () => {
          rotated = await api.post(`/v1/apikeys/${key.id}/rotate`, { gracePeriodSeconds: Number(when.control.value) });
          close();
        },
      }),
    onOpen: () => when.control.focus(),
  });
  if (!rotated) return;
  await secretDialog({ title: t('keys.secretTitle'), intro: t('keys.rotatedIntro', { name: key.name }), label: t('keys.secretLabel'), secret: rotated.secret });
  rotated = null;
  flash(t('keys.rotated'));
  await ctx.refresh();
}

async function remove(ctx, key, status) {
  const ok = await confirmDialog({
    title: t('keys.deleteTitle', { count: 1 }),
    message: [h('p', {}, t('keys.deleteConfirm')), h('ul', {}, h('li', {}, h('strong', {}, key.name), ' ', h('span', { class: 'mono' }, key.prefix)))],
    confirmLabel: t('common.delete'),
    danger: true,
  });
  if (!ok) return;
  try {
    await api.del(`/v1/apikeys/${key.id}`);
    flash(t('keys.deleted', { count: 1 }));
    ctx.navigate('#/keys');
  } catch (error) {
    status.say(describeError(error), true);
  }
}
