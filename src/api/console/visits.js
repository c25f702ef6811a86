// A ticket's on-site visits on its page, with their quotes: each visit's window, status,
// technician and outcome; each quote's lines, amount and status; and, for a quote the customer
// has not answered yet, the forms to record their approval or decline (who, when, how), with the
// API's validation errors next to the field they name.

import * as api from './api.js';
import { add, t, term, number, errorText } from './i18n.js';
import { el, notice, showError, clearErrors, values, instant, timeEl, data } from './ui.js';

add({
  en: {
    'visits.title': 'On-site visits',
    'visits.window': 'Window',
    'visits.technician': 'Technician',
    'visits.nobody': 'not booked yet',
    'visits.user': 'user {id}',
    'visits.finished': 'Finished',
    'visits.outcome': 'Outcome',
    'visits.work_notes': 'Work done',
    'visits.under_warranty': 'Under warranty: no charge.',
    'visits.billable': 'Out of warranty: the work is charged.',
    'visits.charged': 'Charged',
    'visits.no_quotes': 'No quote on this visit.',
    'visits.quote': 'Quote',
    'visits.amount': 'Amount',
    'visits.made_at': 'Made',
    'visits.col.description': 'Item',
    'visits.col.quantity': 'Quantity',
    'visits.col.unit_price': 'Unit price',
    'visits.col.amount': 'Amount',
    'visits.approved_by': 'Approved by',
    'visits.declined_by': 'Declined by',
    'visits.decline_reason': 'Why',
    'visits.approve': 'Record the customer\'s approval',
    'visits.decline': 'Record the customer\'s decline',
    'visits.field.approved_by': 'Customer\'s contact who approved',
    'visits.field.approved_at': 'Approved at',
    'visits.field.declined_by': 'Customer\'s contact who declined',
    'visits.field.declined_at': 'Declined at',
    'visits.field.via': 'How',
    'visits.field.reason': 'Why the customer declined',
    'visits.field.ends_visit': 'The visit ends without the work',
    'visits.approved': 'The customer\'s approval of the quote is recorded.',
    'visits.declined': 'The customer\'s decline of the quote is recorded.',
    'visits.stale': 'Someone changed this visit meanwhile; it has been reloaded.',
    'quote_status.proposed': 'awaiting the customer\'s answer',
    'quote_status.approved': 'approved',
    'quote_status.declined': 'declined',
    'quote_via.phone': 'by phone',
    'quote_via.signature_on_phone': 'signed on the technician\'s phone',
    'quote_via.link': 'through a link',
  },
  zh: {
    'visits.title': '上门服务',
    'visits.window': '上门时段',
    'visits.technician': '工程师',
    'visits.nobody': '尚未派工',
    'visits.user': '用户 {id}',
    'visits.finished': '结束时间',
    'visits.outcome': '结果说明',
    'visits.work_notes': '处理内容',
    'visits.under_warranty': '在保修期内：不收费。',
    'visits.billable': '已过保修期：维修收费。',
    'visits.charged': '实收金额',
    'visits.no_quotes': '此次上门没有报价。',
    'visits.quote': '报价',
    'visits.amount': '金额',
    'visits.made_at': '报价时间',
    'visits.col.description': '项目',
    'visits.col.quantity': '数量',
    'visits.col.unit_price': '单价',
    'visits.col.amount': '金额',
    'visits.approved_by': '批准人',
    'visits.declined_by': '拒绝人',
    'visits.decline_reason': '原因',
    'visits.approve': '记录客户批准',
    'visits.decline': '记录客户拒绝',
    'visits.field.approved_by': '批准的客户联系人',
    'visits.field.approved_at': '批准时间',
    'visits.field.declined_by': '拒绝的客户联系人',
    'visits.field.declined_at': '拒绝时间',
    'visits.field.via': '方式',
    'visits.field.reason': '客户拒绝的原因',
    'visits.field.ends_visit': '本次上门不做维修即结束',
    'visits.approved': '已记录客户批准报价。',
    'visits.declined': '已记录客户拒绝报价。',
    'visits.stale': '他人已修改此上门记录，已重新加载。',
    'quote_status.proposed': '待客户答复',
    'quote_status.approved': '已批准',
    'quote_status.declined': '已拒绝',
    'quote_via.phone': '电话',
    'quote_via.signature_on_phone': '在工程师手机上签字',
    'quote_via.link': '通过链接',
  },
});

