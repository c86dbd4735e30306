// The console's shell: finds the session, draws the top bar with the navigation the account may
// use, and routes the location's hash (#/keys?status=enabled, #/keys/42) to a screen module.
// Every screen exports `render(ctx)`; ctx = {main, id, params, navigate, refresh}.
import * as api from './api.js';
import { append, h, replace } from './dom.js';
import { setLocale, t } from './i18n.js';
import * as session from './session.js';
import { describeError } from './forms.js';

// Hash path → screen. `nav` names the navigation link, `permission` what it needs.
const screens = [
  { path: 'overview', load: () => import('./screens/overview.js'), nav: 'nav.overview', permission: 'apikeys:view' },
  { path: 'keys', load: () => import('./screens/keys.js'), nav: 'nav.keys', permission: 'apikeys:view' },
  { path: 'keys/:id', load: () => import('./screens/key_details.js'), permission: 'apikeys:view' },
  { path: 'roles', load: () => import('./screens/roles.js'), nav: 'nav.roles', permission: 'roles:view' },
  { path: 'roles/:id', load: () => import('./screens/role_details.js'), permission: 'roles:view' },
  { path: 'accounts', load: () => import('./screens/accounts.js'), nav: 'nav.accounts', permission: 'accounts:view' },
  { path: 'accounts/:id', load: () => import('./screens/account_details.js'), permission: 'accounts:view' },
  { path: 'audit', load: () => import('./screens/audit.js'), nav: 'nav.audit', permission: 'audit:view' },
  { path: 'profile', load: () => import('./screens/profile.js') },
];
const publicScreens = {
  signin: () => import('./screens/signin.js'),
  'change-password': () => import('./screens/change_password.js'),
};

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = raw.split('?');
  return { path: path.replace(/\/+$/, ''), params: new URLSearchParams(search) };
}

// Goes to `hash`. The main region is marked busy at once (aria-busy) and stays so until the new
// screen is drawn, so assistive technology, and a test, can tell a screen in flight from one
// that is ready.
export function navigate(hash) {
  main.setAttribute('aria-busy', 'true');
  if (location.hash === hash) route();
  else location.hash = hash;
}

function match(path) {
  for (const screen of screens) {
    const want = screen.path.split('/');
    const got = path.split('/');
    if (want.length !== got.length) continue;
    let id = null;
    if (want.every((part, i) => (part === ':id' ? ((id = decodeURIComponent(got[i])), got[i] !== '') : part === got[i]))) {
      return { screen, id };
    }
  }
  return null;
}

// The first screen the account may see, for an empty hash.
function home() {
  const first = screens.find((s) => s.nav && (!s.permission || session.can(s.permission)));
  return first ? `#/${first.path}` : '#/profile';
}

function drawTopbar(activePath) {
  const account = session.account();
  if (!account) {
    topbar.hidden = true;
    return;
  }
  const links = screens
    .filter((s) => s.nav && session.can(s.permission))
    .map((s) => {
      const active = activePath === s.path || activePath.startsWith(`${s.path}/`);
      return h('li', {}, h('a', { href: `#/${s.path}`, 'aria-current': active ? 'page' : false }, t(s.nav)));
    });
  replace(
    topbar,
    h('a', { class: 'brand', href: home() }, h('img', { src: 'favicon.svg', alt: '', width: 24, height: 24 }), 'Keyward'),
    h('nav', { 'aria-label': t('nav.label') }, h('span', { class: 'nav-group' }, t('nav.administration')), h('ul', {}, links)),
    h(
      'div',
      { class: 'account-menu' },
      h('a', { href: '#/profile', class: 'account-name', 'aria-current': activePath === 'profile' ? 'page' : false }, account.email),
      h('button', { type: 'button', class: 'secondary', onclick: signOut }, t('nav.signOut')),
    ),
  );
  topbar.hidden = false;
}

async function signOut() {
  await session.signOut().catch(() => {});
  setLocale(null);
  navigate(`#/signin?${new URLSearchParams({ message: 'signedOut' })}`);
}

function toSignIn(reason) {
  const here = location.hash && !location.hash.startsWith('#/signin') ? location.hash : '';
  const params = new URLSearchParams({ message: reason });
  if (here) params.set('next', here);
  navigate(`#/signin?${params}`);
}

let generation = 0;

async function route() {
  const mine = ++generation;
  const hash = location.hash;
  main.setAttribute('aria-busy', 'true');
  try {
    await drawRoute(mine);
  } finally {
    // Still busy when this route sent the browser elsewhere: the next route is on its way.
    if (mine === generation && location.hash === hash) main.removeAttribute('aria-busy');
  }
}

async function drawRoute(mine) {
  const { path, params } = parseHash();
  const current = session.get();
  document.querySelector('.skip-link').textContent = t('nav.skip');
  try {
    if (publicScreens[path]) {
      drawTopbar(path);
      const module = await publicScreens[path]();
      if (mine !== generation) return;
      await show(module, { id: null, params, mine });
      return;
    }
    if (!current) return toSignIn('');
    if (current.mustChangePassword) return navigate(`#/change-password?${new URLSearchParams({ next: location.hash })}`);
    if (path === '') return navigate(home());
    const found = match(path);
    drawTopbar(path);
    if (!found) return showMessage(t('error.notFoundTitle'), t('error.notFoundPage'));
    if (found.screen.permission && !session.can(found.screen.permission)) {
      return showMessage(t('error.forbiddenTitle'), t('error.forbiddenScreen'));
    }
    const module = await found.screen.load();
    if (mine !== generation) return;
    await show(module, { id: found.id, params, mine });
  } catch (error) {
    if (mine !== generation) return;
    if (error && error.status === 401) return;
    showMessage(t('error.title'), error && 'status' in error ? describeError(error) : String(error));
  }
}

// Draws the screen `module` for the route numbered `mine`, unless another navigation began while
// it was rendering (then that one draws, and this one is dropped).
async function show(module, { id, params, mine }) {
  const content = h('div', { class: 'screen' });
  // Screens append nodes, strings, arrays and nulls (left out), as dom.js's append does.
  content.append = (...children) => append(content, children);
  const ctx = { main: content, id, params, navigate, refresh: route, refreshSession };
  await module.render(ctx);
  if (mine !== generation) return;
  replace(main, content);
  const heading = main.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    document.title = `${heading.textContent} — Keyward`;
    if (!main.contains(document.activeElement) || document.activeElement === main) heading.focus({ preventScroll: true });
  }
}

function showMessage(title, text) {
  replace(main, h('div', { class: 'screen' }, h('h1', {}, title), h('p', { role: 'alert' }, text)));
  document.title = `${title} — Keyward`;
}

// Re-reads the session (after the account changed its own locale, time zone or role) and
// redraws the console in its words.
async function refreshSession() {
  const fresh = await session.restore();
  setLocale(fresh?.account?.locale);
}

async function start() {
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    (main.querySelector('h1') || main).focus();
  });
  api.onUnauthenticated(() => {
    if (!session.get()) return;
    session.clear();
    setLocale(null);
    toSignIn('expired');
  });
  try {
    const found = await session.restore();
    setLocale(found?.account?.locale);
  } catch (error) {
    setLocale(null);
  }
  window.addEventListener('hashchange', route);
  await route();
}

start();
