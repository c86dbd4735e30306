// Form fields with a visible label, an optional hint and a slot for the API's validation error,
// shown beside the field the API names (`field` of the error body: "name", "allowedIps[1]").
import { h, uid } from './dom.js';
import { t } from './i18n.js';

// A labelled control. `kind` is an input type, 'textarea' or 'select' (then `options` is a list of
// {value, label}). Returns the wrapper; the control is `wrapper.control`.
export function field({ name, label, kind = 'text', value = '', hint, options = [], required = false, readonly = false, attrs = {} }) {
  const id = uid(`f-${name}`);
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  let control;
  const common = { id, name, required, readonly, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' '), ...attrs };
  if (kind === 'textarea') {
    control = h('textarea', { rows: 3, ...common }, value ?? '');
  } else if (kind === 'select') {
    control = h(
      'select',
      common,
      options.map((o) => h('option', { value: o.value, selected: String(o.value) === String(value) }, o.label)),
    );
  } else if (kind === 'checkbox') {
    control = h('input', { type: 'checkbox', checked: Boolean(value), ...common });
  } else {
    control = h('input', { type: kind, value: value ?? '', ...common });
  }
  const wrapper = h(
    'div',
    { class: ['field', kind === 'checkbox' && 'field-check'] },
    kind === 'checkbox' ? [control, h('label', { for: id }, label)] : [h('label', { for: id }, label), control],
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }),
  );
  wrapper.control = control;
  wrapper.fieldName = name;
  return wrapper;
}

// A read-only value with its label, for what may be seen but never edited (a key's expiry).
export function readonlyValue(label, value) {
  const id = uid('ro');
  return h('div', { class: 'field readonly' }, h('span', { class: 'label', id }, label), h('p', { 'aria-labelledby': id, class: 'value' }, value));
}

// A <form> over `fields`, with a form-level alert for errors no field claims. Its `showError`
// puts an ApiError beside its field (or in the alert) and focuses that field.
export function form({ fields, onsubmit, extra = [] }) {
  const alert = h('div', { class: 'form-alert', role: 'alert', hidden: true });
  const el = h('form', { novalidate: true }, alert, fields, extra);
  const byName = new Map(fields.filter((f) => f && f.fieldName).map((f) => [f.fieldName, f]));
  el.clearErrors = () => {
    alert.hidden = true;
    alert.textContent = '';
    for (const f of byName.values()) setFieldError(f, '');
  };
  el.showError = (error) => {
    el.clearErrors();
    const name = (error.field || '').replace(/\[\d+\]$/, '').split('.')[0];
    const target = byName.get(name);
    const message = describeError(error);
    if (target) {
      setFieldError(target, message);
      target.control.focus();
    } else {
      alert.textContent = message;
      alert.hidden = false;
      alert.focus?.();
    }
  };
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    el.clearErrors();
    const button = el.querySelector('[type=submit]') || event.submitter;
    if (button) button.disabled = true;
    try {
      await onsubmit(el);
    } catch (error) {
      if (!(error && 'status' in error)) throw error;
      el.showError(error);
    } finally {
      if (button) button.disabled = false;
    }
  });
  return el;
}

// The buttons under a form: Cancel (when `onCancel` is given) and the submit button.
export function formActions({ submitLabel, onCancel }) {
  return h(
    'div',
    { class: 'form-actions' },
    onCancel ? h('button', { type: 'button', class: 'secondary', onclick: onCancel }, t('common.cancel')) : null,
    h('button', { type: 'submit', class: 'primary' }, submitLabel),
  );
}

export function setFieldError(wrapper, message) {
  const slot = wrapper.querySelector('.field-error');
  slot.textContent = message;
  slot.hidden = !message;
  if (message) wrapper.control.setAttribute('aria-invalid', 'true');
  else wrapper.control.removeAttribute('aria-invalid');
}

// An API error in words: its message, and for a refused permission (403) a sentence that says so
// even when the body has none.
export function describeError(error) {
  if (error.status === 403 && !error.message) return t('error.forbidden');
  if (error.status === 0) return t('error.network');
  return error.message || t('error.generic', { status: error.status });
}

// Splits the allowlist textarea (one address or range per line, or separated by commas).
export function splitList(text) {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
