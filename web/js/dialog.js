// Modal dialogs on the native <dialog> element: showModal() makes the rest of the page inert, so
// focus stays in the dialog; Escape cancels; on close the dialog is removed from the page (a
// secret shown in it is gone with it) and focus returns to where it was.
import { append, h, uid } from './dom.js';
import { t } from './i18n.js';

// Opens a dialog titled `title` around `body`: nodes, or `body(close)` returning them (a form
// that closes the dialog itself). `actions(close)`, when given, returns the buttons of its
// footer. Resolves, when it closes, to the value given to close() (undefined on Escape).
export function openDialog({ title, body, actions, wide = false, onOpen }) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const titleId = uid('dialog-title');
    let result;
    const dialog = h('dialog', { class: ['dialog', wide && 'wide'], 'aria-labelledby': titleId });
    const close = (value) => {
      result = value;
      dialog.close();
    };
    append(dialog, [
      h('h2', { id: titleId, class: 'dialog-title' }, title),
      h('div', { class: 'dialog-body' }, typeof body === 'function' ? body(close) : body),
      actions ? h('div', { class: 'dialog-actions' }, actions(close)) : null,
    ]);
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    if (onOpen) onOpen(dialog);
  });
}

// Asks to confirm `message` (nodes); resolves to true only when `confirmLabel` is chosen.
export async function confirmDialog({ title, message, confirmLabel, danger = false }) {
  const answer = await openDialog({
    title,
    body: message,
    actions: (close) => [
      h('button', { type: 'button', class: 'secondary', onclick: () => close(false) }, t('common.cancel')),
      h(
        'button',
        { type: 'button', class: danger ? 'danger' : 'primary', onclick: () => close(true) },
        confirmLabel,
      ),
    ],
  });
  return answer === true;
}

// Shows a secret exactly once: a read-only field with a copy button and a plain warning. When
// the dialog closes, the element holding the secret is removed from the page.
export function secretDialog({ title, intro, label, secret }) {
  const fieldId = uid('secret');
  const status = h('p', { class: 'copy-status', role: 'status' });
  const input = h('input', {
    id: fieldId,
    class: 'secret-value',
    type: 'text',
    readonly: true,
    value: secret,
    spellcheck: 'false',
    autocomplete: 'off',
  });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      input.select();
      document.execCommand('copy');
    }
    status.textContent = t('secret.copied');
  };
  return openDialog({
    title,
    body: [
      intro ? h('p', {}, intro) : null,
      h('p', { class: 'warning', role: 'note' }, h('strong', {}, t('secret.warningTitle')), ' ', t('secret.warning')),
      h('label', { for: fieldId }, label),
      h('div', { class: 'secret-row' }, input, h('button', { type: 'button', class: 'secondary', onclick: copy }, t('secret.copy'))),
      status,
    ],
    actions: (close) => [h('button', { type: 'button', class: 'primary', onclick: () => close() }, t('secret.done'))],
    onOpen: () => input.select(),
  });
}
