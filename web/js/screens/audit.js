// The audit log (GET /v1/audit, docs/audit.md): the trail newest first, filtered by time range,
// actor, action and target. The filters live in the hash (#/audit?action=apikey.create), so a
// filtered view can be linked and survives a reload. The same filters export the whole matching
// trail as JSON lines or CSV (GET /v1/audit/export), and the hash chain's state
// (GET /v1/audit/verify) is said in words, with a symbol, never by colour alone.
import * as api from '../api.js';
import { append, h, replace, uid } from '../dom.js';
import { field, form, describeError } from '../forms.js';
import { t, currentLocale, formatNumber } from '../i18n.js';
import * as session from '../session.js';
import { fromLocalInput } from '../format.js';
import { pageHead, table, pager } from '../widgets.js';

// The actions Keyward writes (docs/audit.md "Actions"), offered as suggestions for the filter.
const ACTIONS = [
  'apikey.create', 'apikey.update', 'apikey.enable', 'apikey.disable', 'apikey.lock', 'apikey.unlock', 'apikey.rotate', 'apikey.delete',
  'role.create', 'role.update', 'role.delete',
  'account.create', 'account.update', 'account.enable', 'account.disable', 'account.unlock', 'account.password', 'account.delete',
  'account.token.create', 'account.token.delete',
  'session.create', 'session.delete', 'session.failure',
  'auth.failure', 'auth.lockout',
  'audit.anchor',
];
const FILTERS = ['since', 'until', 'actor', 'action', 'target'];

// The filters of the hash as the API takes them: datetime-local values become times without an
// offset, which the API reads in the account's time zone.
function apiFilters(values) {
  const out = {};
  for (const name of FILTERS) {
    const value = values[name];
    if (!value) continue;
    out[name] = name === 'since' || name === 'until' ? fromLocalInput(value) : value;
  }
  return out;
}

