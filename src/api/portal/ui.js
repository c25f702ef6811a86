// Small DOM helpers of the portal's pages (as the console's `ui.js`).

import { t, errorText, time, window as windowText } from './i18n.js';

/** An element with attributes (`class`, `data-*`, `aria-*`, properties for the rest) and children. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'for' || k === 'role' || k === 'translate') node.setAttribute(k, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node[k] = v;
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** Data (a name, a number): not a text of the catalogue. */
export function data(text, tag = 'span', attrs = {}) {
  return el(tag, { translate: 'no', ...attrs }, text ?? '');
}

/** A moment, in the business zone, as a `<time>`. */
export function when(iso, attrs = {}) {
  return el('time', { dateTime: iso, translate: 'no', ...attrs }, time(iso));
}

/** A window (a visit's), in the business zone, as a `<time>` of its start. */
export function span(start, end) {
  return el('time', { dateTime: start, translate: 'no' }, windowText(start, end));
}

/** A short message at the top of the page (a text, or an API error). */
export function notice(text, bad) {
  if (text instanceof Error) text = errorText(text);
  const n = document.getElementById('notice');
  n.textContent = text || '';
  n.classList.toggle('bad', !!bad);
  n.hidden = !text;
}

/** Clears a form's error messages. */
export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error')) e.remove();
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  const general = form.querySelector('.form-error');
  if (general) general.textContent = '';
}

/** Shows an API error beside the field it names, else in the form's general error line. */
export function showError(form, err) {
  clearErrors(form);
  const input = err.field ? form.querySelector(`[name="${CSS.escape(err.field)}"]`) : null;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    const msg = el('span', { class: 'field-error', role: 'alert', 'data-field': err.field }, errorText(err));
    (input.closest('label') || input).after(msg);
    input.focus();
    return;
  }
  let general = form.querySelector('.form-error');
  if (!general) {
    general = el('p', { class: 'form-error', role: 'alert' });
    form.append(general);
  }
  general.textContent = errorText(err);
}

/** A form's filled-in fields, as strings. */
export function values(form) {
  const out = {};
  for (const [k, v] of new FormData(form).entries()) {
    if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  }
  return out;
}

/** A labelled field. */
export function field(key, input) {
  return el('label', {}, el('span', {}, t(key)), ' ', input);
}

/** A table with a heading row of catalogue keys and rows of cells. */
export function table(node, heads, rows) {
  node.replaceChildren(
    el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, t(h))))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) => el('td', {}, c))))),
  );
}

/** Previous / next under a paged list. */
export function pager(node, page, go) {
  const from = page.total ? page.offset + 1 : 0;
  const to = page.offset + page.items.length;
  node.replaceChildren(
    el('button', { type: 'button', class: 'secondary', disabled: page.offset === 0, onclick: () => go(Math.max(0, page.offset - page.limit)) }, t('pager.previous')),
    el('span', {}, t('pager.range', { from, to, total: page.total })),
    el('button', { type: 'button', class: 'secondary', disabled: to >= page.total, onclick: () => go(page.offset + page.limit) }, t('pager.next')),
  );
}
