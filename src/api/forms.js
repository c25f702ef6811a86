// The page helpers the console and the portal share: elements, forms and their errors, the
// API's problem+json as an error, the browser's language. Served to both as `forms.js`; each
// side's `ui.js` and `api.js` add what only it needs (its catalogue's texts, its sign-in).

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

/** Data shown as it is (a name, a title, a number): not a text of a catalogue. */
export function data(text, tag = 'span', attrs = {}) {
  return el(tag, { ...attrs, translate: 'no' }, text ?? '');
}

/** Clears a form's error messages. */
export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error')) e.remove();
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  const general = form.querySelector('.form-error');
  if (general) general.textContent = '';
}

/**
 * Shows an API error on a form: `text` next to the field it names when the form has that field,
 * otherwise `general` in the form's general error line.
 */
export function placeError(form, err, text, general) {
  clearErrors(form);
  const input = err.field ? form.querySelector(`[name="${CSS.escape(err.field)}"]`) : null;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    const msg = el('span', { class: 'field-error', role: 'alert', 'data-field': err.field, 'data-code': err.reason || err.code }, text);
    (input.closest('label') || input).after(msg);
    input.focus();
    return;
  }
  let line = form.querySelector('.form-error');
  if (!line) {
    line = el('p', { class: 'form-error', role: 'alert' });
    form.append(line);
  }
  line.dataset.code = err.reason || err.code || '';
  line.textContent = general;
}

/** A form's filled-in fields, as strings. */
export function values(form) {
  const out = {};
  for (const [k, v] of new FormData(form).entries()) {
    if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  }
  return out;
}

/** An answer that is not a success: the API's problem+json (code, detail, field, ...). */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `the service answered ${status}`);
    this.status = status;
    this.code = problem && problem.code;
    this.field = problem && problem.field;
    this.reason = problem && problem.reason;
    this.params = problem && problem.params;
    this.openTickets = problem && problem.open_tickets;
    this.current = problem && problem.current;
  }
}

/** The browser's preferred language among `languages`, else English. */
export function browserLanguage(languages) {
  const nav = typeof navigator === 'undefined' ? {} : navigator;
  const wanted = nav.languages && nav.languages.length ? nav.languages : [nav.language || 'en'];
  for (const l of wanted) {
    const base = String(l).toLowerCase().split('-')[0];
    if (languages.includes(base)) return base;
  }
  return 'en';
}

/** A value kept as JSON for this browser tab only (sessionStorage) under `key`. */
export function tabStore(key) {
  return {
    read() {
      try {
        return JSON.parse(sessionStorage.getItem(key) || 'null');
      } catch {
        return null;
      }
    },
    /** Keeps `v`; a null removes it. */
    write(v) {
      if (v) sessionStorage.setItem(key, JSON.stringify(v));
      else sessionStorage.removeItem(key);
    },
  };
}