/** The roles that record a customer's answer to a quote (as the API's policy has them). */
const ANSWERING = ['agent', 'dispatcher', 'supervisor', 'admin'];
const VIA = ['phone', 'signature_on_phone', 'link'];

/** The current minute as a `datetime-local` value in the browser's zone. */
function localNow() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const money = (amount, currency) => data(currency ? `${number(amount, 2)} ${currency}` : number(amount, 2), 'span', { class: 'amount' });
const fact = (key, ...value) => el('li', {}, el('span', {}, t(key)), ': ', ...value);

/**
 * The section of a ticket's page that shows its visits and their quotes. It is returned at once
 * and filled when the visits are read; a ticket without visits shows nothing.
 */
export function ticketVisits(ticket, zone, reload) {
  const section = el('section', { class: 'ticket-visits', id: 'ticket-visits', 'aria-busy': 'true', hidden: true });
  fill(section, ticket, zone, reload);
  return section;
}

async function fill(section, ticket, zone, reload) {
  try {
    const page = await api.get('/visits', { ticket_id: ticket.id, limit: 50 });
    const quotes = await Promise.all(page.items.map((v) => api.get(`/visits/${v.id}/quotes`)));
    section.replaceChildren(
      el('h3', {}, t('visits.title')),
      el('ol', { class: 'visit-list' }, page.items.map((v, i) => visitItem(v, quotes[i], ticket, zone, reload))));
    section.hidden = page.items.length === 0;
  } catch (err) {
    section.replaceChildren(el('h3', {}, t('visits.title')), el('p', { class: 'form-error' }, errorText(err)));
    section.hidden = false;
  }
  section.removeAttribute('aria-busy');
}

function visitItem(v, quotes, ticket, zone, reload) {
  const technician = v.technician_id
    ? data(v.technician_name ?? t('visits.user', { id: v.technician_id }))
    : el('span', { class: 'muted' }, t('visits.nobody'));
  const warranty = v.under_warranty === true ? 'visits.under_warranty' : v.under_warranty === false ? 'visits.billable' : null;
  return el('li', { class: 'ticket-visit', 'data-visit-id': v.id, 'data-status': v.status },
    el('div', { class: 'line' },
      el('span', {}, el('span', {}, t('visits.window')), ': ', timeEl(v.window_start, zone, true), ' – ', timeEl(v.window_end, zone)),
      el('span', { class: 'badge visit-status' }, term('visit_status', v.status))),
    el('ul', { class: 'facts' },
      fact('visits.technician', technician),
      v.finished_at ? fact('visits.finished', timeEl(v.finished_at, zone, true)) : null,
      v.outcome_reason ? fact('visits.outcome', data(v.outcome_reason)) : null,
      v.work_notes ? fact('visits.work_notes', data(v.work_notes)) : null,
      v.amount_charged !== null && v.amount_charged !== undefined ? fact('visits.charged', money(v.amount_charged)) : null),
    warranty ? el('p', { class: 'muted' }, t(warranty)) : null,
    quotes.length
      ? el('div', { class: 'quotes' }, quotes.map((q) => quoteItem(v, q, ticket, zone, reload)))
      : el('p', { class: 'muted' }, t('visits.no_quotes')));
}

