// The signed-in session as the console knows it: the account, its permissions, its locale and
// time zone. What the account may not do is not offered: screens ask `can(permission)`.
import * as api from './api.js';

let current = null;

// Adopts the body of POST or GET /v1/session.
export function adopt(session) {
  current = session;
  api.setCsrfToken(session?.csrfToken);
}

export function clear() {
  current = null;
  api.setCsrfToken('');
}

export function get() {
  return current;
}

export function account() {
  return current?.account ?? null;
}

// Whether the signed-in account's role grants `permission`.
export function can(permission) {
  return Boolean(current?.permissions?.includes(permission));
}

export function timeZone() {
  return current?.account?.timeZone || 'UTC';
}

// Looks for a session (the cookie may still be good after a reload); null when there is none.
export async function restore() {
  try {
    adopt(await api.get('/v1/session', { quiet401: true }));
    return current;
  } catch (error) {
    if (error.status === 401) return null;
    throw error;
  }
}

export async function signIn(email, password) {
  adopt(await api.post('/v1/session', { email, password }, { quiet401: true }));
  return current;
}

export async function signOut() {
  try {
    await api.del('/v1/session', { quiet401: true });
  } finally {
    clear();
  }
}
