// The console's words in English and Japanese (locales/en.js, locales/ja.js), following the
// signed-in account's locale, and its times in the account's time zone. Before sign-in the
// browser's language decides.
import en from './locales/en.js';
import ja from './locales/ja.js';

const catalogues = { 'en-US': en, 'ja-JP': ja };
let locale = browserLocale();

function browserLocale() {
  const first = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return first.toLowerCase().startsWith('ja') ? 'ja-JP' : 'en-US';
}

// Sets the language of every word the console shows: 'en-US' or 'ja-JP' (an account's locale);
// anything else (null when signed out) falls back to the browser's language.
export function setLocale(next) {
  locale = catalogues[next] ? next : browserLocale();
  document.documentElement.lang = locale === 'ja-JP' ? 'ja' : 'en';
}

export function currentLocale() {
  return locale;
}

// The text of `key` in the current language, with each {name} replaced by params[name]. A key
// missing in Japanese falls back to English; a key missing everywhere shows itself, so a
// forgotten word is visible rather than blank.
export function t(key, params = {}) {
  const text = catalogues[locale][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

// A time of the API (RFC 3339) shown in `timeZone`, or '—' for none.
export function formatTime(value, timeZone, options = {}) {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  try {
    return new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      timeStyle: options.dateOnly ? undefined : 'short',
      timeZone,
    }).format(date);
  } catch {
    return value;
  }
}

// A count in the current language's digits grouping.
export function formatNumber(n) {
  return new Intl.NumberFormat(locale).format(n);
}
