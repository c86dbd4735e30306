// How the console words the API's values: statuses (always a word beside any colour), sources,
// access levels, and times in the signed-in account's time zone.
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
