// Account Details (#/accounts/<id>): the account's fields and their editing (PATCH
// /v1/accounts/{id}), enable, disable, unlock, delete, "Set one-time password", and its
// authentication token: "Generate new authentication token" (POST .../token, the secret shown
// once) or, when it has one, the token's details and "Delete token" (DELETE .../token).
import * as api from '../api.js';
import { append, h, replace, uid } from '../dom.js';
import { describeError, field, form, formActions, setFieldError } from '../forms.js';
import { t } from '../i18n.js';
import { confirmDialog, openDialog, secretDialog } from '../dialog.js';
import { accessLevelName, fromLocalInput, statusBadge, time } from '../format.js';
import * as session from '../session.js';
import { details, pageHead, statusLine } from '../widgets.js';
import { accountFields, accountStatus, canUseConsole, loadRoles, setOneTimePassword } from './accounts.js';

const isApiError = (error) => error && typeof error === 'object' && 'status' in error;

export async function render(ctx) {
  const path = `/v1/accounts/${encodeURIComponent(ctx.id)}`;
  const back = { href: '#/accounts', label: t('accounts.title') };
  let account;
  try {
    account = await api.get(path);
  } catch (error) {
    if (!isApiError(error) || error.status === 401) throw error;
    append(ctx.main, [
      pageHead(t('accounts.detailsTitle'), { back }),
      h('p', { class: 'form-alert', role: 'alert' }, error.status === 404 ? t('accounts.notFound') : describeError(error)),
    ]);
    return;
  }

  const status = statusLine();
  const isSelf = () => String(session.account()?.id) === String(account.id);
  let editing = false;
  let roles;

  // Runs an action; its error goes to the status line in words (a 403 included).
  const act = async (fn) => {
    try {
      return await fn();
    } catch (error) {
      if (!isApiError(error) || error.status === 401) throw error;
      status.say(describeError(error), true);
      return undefined;
    }
  };

  const reload = async () => {
    account = await api.get(path);
    return true;
  };

  // Redraws the screen; `focus` names the control (data-focus) to put the focus on afterwards.
  const draw = (focus) => {
    const said = status.textContent;
    const saidError = status.classList.contains('error-text');
    replace(ctx.main);
    append(ctx.main, [pageHead(t('accounts.detailsTitle'), { back, actions: headActions() }), summaryLine(), status, generalPanel(), tokenPanel()]);
    status.say(said, saidError);
    const target = focus && ctx.main.querySelector(`[data-focus="${focus}"]`);
    if (target) {
      target.focus();
    } else if (focus) {
      const heading = ctx.main.querySelector('h1');
      heading.tabIndex = -1;
      heading.focus();
    }
  };

  const button = (label, focusName, onclick, cls = 'secondary') =>
    h('button', { type: 'button', class: cls, dataset: { focus: focusName }, onclick }, label);

  const headActions = () => {
    if (editing) return [];
    const list = [];
    if (session.can('accounts:edit')) {
      list.push(button(t('common.edit'), 'edit', startEdit));
      if (account.enabled) list.push(button(t('accounts.disable'), 'disable', disable));
      else list.push(button(t('accounts.enable'), 'enable', enable));
      if (account.lockedOut) list.push(button(t('accounts.unlock'), 'unlock', unlock));
      // One's own password is changed from the profile, not reset to a one-time one.
      if (canUseConsole(account.accessLevel) && !isSelf()) list.push(button(t('accounts.setPassword'), 'password', oneTimePassword));
    }
    if (session.can('accounts:delete')) list.push(button(t('accounts.delete'), 'delete', remove, 'danger'));
    return list;
  };

  const summaryLine = () =>
    h(
      'p',
      { class: 'account-summary' },
      h('span', { class: 'account-email' }, account.email),
      ' ',
      statusBadge(accountStatus(account)),
      isSelf() ? h('span', { class: 'muted' }, ` ${t('accounts.thisIsYou')}`) : null,
    );

  const generalPanel = () => {
    const headingId = uid('general');
    const panel = h('section', { class: 'panel account-panel', 'aria-labelledby': headingId }, h('h2', { id: headingId }, t('accounts.general')));
    if (editing) {
      panel.append(editForm());
      return panel;
    }
    append(panel, [
      details([
        [t('accounts.email'), account.email],
        [t('accounts.type'), t(`accounts.type.${account.type || 'local'}`)],
        [t('common.role'), account.role?.name ?? '—'],
        [t('accounts.accessLevelColumn'), accessLevelName(account.accessLevel)],
        [t('accounts.givenName'), account.givenName || '—'],
        [t('accounts.surname'), account.surname || '—'],
        [t('common.description'), account.description || '—'],
        [t('common.locale'), t(`locale.${account.locale}`)],
        [t('common.timeZone'), account.timeZone],
        account.mustChangePassword ? [t('accounts.password'), t('accounts.mustChange')] : null,
        [t('accounts.created'), time(account.createdAt)],
      ]),
    ]);
    return panel;
  };

  const editForm = () => {
    const { fields, values } = accountFields({ account, roles });
    const editForm = form({
      fields,
      extra: [formActions({ submitLabel: t('common.save'), onCancel: cancelEdit })],
      onsubmit: async () => {
        const body = values();
        if (Object.keys(body).length) {
          account = await api.patch(path, body);
          if (isSelf()) {
            await ctx.refreshSession();
            await ctx.refresh();
            return;
          }
          status.say(t('common.saved'));
        } else {
          status.say(t('accounts.nothingChanged'));
        }
        stopEdit();
      },
    });
    editForm.classList.add('account-form');
    return editForm;
  };

  async function startEdit() {
    status.say('');
    roles = await act(loadRoles);
    if (roles === undefined) return;
    editing = true;
    draw();
    ctx.main.querySelector('form input, form select')?.focus();
  }
  function stopEdit() {
    editing = false;
    draw('edit');
  }
  function cancelEdit() {
    status.say('');
    stopEdit();
  }

  // POST /v1/accounts/{id}/<verb>; on success `message` is said and focus goes to `next`.
  async function lifecycle(verb, message, next) {
    const done = await act(async () => {
      account = await api.post(`${path}/${verb}`);
      return true;
    });
    if (done) {
      status.say(t(message, { email: account.email }));
      draw(next);
    }
  }

  function enable() {
    return lifecycle('enable', 'accounts.nowEnabled', 'disable');
  }

  function unlock() {
    return lifecycle('unlock', 'accounts.unlocked', 'edit');
  }

  async function disable() {
    const yes = await confirmDialog({
      title: t('accounts.disableTitle'),
      message: h('p', {}, t('accounts.disableConfirm', { email: account.email })),
      confirmLabel: t('accounts.disable'),
      danger: true,
    });
    if (yes) await lifecycle('disable', 'accounts.nowDisabled', 'enable');
  }

  async function oneTimePassword() {
    const yes = await confirmDialog({
      title: t('accounts.setPassword'),
      message: h('p', {}, t('accounts.otpConfirm', { email: account.email })),
      confirmLabel: t('accounts.setPassword'),
    });
    if (!yes) return;
    const done = await act(async () => {
      await setOneTimePassword(account);
      return true;
    });
    if (done) {
      await act(reload);
      status.say(t('accounts.otpSet', { email: account.email }));
      draw('password');
    }
  }

  async function remove() {
    const yes = await confirmDialog({
      title: t('accounts.deleteTitle'),
      message: h('p', {}, t('accounts.deleteConfirm', { email: account.email })),
      confirmLabel: t('common.delete'),
      danger: true,
    });
    if (!yes) return;
    const done = await act(async () => {
      await api.del(path);
      return true;
    });
    if (done) ctx.navigate(`#/accounts?${new URLSearchParams({ deleted: account.email })}`);
  }

  // --- the authentication token ---

  const tokenPanel = () => {
    const headingId = uid('token');
    const panel = h('section', { class: 'panel account-panel token-panel', 'aria-labelledby': headingId }, h('h2', { id: headingId }, t('accounts.tokenTitle')));
    const mayTokens = session.can('accounts:tokens');
    const token = account.token;
    if (!token) {
      panel.append(h('p', {}, t('accounts.noToken')));
      if (account.accessLevel === 'console_only') {
        panel.append(h('p', { class: 'notice' }, t('accounts.tokenConsoleOnly')));
      } else if (mayTokens) {
        panel.append(h('div', { class: 'actions' }, button(t('accounts.generate'), 'generate', generate, 'primary')));
      }
      return panel;
    }
    const keyLink = session.can('apikeys:view')
      ? h('a', { href: `#/keys/${encodeURIComponent(token.keyId)}` }, t('accounts.tokenKeyLink', { prefix: token.prefix }))
      : token.keyId;
    append(panel, [
      details([
        [t('accounts.tokenPrefix'), h('span', { class: 'mono' }, token.prefix)],
        [t('accounts.created'), time(token.createdAt)],
        [t('accounts.tokenExpires'), token.expiresAt ? time(token.expiresAt) : t('accounts.noExpiry')],
        [t('accounts.tokenLastUsed'), token.lastUsedAt ? time(token.lastUsedAt) : t('common.never')],
        [t('accounts.tokenKey'), keyLink],
      ]),
      !account.enabled || account.accessLevel === 'console_only' ? h('p', { class: 'warning' }, t('accounts.tokenStopped')) : null,
      h('p', { class: 'hint token-note' }, t('accounts.tokenReplaceNote')),
    ]);
    if (mayTokens) panel.append(h('div', { class: 'actions' }, button(t('accounts.deleteToken'), 'deleteToken', deleteToken, 'danger')));
    return panel;
  };

  async function generate() {
    const expires = field({
      name: 'expiresAt',
      label: t('accounts.tokenExpiresOptional'),
      kind: 'datetime-local',
      hint: t('accounts.tokenExpiresHint', { zone: session.timeZone() }),
    });
    const formId = uid('generate');
    let closeDialog;
    let stale = false;
    const generateForm = form({
      fields: [expires],
      onsubmit: async () => {
        // A half-typed date reads as '' (no expiry): say so rather than make a token that never expires.
        if (expires.control.validity.badInput) {
          setFieldError(expires, t('accounts.tokenExpiresIncomplete'));
          expires.control.focus();
          return;
        }
        const expiresAt = fromLocalInput(expires.control.value);
        try {
          closeDialog(await api.post(`${path}/token`, expiresAt ? { expiresAt } : {}));
        } catch (error) {
          // 409: a token was generated meanwhile (or the account cannot hold one): the form shows
          // the API's words, and the page is read again when the dialog closes.
          if (isApiError(error) && error.status === 409) stale = true;
          throw error;
        }
      },
    });
    generateForm.id = formId;
    const answer = await openDialog({
      title: t('accounts.generate'),
      body: [
        h('p', {}, t('accounts.generateIntro', { email: account.email, role: account.role?.name ?? '' })),
        generateForm,
        h(
          'ul',
          { class: 'token-notes' },
          h('li', {}, t('accounts.noteHidden')),
          h('li', {}, t('accounts.noteManual')),
          h('li', {}, t('accounts.noteExpiry')),
        ),
      ],
      actions: (close) => {
        closeDialog = close;
        return [
          h('button', { type: 'button', class: 'secondary', onclick: () => close() }, t('common.cancel')),
          h('button', { type: 'submit', class: 'primary', form: formId }, t('accounts.generateSubmit')),
        ];
      },
    });
    if (!answer) {
      if (stale && (await act(reload))) draw(account.token ? 'deleteToken' : 'generate');
      return;
    }
    await secretDialog({
      title: t('accounts.tokenShownTitle'),
      intro: t('accounts.tokenShownIntro', { email: account.email }),
      label: t('accounts.tokenSecretLabel'),
      secret: answer.secret,
    });
    account = { ...account, token: answer.token };
    await act(reload);
    status.say(t('accounts.tokenGenerated', { email: account.email }));
    draw('deleteToken');
  }

  async function deleteToken() {
    const yes = await confirmDialog({
      title: t('accounts.deleteTokenTitle'),
      message: h('p', {}, t('accounts.deleteTokenConfirm', { email: account.email, prefix: account.token?.prefix ?? '' })),
      confirmLabel: t('common.delete'),
      danger: true,
    });
    if (!yes) return;
    const done = await act(async () => {
      await api.del(`${path}/token`);
      return true;
    });
    if (done) {
      await act(reload);
      status.say(t('accounts.tokenDeleted', { email: account.email }));
      draw('generate');
    }
  }

  draw();
}
