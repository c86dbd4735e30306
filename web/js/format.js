// How the console words the API's values: statuses (always a word beside any colour), sources,
// access levels, and times in the signed-in account's time zone.
import * as api from './api.js';
import { h } from './dom.js';
import { t, formatTime } from './i18n.js';
import { timeZone } from './session.js';

// A status badge: text and a symbol, never colour alone.
export function statusBadge(status) {
  const symbols = { enabled: '●', disabled: '○', expired: '◌', locked_out: '■' };
  return h('span', { class: ['badge', `status-${status}`] }, h('span', { 'aria-hidden': 'true' }, symbols[status] ?? '•', ' '), t(`status.${status}`));
}

export function time(value, options) {
  return formatTime(value, timeZone(), options);
}

export function sourceName(source) {
  return t(`source.${source}`);
}

export function accessLevelName(level) {
  return t(`accessLevel.${level}`);
}

// A value for <input type="datetime-local"> from an API time, or ''.
export function toLocalInput(value) {
  if (!value) return '';
  return value.slice(0, 16);
}

// An API time from <input type="datetime-local"> (read by the API in the caller's time zone).
export function fromLocalInput(value) {
  if (!value) return null;
  return value.length === 16 ? `${value}:00` : value;
}

// The choices of a language select: the two locales the API knows.
export function localeOptions() {
  return ['en-US', 'ja-JP'].map((value) => ({ value, label: t(`locale.${value}`) }));
}

// The choices of a time zone select: UTC, then every IANA name the browser knows, and `current`
// even if the browser does not know it (so an edit never changes it silently).
export function timeZoneOptions(current) {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = ['UTC', ...zones.filter((z) => z !== 'UTC')];
  if (current && !all.includes(current)) all.unshift(current);
  return all.map((value) => ({ value, label: value }));
}

// Every role, following nextCursor, for a role select.
export async function allRoles() {
  const roles = [];
  let cursor = '';
  do {
    const page = await api.get(`/v1/roles?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    roles.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return roles;
}

// The permission catalogue (GET /v1/permissions) in the console's language: the API words its
// groups and descriptions in English; the console's catalogues give the Japanese.
export async function permissionCatalogue() {
  const answer = await api.get('/v1/permissions');
  return (answer.items ?? []).map((item) => ({
    ...item,
    group: translated(`permissionGroup.${item.group}`, item.group),
    description: translated(`permission.${item.name}`, item.description),
  }));
}

function translated(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}
