// Small DOM helpers of the portal's pages (as the console's `ui.js`).

import { t, errorText, time, window as windowText } from './i18n.js';
import { el, data, clearErrors, values, placeError } from './forms.js';

export { el, data, clearErrors, values };

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

/** Shows an API error beside the field it names, else in the form's general error line. */
export function showError(form, err) {
  const text = errorText(err);
  placeError(form, err, text, text);
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
