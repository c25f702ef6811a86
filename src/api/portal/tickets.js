// The customer's requests: the list with what each waits for, one request with its
// customer-visible timeline, files, visits and quotes, and the answers that wait for the
// customer (remote authorization, a quote's approval or decline, acceptance or rejection, the
// survey). Files are sent one by one; a refused one is listed beside the file field.

import { get, post, upload, getBlob } from './api.js';
import { t, number, errorText } from './i18n.js';
import { el, data, notice, showError, table, pager, field, when, span } from './ui.js';

const PAGE = 20;

/** The list of requests, from `offset`. */
export async function showList(offset = 0) {
  const open = document.getElementById('tickets-open');
  open.onchange = () => showList(0);
  const q = new URLSearchParams({ limit: PAGE, offset });
  if (open.checked) q.set('open', 'true');
  const page = await get(`/tickets?${q}`);
  const node = document.getElementById('ticket-list');
  if (!page.items.length) {
    node.replaceChildren(el('caption', { class: 'muted' }, t('tickets.empty')));
  } else {
    table(node, ['col.number', 'col.title', 'col.site', 'col.status', 'col.opened', 'col.updated', 'col.awaiting'],
      page.items.map((tk) => [
        el('a', { href: `#/tickets/${tk.id}`, translate: 'no', 'data-ticket': tk.number }, tk.number),
        data(tk.title),
        data(tk.site_name || ''),
        t(`status.${tk.status}`),
        when(tk.opened_at),
        when(tk.updated_at),
        tk.awaiting.map((a) => el('span', { class: 'tag', 'data-awaiting': a }, t(`awaiting.${a}`))),
      ]));
  }
  pager(document.getElementById('ticket-pager'), page, showList);
}

/** One request with its timeline and the answers that wait for the customer. */
export async function showTicket(id) {
  const d = await get(`/tickets/${id}`);
  render(d);
}

function render(d) {
  const tk = d.ticket;
  const view = document.getElementById('view-ticket');
  view.replaceChildren(
    el('p', {}, el('a', { href: '#/tickets' }, t('ticket.back'))),
    el('h1', {}, data(tk.number), ' ', data(tk.title)),
    el('dl', { class: 'facts' },
      el('dt', {}, t('col.status')), el('dd', { id: 'ticket-status', 'data-status': tk.status }, t(`status.${tk.status}`), ' · ', t(`tier.${tk.ladder_tier}`)),
      el('dt', {}, t('field.kind')), el('dd', {}, t(`kind.${tk.kind}`)),
      el('dt', {}, t('col.site')), el('dd', {}, data(tk.site_name || '—')),
      el('dt', {}, t('ticket.equipment')), el('dd', {}, data([tk.product_model, tk.serial_number].filter(Boolean).join(' · ') || '—')),
      el('dt', {}, t('col.opened')), el('dd', {}, when(tk.opened_at)),
      el('dt', {}, t('ticket.description')), el('dd', {}, data(d.description, 'span', { class: 'pre' })),
    ),
    awaitingBox(d),
    el('section', { id: 'ticket-files', 'aria-labelledby': 'files-title' }),
    el('h2', {}, t('ticket.visits')),
    visitsTable(d.visits),
    el('h2', {}, t('ticket.timeline')),
    el('ol', { class: 'timeline', id: 'timeline' }, d.timeline.map(eventItem)),
  );
  showFiles(tk);
}

/** The request's files with their download links, and a field to add more while it is open. */
async function showFiles(tk) {
  const node = document.getElementById('ticket-files');
  const files = await get(`/tickets/${tk.id}/attachments`).catch((err) => {
    notice(err, true);
    return [];
  });
  const list = files.length
    ? el('ul', { class: 'files', id: 'file-list' }, files.map((a) => el('li', { 'data-attachment-id': a.id }, downloadLink(tk, a))))
    : el('p', { class: 'muted', id: 'file-list' }, t('ticket.no_files'));
  node.replaceChildren(el('h2', { id: 'files-title' }, t('ticket.files')), list);
  if (['closed', 'cancelled'].includes(tk.status)) return;
  const input = fileInput('ticket-add-files');
  const refused = el('ul', { class: 'refused', id: 'ticket-refused' });
  input.onchange = async () => {
    const chosen = [...input.files];
    if (!chosen.length) return;
    input.disabled = true;
    const bad = await uploadFiles(tk.id, chosen);
    input.value = '';
    input.disabled = false;
    if (bad.length < chosen.length) notice(t('ticket.files_added'));
    await showFiles(tk);
    showRefused(document.getElementById('ticket-refused'), bad);
  };
  node.append(el('form', { class: 'action', novalidate: true, onsubmit: (ev) => ev.preventDefault() },
    field('ticket.add_files', input), refused));
}

