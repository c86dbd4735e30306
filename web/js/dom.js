// Small helpers to build the DOM without innerHTML: every text goes in as a text node, so nothing
// that comes from the API can ever become markup. The console's CSP forbids inline scripts and
// inline styles; these helpers never set either.

// h('button', {class: 'primary', onclick: fn}, 'Save') → an element. Attributes whose name starts
// with "on" become event listeners; `false`, null and undefined attributes are left out; `true`
// sets an empty attribute. Children may be strings, nodes, arrays (flattened) or null (skipped).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'class') {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name === 'value' || name === 'checked' || name === 'selected') {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

// Appends children (strings, nodes, arrays of them; null skipped) to `el`.
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Replaces everything inside `el` with `children`.
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let nextId = 0;
// A document-unique id for tying labels, descriptions and errors to their controls.
export function uid(prefix = 'kw') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}
