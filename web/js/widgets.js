// The pieces every screen is made of: a page heading with its actions, tables with selection and
// paging through `nextCursor`, the Status switch, lists of details, and a live status line.
import { h, uid } from './dom.js';
import { t } from './i18n.js';

// The screen's <h1> with, optionally, a link back and buttons beside it.
export function pageHead(title, { back, actions = [] } = {}) {
  return [
    back ? h('p', { class: 'breadcrumb' }, h('a', { href: back.href }, '← ', t('common.back', { screen: back.label }))) : null,
    h('div', { class: 'page-head' }, h('h1', {}, title), h('div', { class: 'actions' }, actions)),
  ];
}

// A table. `columns`: [{label, cell(row) → nodes, class?}]. With `select`, each row gets a
// checkbox labelled by `select.label(row)`, and `select.onchange(selectedRows)` runs on change.
// The table sits in a labelled, focusable scroll region so it works at a phone's width.
export function table({ caption, columns, rows, select, empty }) {
  if (!rows.length) return h('p', { class: 'empty' }, empty || t('common.noResults'));
  const selected = new Set();
  const boxes = [];
  const notify = () => select && select.onchange(rows.filter((r) => selected.has(r)));
  let all = null;
  if (select) {
    all = h('input', {
      type: 'checkbox',
      'aria-label': t('common.selectAll'),
      onchange: () => {
        for (const [box, row] of boxes) {
          box.checked = all.checked;
          if (all.checked) selected.add(row);
          else selected.delete(row);
        }
        notify();
      },
    });
  }
  const head = h('tr', {}, select ? h('th', { class: 'check', scope: 'col' }, all) : null, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)));
  const body = rows.map((row) => {
    let box = null;
    if (select) {
      box = h('input', {
        type: 'checkbox',
        'aria-label': select.label(row),
        onchange: () => {
          if (box.checked) selected.add(row);
          else selected.delete(row);
          all.checked = selected.size === rows.length;
          notify();
        },
      });
      boxes.push([box, row]);
    }
    return h('tr', {}, select ? h('td', { class: 'check' }, box) : null, columns.map((c) => h('td', { class: c.class }, c.cell(row))));
  });
  const captionId = uid('caption');
  return h(
    'div',
    { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': captionId },
    h('table', {}, h('caption', { id: captionId, class: 'visually-hidden' }, caption), h('thead', {}, head), h('tbody', {}, body)),
  );
}

// Paging through an opaque cursor: "First page" when not on the first, "Next page" when the
// API gave a nextCursor.
export function pager({ cursor, nextCursor, onPage }) {
  return h(
    'div',
    { class: 'pager' },
    cursor ? h('button', { type: 'button', class: 'secondary', onclick: () => onPage('') }, t('common.first')) : null,
    nextCursor ? h('button', { type: 'button', class: 'secondary', onclick: () => onPage(nextCursor) }, t('common.next')) : null,
  );
}

// The switch of the Status column: role="switch" with its state written beside it, so it is not
// told by colour alone. `onchange(next)` returns a promise; the switch is busy while it runs, and
// stays as it was when the promise rejects (onchange shows why).
export function toggleSwitch({ checked, label, disabled = false, onchange }) {
  const text = h('span', {}, checked ? t('common.enabled') : t('common.disabled'));
  const button = h(
    'button',
    { type: 'button', class: 'switch', role: 'switch', 'aria-checked': String(checked), 'aria-label': label, disabled },
    h('span', { class: 'track', 'aria-hidden': 'true' }),
    text,
  );
  button.addEventListener('click', async () => {
    const next = button.getAttribute('aria-checked') !== 'true';
    button.disabled = true;
    try {
      await onchange(next);
      button.setAttribute('aria-checked', String(next));
      text.textContent = next ? t('common.enabled') : t('common.disabled');
    } catch {
      // Refused: the switch stays as it was, and onchange has said why.
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

// <dl> of [label, value] pairs (null pairs skipped).
export function details(pairs) {
  return h('dl', { class: 'details' }, pairs.filter(Boolean).map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]));
}

let pendingFlash = '';
// Keeps `text` for the next statusLine drawn: the result of an action that redraws the screen.
export function flash(text) {
  pendingFlash = text;
}

// A line that announces results of actions ("Saved.", errors) to screen readers too.
export function statusLine() {
  const el = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' }, pendingFlash);
  pendingFlash = '';
  el.say = (text, isError = false) => {
    el.textContent = text;
    el.classList.toggle('error-text', isError);
  };
  return el;
}
