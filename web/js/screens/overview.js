// Overview: how many API keys there are in each status, and the ones that need looking after
// (GET /v1/apikeys/summary). Every count links to the API Keys list filtered to those keys.
import * as api from '../api.js';
import { append, h } from '../dom.js';
import { describeError } from '../forms.js';
import { t, formatNumber } from '../i18n.js';
import { statusBadge } from '../format.js';
import { pageHead } from '../widgets.js';

const DAY = 24 * 60 * 60 * 1000;
const STATUSES = ['enabled', 'disabled', 'expired', 'locked_out'];

// An RFC 3339 UTC time `days` from now (negative: before now), to the second.
export function daysFromNow(days, now = Date.now()) {
  return new Date(now + days * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// The filtered API Keys list. Values are status words and RFC 3339 times, left unescaped so the
// address reads as it is meant (#/keys?expiresBefore=2026-12-31T00:00:00Z).
function keysLink(params) {
  const search = Object.entries(params).map(([name, value]) => `${name}=${encodeURIComponent(value).replace(/%3A/gi, ':')}`);
  return `#/keys?${search.join('&')}`;
}

// A card: its title, the count as a link to the keys it counts, and advice when there is some.
function card({ title, what, count, href, advice, attention = false }) {
  const n = Number(count) || 0;
  return h(
    'li',
    { class: ['card', 'overview-card', attention && n > 0 && 'needs-attention'] },
    h('h3', { class: 'what' }, title),
    h(
      'a',
      { class: 'count', href },
      formatNumber(n),
      h('span', { class: 'visually-hidden' }, ` ${t('overview.showKeys', { what })}`),
    ),
    advice ? h('p', { class: 'advice' }, advice) : null,
  );
}

export async function render(ctx) {
  append(ctx.main, pageHead(t('overview.title')));
  let summary;
  try {
    summary = await api.get('/v1/apikeys/summary');
  } catch (error) {
    if (!(error && 'status' in error)) throw error;
    if (error.status === 401) throw error;
    ctx.main.append(h('p', { class: 'form-alert', role: 'alert' }, describeError(error)));
    return;
  }
  const byStatus = summary?.byStatus ?? {};
  const total = STATUSES.reduce((sum, s) => sum + (Number(byStatus[s]) || 0), 0);
  const now = Date.now();

  const statusCards = STATUSES.map((status) =>
    card({
      title: statusBadge(status),
      what: t(`overview.status.${status}`),
      count: byStatus[status],
      href: keysLink({ status }),
    }),
  );

  const attentionCards = [
    card({
      title: t('overview.expiring'),
      what: t('overview.expiringWhat'),
      count: summary?.expiringWithin30Days,
      href: keysLink({ expiresBefore: daysFromNow(30, now) }),
      advice: t('overview.expiringAdvice'),
      attention: true,
    }),
    card({
      title: t('overview.unused'),
      what: t('overview.unusedWhat'),
      count: summary?.unusedFor90Days,
      href: keysLink({ lastUsedBefore: daysFromNow(-90, now) }),
      advice: t('overview.unusedAdvice'),
      attention: true,
    }),
    card({
      title: t('overview.oldSecret'),
      what: t('overview.oldSecretWhat'),
      count: summary?.secretOlderThan90Days,
      href: keysLink({ secretRotatedBefore: daysFromNow(-90, now) }),
      advice: t('overview.oldSecretAdvice'),
      attention: true,
    }),
  ];

  ctx.main.append(
    h(
      'section',
      { class: 'overview-section', 'aria-labelledby': 'overview-status' },
      h('h2', { id: 'overview-status' }, t('overview.byStatus')),
      h('p', { class: 'muted' }, t('overview.total', { count: formatNumber(total) }), ' ', h('a', { href: '#/keys' }, t('overview.allKeys'))),
      h('ul', { class: 'cards overview-cards status-cards' }, statusCards),
    ),
    h(
      'section',
      { class: 'overview-section', 'aria-labelledby': 'overview-attention' },
      h('h2', { id: 'overview-attention' }, t('overview.attention')),
      h('p', { class: 'muted' }, t('overview.attentionIntro')),
      h('ul', { class: 'cards overview-cards' }, attentionCards),
    ),
  );
}