/** A file field taking several files. */
export function fileInput(id) {
  return el('input', { type: 'file', name: 'file', id, multiple: true });
}

/** Sends the files to the request one by one; gives those refused, with the reason. */
export async function uploadFiles(ticketId, files) {
  const refused = [];
  for (const f of files) {
    try {
      await upload(`/tickets/${ticketId}/attachments`, f);
    } catch (err) {
      refused.push({ name: f.name, err });
    }
  }
  return refused;
}

/** Lists the refused files (name and why) in `node`, which sits beside the file field. */
export function showRefused(node, refused) {
  node.replaceChildren(...refused.map((r) => el('li', { class: 'field-error', role: 'alert', 'data-field': 'file' },
    data(r.name), ': ', fileError(r.err))));
}

function fileError(err) {
  if (err.code === 'payload_too_large') return t('error.file_too_large');
  if (err.field === 'file' && err.reason === 'too_long') return t('error.too_many_files');
  if (err.field === 'file' && err.reason === 'required') return t('error.file_empty');
  return errorText(err);
}

/** A link that downloads one of the request's files with the session's token. */
function downloadLink(tk, a) {
  return el('a', {
    href: '#',
    onclick: async (ev) => {
      ev.preventDefault();
      try {
        const blob = await getBlob(`/tickets/${tk.id}/attachments/${a.id}`);
        const link = el('a', { href: URL.createObjectURL(blob), download: a.filename, hidden: true });
        document.body.append(link);
        link.click();
        link.remove();
      } catch (err) {
        notice(err, true);
      }
    },
  }, data(a.filename), ' ', data(`(${number(Math.ceil(a.size_bytes / 1024))} KB)`));
}

function eventItem(e) {
  const what = t(`event.${e.kind}`, { to: e.to ? t(`tier.${e.to}`) : '' });
  return el('li', { 'data-kind': e.kind },
    when(e.at, { class: 'when' }),
    el('strong', {}, what),
    e.window_start ? el('span', {}, ' · ', span(e.window_start, e.window_end)) : null,
    ' · ', e.by ? data(e.by) : t('ticket.service_team'),
    e.note ? el('div', {}, data(e.note, 'q')) : null);
}

/** The visits of the request: when, who, how far along. */
export function visitsTable(visits, withTicket) {
  if (!visits.length) return el('p', { class: 'muted' }, t('ticket.no_visits'));
  const node = el('table', { class: 'list' });
  const heads = ['col.when', 'col.technician', 'col.status', 'col.site'];
  if (withTicket) heads.unshift('col.ticket');
  table(node, heads, visits.map((v) => {
    const cells = [span(v.window_start, v.window_end),
      v.technician_name ? data(v.technician_name) : el('span', { class: 'muted' }, t('visits.unassigned')),
      t(`visit.${v.status}`), data(v.site_name || '')];
    if (withTicket) cells.unshift(v.ticket_id ? el('a', { href: `#/tickets/${v.ticket_id}`, translate: 'no' }, v.ticket_number) : '');
    return cells;
  }));
  return node;
}

function awaitingBox(d) {
  const tk = d.ticket;
  const box = el('section', { class: 'awaiting', id: 'awaiting', 'aria-labelledby': 'awaiting-title' },
    el('h2', { id: 'awaiting-title' }, t('ticket.awaiting')));
  if (!tk.awaiting.length) box.append(el('p', { class: 'muted' }, t('ticket.nothing')));
  if (d.survey_score) box.append(el('p', {}, t('ticket.survey_given', { score: d.survey_score })));
  for (const a of tk.awaiting) {
    if (a === 'remote_authorization') box.append(authorizeForm(tk));
    if (a === 'quote_answer') for (const q of d.quotes.filter((x) => x.awaiting_answer)) box.append(quoteForm(q));
    if (a === 'acceptance') box.append(acceptForm(tk));
    if (a === 'survey') box.append(surveyForm(tk));
  }
  return box;
}