function quoteItem(v, q, ticket, zone, reload) {
  const user = api.currentUser();
  const answering = q.status === 'proposed' && user && ANSWERING.includes(user.role);
  const head = (key) => el('th', {}, t(`visits.col.${key}`));
  const answered = q.answered_by
    ? fact(q.status === 'declined' ? 'visits.declined_by' : 'visits.approved_by',
      data(q.answered_by), ', ', timeEl(q.answered_at, zone, true), q.answered_via ? [', ', term('quote_via', q.answered_via)] : null)
    : null;
  return el('div', { class: 'quote', 'data-quote-id': q.id, 'data-status': q.status },
    el('div', { class: 'line' },
      el('strong', {}, t('visits.quote')), ' ',
      money(q.amount, q.currency), ' ',
      el('span', { class: 'badge quote-status' }, term('quote_status', q.status))),
    el('table', { class: 'list quote-items' },
      el('thead', {}, el('tr', {}, head('description'), head('quantity'), head('unit_price'), head('amount'))),
      el('tbody', {}, q.items.map((i) => el('tr', {},
        el('td', {}, data(i.description)),
        el('td', { class: 'number' }, number(i.quantity)),
        el('td', { class: 'number' }, number(i.unit_price, 2)),
        el('td', { class: 'number' }, number(i.amount, 2)))))),
    el('ul', { class: 'facts' },
      fact('visits.made_at', timeEl(q.made_at, zone, true)),
      answered,
      q.decline_reason ? fact('visits.decline_reason', data(q.decline_reason)) : null),
    answering ? el('div', { class: 'actions quote-actions' }, approveForm(v, q, ticket, reload), declineForm(v, q, ticket, reload)) : null);
}

const field = (key, control) => el('label', {}, t(`visits.field.${key}`), control);
const viaSelect = () => el('select', { name: 'via' }, VIA.map((m) => el('option', { value: m }, term('quote_via', m))));

function approveForm(v, q, ticket, reload) {
  return answerForm(v, q, reload, 'approve', [
    field('approved_by', el('input', { name: 'approved_by', value: ticket.contact_name ?? '', maxLength: 200 })),
    field('approved_at', el('input', { name: 'approved_at', type: 'datetime-local', value: localNow() })),
    field('via', viaSelect()),
  ], (x) => ({ ...x, approved_at: instant(x.approved_at) }));
}

function declineForm(v, q, ticket, reload) {
  return answerForm(v, q, reload, 'decline', [
    field('declined_by', el('input', { name: 'declined_by', value: ticket.contact_name ?? '', maxLength: 200 })),
    field('declined_at', el('input', { name: 'declined_at', type: 'datetime-local', value: localNow() })),
    field('via', viaSelect()),
    field('reason', el('input', { name: 'reason', maxLength: 2000 })),
    el('label', { class: 'inline' }, el('input', { type: 'checkbox', name: 'ends_visit', checked: true }), t('visits.field.ends_visit')),
  ], (x) => ({ ...x, declined_at: instant(x.declined_at), ends_visit: x.ends_visit === 'on' }));
}

/**
 * A step on a quote: a summary that opens its form, which posts the form's values (changed by
 * `shape`) to the quote's `approve` or `decline` with the visit's version, then reloads the page.
 */
function answerForm(v, q, reload, action, fields, shape) {
  const title = t(`visits.${action}`);
  const form = el('form', { noValidate: true, 'data-action': `${action}-quote`, 'data-quote-id': q.id },
    ...fields,
    el('button', { type: 'submit', class: 'primary' }, title),
    el('p', { class: 'form-error', role: 'alert' }));
  form.onsubmit = async (e) => {
    e.preventDefault();
    clearErrors(form);
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await api.postIf(`/visits/${v.id}/quotes/${q.id}/${action}`, shape(values(form)), v.version);
      notice(t(action === 'approve' ? 'visits.approved' : 'visits.declined'));
      await reload();
    } catch (err) {
      button.disabled = false;
      if (err.code === 'precondition_failed') {
        notice(t('visits.stale'), true);
        await reload();
        return;
      }
      showError(form, err);
    }
  };
  return el('details', { class: 'step', 'data-step': `${action}-quote` }, el('summary', {}, title), form);
}