export async function render(ctx) {
  const values = Object.fromEntries(FILTERS.map((name) => [name, (ctx.params.get(name) || '').trim()]));
  const filters = apiFilters(values);
  const zone = session.timeZone();

  // Filters.
  const datalistId = uid('audit-actions');
  const since = field({ name: 'since', label: t('audit.since'), kind: 'datetime-local', value: values.since });
  const until = field({ name: 'until', label: t('audit.until'), kind: 'datetime-local', value: values.until });
  const actor = field({ name: 'actor', label: t('audit.actor'), value: values.actor, hint: t('audit.actorHint'), attrs: { autocomplete: 'off', spellcheck: 'false' } });
  const action = field({ name: 'action', label: t('audit.action'), value: values.action, hint: t('audit.actionHint'), attrs: { list: datalistId, autocomplete: 'off', spellcheck: 'false' } });
  const target = field({ name: 'target', label: t('audit.target'), value: values.target, hint: t('audit.targetHint'), attrs: { autocomplete: 'off', spellcheck: 'false' } });
  const controls = { since, until, actor, action, target };
  const anyFilter = FILTERS.some((name) => values[name]);
  const filterForm = form({
    fields: [since, until, actor, action, target],
    extra: [
      h('datalist', { id: datalistId }, ACTIONS.map((a) => h('option', { value: a }))),
      h(
        'div',
        { class: 'form-actions audit-filter-actions' },
        anyFilter ? h('a', { class: 'button secondary', href: '#/audit' }, t('audit.clear')) : null,
        h('button', { type: 'submit', class: 'primary' }, t('common.apply')),
      ),
    ],
    onsubmit: async () => {
      const next = {};
      for (const name of FILTERS) next[name] = controls[name].control.value.trim();
      ctx.navigate(`#/audit${api.query(next)}`);
    },
  });
  filterForm.classList.add('audit-filters');
  filterForm.setAttribute('role', 'search');
  filterForm.setAttribute('aria-label', t('audit.filters'));

  // Chain status.
  const chainText = h('p', { class: 'chain-status', role: 'status', 'aria-live': 'polite' });
  const verifyButton = h('button', { type: 'button', class: 'secondary', onclick: () => verify() }, t('audit.verifyAgain'));
  const verify = async () => {
    verifyButton.disabled = true;
    chainText.className = 'chain-status';
    replace(chainText, t('audit.chainChecking'));
    try {
      const answer = await api.get('/v1/audit/verify');
      const ok = answer.ok === true;
      chainText.className = ['chain-status', ok ? 'chain-ok' : 'chain-broken'].join(' ');
      replace(
        chainText,
        h('span', { class: 'chain-symbol', 'aria-hidden': 'true' }, ok ? '✔' : '✖'),
        ' ',
        ok
          ? t('audit.chainOk', { count: formatNumber(answer.events ?? 0) })
          : t('audit.chainBroken', { id: answer.firstBrokenId ?? '?', reason: answer.reason ?? '', count: formatNumber(answer.events ?? 0) }),
      );
    } catch (error) {
      if (error.status === 401) return;
      chainText.className = 'chain-status chain-unknown';
      replace(chainText, t('audit.chainFailed', { message: describeError(error) }));
    } finally {
      verifyButton.disabled = false;
    }
  };

  // Export: plain links; the browser sends the session cookie with them.
  const exports = h(
    'div',
    { class: 'audit-export' },
    h('span', { class: 'label', id: 'audit-export-label' }, t('audit.export')),
    h(
      'ul',
      { class: 'audit-export-links', 'aria-labelledby': 'audit-export-label' },
      h('li', {}, h('a', { class: 'button secondary', href: api.exportUrl('jsonl', filters), download: '' }, t('audit.exportJsonl'))),
      h('li', {}, h('a', { class: 'button secondary', href: api.exportUrl('csv', filters), download: '' }, t('audit.exportCsv'))),
    ),
    h('p', { class: 'hint' }, anyFilter ? t('audit.exportHintFiltered') : t('audit.exportHint')),
  );

  const results = h('div', { class: 'audit-results' });
  append(ctx.main, [
    pageHead(t('audit.title')),
    h('section', { class: 'panel chain', 'aria-label': t('audit.chainLabel') }, chainText, verifyButton),
    h('section', { class: 'panel' }, filterForm),
    h('div', { class: 'audit-bar' }, h('p', { class: 'hint audit-zone' }, t('audit.timeZone', { zone })), exports),
    results,
  ]);

  const load = async (cursor, focus = false) => {
    let page;
    try {
      page = await api.get(`/v1/audit${api.query({ ...filters, limit: 50, cursor })}`);
    } catch (error) {
      if (error.status === 401) return; // the shell sends the user to sign in
      // A filter the API refuses (a bad time, say) is shown beside that filter.
      if (error.field && controls[error.field]) {
        exports.hidden = true; // an export with a refused filter would only download the error
        filterForm.showError(error);
        replace(results, h('p', { class: 'empty' }, t('audit.badFilter')));
      } else {
        replace(results, h('p', { class: 'form-alert', role: 'alert' }, describeError(error)));
      }
      return;
    }
    replace(
      results,
      table({
        caption: t('audit.caption'),
        columns: [
          { label: t('audit.colTime'), class: 'nowrap', cell: (e) => h('time', { datetime: e.time }, eventTime(e.time)) },
          { label: t('audit.colActor'), cell: (e) => principal(e.actor) },
          { label: t('audit.colAction'), cell: (e) => h('span', { class: 'mono' }, e.action) },
          { label: t('audit.colTarget'), cell: (e) => principal(e.target) },
          { label: t('audit.colIp'), cell: (e) => (e.ip ? h('span', { class: 'mono' }, e.ip) : h('span', { class: 'muted' }, '—')) },
          { label: t('audit.colOutcome'), cell: (e) => outcome(e.outcome) },
          { label: t('audit.colDetails'), class: 'audit-details-cell', cell: (e) => detailsOf(e.details) },
        ],
        rows: page.items,
        empty: anyFilter ? t('audit.emptyFiltered') : t('audit.empty'),
      }),
      pager({ cursor, nextCursor: page.nextCursor, onPage: (next) => load(next, true) }),
    );
    if (focus) results.querySelector('.table-wrap')?.focus();
  };

  verify();
  await load('');
}

