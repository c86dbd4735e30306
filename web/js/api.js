// The console's client of Keyward's native API (docs/api.md). It calls the same endpoints as
// every other client, with the session cookie (sent by the browser, HttpOnly) and, on every
// state-changing call, the session's CSRF token in X-CSRF-Token.

// An error answered by the API: its HTTP status and the {code, message, field} of its body.
export class ApiError extends Error {
  constructor(status, body, fallback) {
    const error = body && typeof body === 'object' ? body.error ?? {} : {};
    super(error.message || fallback || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || '';
    this.field = error.field || '';
  }
}

let csrfToken = '';
let onSessionLost = null;

// The CSRF token of the signed-in session ('' once signed out).
export function setCsrfToken(token) {
  csrfToken = token || '';
}

// `handler(error)` runs when a call that needs the session is answered 401: the session expired
// or was ended elsewhere.
export function onUnauthenticated(handler) {
  onSessionLost = handler;
}

// Calls the API; resolves to the parsed JSON body (null for 204), rejects with an ApiError.
// `options.quiet401` keeps a 401 from being treated as a lost session (sign-in itself, and the
// first look for a session when the console opens).
export async function call(method, path, body, options = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw new ApiError(0, null, options.networkMessage || 'The server could not be reached.');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && !options.quiet401 && onSessionLost) onSessionLost(error);
    throw error;
  }
  return data;
}

export const get = (path, options) => call('GET', path, undefined, options);
export const post = (path, body, options) => call('POST', path, body, options);
export const patch = (path, body, options) => call('PATCH', path, body, options);
export const del = (path, options) => call('DELETE', path, undefined, options);

// A query string from an object, leaving out empty values.
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// Where an export is downloaded from: the browser follows the link with the session cookie.
export function exportUrl(format, filters) {
  return `/v1/audit/export${query({ ...filters, format })}`;
}
