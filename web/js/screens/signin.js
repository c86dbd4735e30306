// Sign in with an email and a password (POST /v1/session). After an expired session the message
// says so, and signing in again returns to the page the user was on (`next`).
import { h } from '../dom.js';
import { field, form, formActions } from '../forms.js';
import { setLocale, t } from '../i18n.js';
import * as session from '../session.js';

const messages = { expired: 'signin.expired', signedOut: 'signin.signedOut', passwordChanged: 'signin.passwordChanged' };

export async function render(ctx) {
  const next = safeNext(ctx.params.get('next'));
  const notice = messages[ctx.params.get('message')];
  const email = field({ name: 'email', label: t('signin.email'), kind: 'email', required: true, attrs: { autocomplete: 'username' } });
  const password = field({ name: 'password', label: t('signin.password'), kind: 'password', required: true, attrs: { autocomplete: 'current-password' } });
  const signInForm = form({
    fields: [email, password],
    extra: [formActions({ submitLabel: t('signin.submit') })],
    onsubmit: async () => {
      const signedIn = await session.signIn(email.control.value.trim(), password.control.value);
      setLocale(signedIn.account?.locale);
      if (signedIn.mustChangePassword) {
        ctx.navigate(`#/change-password?${new URLSearchParams({ next })}`);
      } else {
        ctx.navigate(next || '#/');
      }
    },
  });
  ctx.main.classList.add('narrow');
  ctx.main.append(
    h('div', { class: 'signin-brand' }, h('img', { src: 'favicon.svg', alt: '', width: 40, height: 40 }), h('span', {}, 'Keyward')),
    h('h1', {}, t('signin.title')),
    notice ? h('p', { class: 'notice', role: 'status' }, t(notice)) : null,
    signInForm,
  );
  if (!notice) setTimeout(() => email.control.focus(), 0);
}

// Only a hash of this console is followed after sign-in, never another address.
export function safeNext(next) {
  return next && /^#\/[\w\-/?=&%.]*$/.test(next) && !next.startsWith('#/signin') ? next : '';
}