/** A form whose submit posts to `path` and shows the request again with `done`. */
function actionForm(id, title, text, fields, buttons) {
  const form = el('form', { class: 'action', id, novalidate: true },
    el('h3', {}, t(title)), text ? el('p', {}, t(text)) : null, fields, el('p', {}, buttons), el('p', { class: 'form-error', role: 'alert' }));
  return form;
}

async function act(form, path, body, done) {
  for (const b of form.querySelectorAll('button')) b.disabled = true;
  try {
    const d = await post(path, body);
    render(d);
    notice(t(done));
  } catch (err) {
    for (const b of form.querySelectorAll('button')) b.disabled = false;
    showError(form, err);
  }
}

function authorizeForm(tk) {
  const note = el('textarea', { name: 'note', id: 'authorize-note', maxLength: 2000 });
  const form = actionForm('authorize-form', 'action.authorize.title', 'action.authorize.text', field('field.note', note),
    el('button', { type: 'submit', id: 'authorize-submit' }, t('action.authorize.submit')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(form, `/tickets/${tk.id}/remote-authorization`, { note: note.value.trim() || undefined }, 'action.authorize.done');
  });
  return form;
}

function quoteForm(q) {
  const reason = el('textarea', { name: 'reason', maxLength: 2000 });
  const lines = el('table', { class: 'list' });
  table(lines, ['col.item', 'col.amount'], q.items.map((i) => [data(i.description), data(`${number(i.quantity)} × ${number(i.unit_price)} = ${number(i.amount)}`)]));
  const form = actionForm(`quote-form-${q.id}`, 'action.quote.title', null,
    [lines, el('p', {}, el('strong', {}, t('action.quote.total', { amount: number(q.amount), currency: q.currency }))), field('field.reason', reason)],
    [el('button', { type: 'submit', 'data-answer': 'approve' }, t('action.quote.approve')), ' ',
      el('button', { type: 'button', class: 'secondary', 'data-answer': 'decline',
        onclick: () => act(form, `/quotes/${q.id}/answer`, { approve: false, reason: reason.value.trim() || undefined }, 'action.quote.done') },
      t('action.quote.decline'))]);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(form, `/quotes/${q.id}/answer`, { approve: true }, 'action.quote.done');
  });
  return form;
}

function acceptForm(tk) {
  const comment = el('textarea', { name: 'comment', id: 'reject-comment', maxLength: 2000 });
  const form = actionForm('accept-form', 'action.accept.title', 'action.accept.text', field('field.comment', comment),
    [el('button', { type: 'submit', id: 'accept-submit' }, t('action.accept.submit')), ' ',
      el('button', { type: 'button', class: 'secondary', id: 'reject-submit',
        onclick: () => act(form, `/tickets/${tk.id}/acceptance`, { satisfied: false, comment: comment.value.trim() || undefined }, 'action.reject.done') },
      t('action.reject.submit'))]);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(form, `/tickets/${tk.id}/acceptance`, { satisfied: true }, 'action.accept.done');
  });
  return form;
}

function surveyForm(tk) {
  const score = el('select', { name: 'score', id: 'survey-score' }, [5, 4, 3, 2, 1].map((n) => el('option', { value: n, translate: 'no' }, String(n))));
  const comment = el('textarea', { name: 'comment', maxLength: 2000 });
  const form = actionForm('survey-form', 'action.survey.title', 'action.survey.text',
    [field('field.score', score), field('field.survey_comment', comment)],
    el('button', { type: 'submit', id: 'survey-submit' }, t('action.survey.submit')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(form, `/tickets/${tk.id}/survey`, { score: Number(score.value), comment: comment.value.trim() || undefined }, 'action.survey.done');
  });
  return form;
}
