// Small DOM helpers shared by the console's views.

import { add, t, number, errorText, time, day, fieldName as fieldLabel } from './i18n.js';
import { totalText } from './api.js';
import { el, data, clearErrors, values, placeError } from './forms.js';

export { el, data, clearErrors, values };

add({
  en: { 'pager.previous': 'Previous', 'pager.next': 'Next', 'pager.range': '{from}–{to} of {total}' },
  zh: { 'pager.previous': '上一页', 'pager.next': '下一页', 'pager.range': '第 {from}–{to} 条，共 {total} 条' },
});

/** A short message at the top of the page (a text of the catalogue, or an API error). */
export function notice(text, bad) {
  if (text instanceof Error) text = errorText(text);
  const n = document.getElementById('notice');
  n.textContent = text;
  n.classList.toggle('bad', !!bad);
  n.hidden = !text;
}

/**
 * Shows an API error on a form: next to the field it names when the form has that field,
 * otherwise in the form's general error line.
 */
export function showError(form, err) {
  const text = errorText(err);
  placeError(form, err, text, err.field ? t('error.with_field', { field: fieldLabel(err.field), error: text }) : text);
}

/** A `datetime-local` value (the browser's zone) as RFC 3339, or undefined. */
export function instant(local) {
  return local ? new Date(local).toISOString() : undefined;
}

/** A time of day (and date when `withDate`) in the business calendar's zone, in a `<time>`. */
export function timeEl(iso, zone, withDate) {
  return iso ? el('time', { dateTime: iso }, time(iso, zone, withDate)) : '';
}

/** A calendar day (`YYYY-MM-DD`) as the language writes it, in a `<time>`. */
export function dayEl(ymd) {
  return ymd ? el('time', { dateTime: ymd }, day(ymd)) : '';
}

/** The calendar day (YYYY-MM-DD) of a moment in a zone. */
export function localDay(date, zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** Previous, the rows shown of how many, next: under a paged list in `node`; `go(offset)` loads another page. */
export function pager(node, page, go) {
  const last = Math.min(page.offset + page.items.length, page.total);
  node.replaceChildren(
    el('button', { type: 'button', disabled: page.offset === 0, onclick: () => go(Math.max(0, page.offset - page.limit)) }, t('pager.previous')),
    page.total ? el('span', {}, t('pager.range', { from: number(page.offset + 1), to: number(last), total: totalText(page) })) : '',
    el('button', { type: 'button', disabled: last >= page.total && !page.total_capped, onclick: () => go(page.offset + page.limit) }, t('pager.next')));
}

/** A list's table in `node`: the headers (the catalogue's `<prefix>.<column>`), the rows, or one row saying `empty` (a catalogue key). */
export function list(node, prefix, cols, rows, empty) {
  node.replaceChildren(
    el('thead', {}, el('tr', {}, cols.map((c) => el('th', {}, t(`${prefix}.${c}`))))),
    el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colSpan: cols.length }, t(empty)))));
}