// An actor or a target ("apikey:12", "role:100", "account:3", "system", "anonymous"): a link to
// its page when the account may see it.
const pages = { apikey: ['keys', 'apikeys:view'], role: ['roles', 'roles:view'], account: ['accounts', 'accounts:view'] };
function principal(value) {
  if (!value) return h('span', { class: 'muted' }, '—');
  const match = /^(apikey|role|account):(\d+)$/.exec(value);
  if (match && session.can(pages[match[1]][1])) {
    return h('a', { class: 'mono', href: `#/${pages[match[1]][0]}/${match[2]}` }, value);
  }
  return h('span', { class: 'mono' }, value);
}

// An event's time in the account's time zone, to the second (an audit trail needs the seconds).
function eventTime(value) {
  const date = new Date(value);
  if (!value || Number.isNaN(date.getTime())) return value || '—';
  try {
    return new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', timeStyle: 'medium', timeZone: session.timeZone() }).format(date);
  } catch {
    return value;
  }
}

function outcome(value) {
  const known = { success: ['✔', 'audit.outcome.success'], failure: ['✖', 'audit.outcome.failure'] }[value];
  if (!known) return value || '—';
  return h('span', { class: ['badge', `outcome-${value}`] }, h('span', { 'aria-hidden': 'true' }, known[0], ' '), t(known[1]));
}

// An event's details, compact: the changes one per line, "field: old → new" (for lists, what was
// added and removed); then the other values on one line, "field: value · field: value".
function detailsOf(detailsObject) {
  const entries = detailsObject && typeof detailsObject === 'object' ? Object.entries(detailsObject) : [];
  if (!entries.length) return h('span', { class: 'muted' }, '—');
  const changes = entries.filter(([, value]) => isChange(value));
  const values = entries.filter(([, value]) => !isChange(value));
  return h(
    'div',
    { class: 'audit-details' },
    changes.length
      ? h('ul', { class: 'audit-changes' }, changes.map(([key, value]) => h('li', {}, h('span', { class: 'audit-key' }, key, ': '), change(value))))
      : null,
    values.length
      ? h(
          'p',
          { class: 'audit-values' },
          values.map(([key, value], i) => [i ? h('span', { class: 'audit-sep', 'aria-hidden': 'true' }, ' · ') : null, h('span', { class: 'audit-value' }, h('span', { class: 'audit-key' }, key, ': '), show(value), i < values.length - 1 ? h('span', { class: 'visually-hidden' }, ';') : null)]),
        )
      : null,
  );
}

function isChange(value) {
  return value && typeof value === 'object' && !Array.isArray(value) && 'old' in value && 'new' in value && Object.keys(value).length === 2;
}

function change(value) {
  if (!isChange(value)) return show(value);
  if (Array.isArray(value.old) && Array.isArray(value.new)) {
    const before = new Set(value.old.map(String));
    const after = new Set(value.new.map(String));
    const added = [...after].filter((v) => !before.has(v));
    const removed = [...before].filter((v) => !after.has(v));
    return [
      added.length ? h('span', { class: 'audit-added' }, t('audit.added', { items: added.join(', ') })) : null,
      added.length && removed.length ? '; ' : null,
      removed.length ? h('span', { class: 'audit-removed' }, t('audit.removed', { items: removed.join(', ') })) : null,
      !added.length && !removed.length ? t('audit.reordered') : null,
    ];
  }
  return [show(value.old), h('span', { class: 'audit-arrow' }, ' → '), show(value.new)];
}

function show(value) {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, t('audit.none'));
  if (value === '') return h('span', { class: 'muted' }, t('audit.emptyValue'));
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ') : h('span', { class: 'muted' }, t('audit.none'));
  return JSON.stringify(value);
}
