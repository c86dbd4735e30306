// The forced change of a one-time password (POST /v1/session/password), and the change an
// account makes by choice from its profile.
import * as api from '../api.js';
import { h } from '../dom.js';
import { field, form, setFieldError } from '../forms.js';
import { t } from '../i18n.js';
import * as session from '../session.js';
import { safeNext } from './signin.js';

export async function render(ctx) {
  const current = session.get();
  if (!current) return ctx.navigate('#/signin');
  const next = safeNext(ctx.params.get('next'));
  const forced = current.mustChangePassword;
  const currentPassword = field({ name: 'currentPassword', label: t(forced ? 'password.oneTime' : 'password.current'), kind: 'password', required: true, attrs: { autocomplete: 'current-password' } });
  const newPassword = field({ name: 'newPassword', label: t('password.new'), kind: 'password', required: true, hint: t('password.rules'), attrs: { autocomplete: 'new-password' } });
  const confirm = field({ name: 'confirm', label: t('password.confirm'), kind: 'password', required: true, attrs: { autocomplete: 'new-password' } });
  const changeForm = form({
    fields: [currentPassword, newPassword, confirm],
    extra: [
      h(
        'div',
        { class: 'form-actions' },
        forced ? null : h('a', { class: 'button secondary', href: '#/profile' }, t('common.cancel')),
        h('button', { type: 'submit', class: 'primary' }, t('password.submit')),
      ),
    ],
    onsubmit: async () => {
      if (newPassword.control.value !== confirm.control.value) {
        setFieldError(confirm, t('password.mismatch'));
        confirm.control.focus();
        return;
      }
      await api.post('/v1/session/password', {
        currentPassword: currentPassword.control.value,
        newPassword: newPassword.control.value,
      });
      await ctx.refreshSession();
      ctx.navigate(next || '#/');
    },
  });
  ctx.main.classList.add('narrow');
  ctx.main.append(
    h('h1', {}, t('password.title')),
    forced ? h('p', { class: 'notice', role: 'status' }, t('password.forced')) : null,
    changeForm,
  );
}
