// The e-mail intake queue (hotline agents): messages from senders who are no customer's contact
// yet, newest first; each opens with its text and files, and is turned into a ticket for a
// customer found (or a new one), or discarded with a reason — with the API's validation errors
// next to the field they name.

import * as api from './api.js';
import { add, t, term } from './i18n.js';
import { el, notice, showError, clearErrors, values, timeEl, data, pager, list } from './ui.js';
import * as names from './names.js';
import { customerPicker } from './lookup.js';
import { downloadLink } from './mail.js';

const PAGE = 25;
const $ = (id) => document.getElementById(id);

add({
  en: {
    'nav.intake': 'E-mail intake',
    'intake.title': 'E-mail intake',
    'intake.col.received': 'Received',
    'intake.col.from': 'From',
    'intake.col.subject': 'Subject',
    'intake.col.files': 'Files',
    'intake.none': 'No e-mail is waiting.',
    'intake.pick': 'Pick a message to read it.',
    'intake.open': 'Open',
    'intake.reason': 'Why it waits here',
    'intake.refused': 'Not kept: {name} ({why})',
    'intake.convert': 'Make it a ticket',
    'intake.customer': 'Customer',
    'intake.new_customer': 'Or a new customer named',
    'intake.tier': 'New customer\'s tier',
    'intake.add_contact': 'Add the sender as the customer\'s contact',
    'intake.title_field': 'Title',
    'intake.priority': 'Priority',
    'intake.kind': 'Request kind',
    'intake.converted': 'Ticket {number} opened.',
    'intake.discard': 'Discard',
    'intake.discard_reason': 'Reason',
    'intake.discarded': 'Message discarded.',
    'intake.open_ticket': 'Open the ticket',
    'refused.too_large': 'too large',
    'refused.too_many': 'too many files',
  },
  zh: {
    'nav.intake': '邮件受理',
    'intake.title': '邮件受理',
    'intake.col.received': '收到时间',
    'intake.col.from': '发件人',
    'intake.col.subject': '主题',
    'intake.col.files': '附件',
    'intake.none': '没有待处理的邮件。',
    'intake.pick': '选择一封邮件查看。',
    'intake.open': '打开',
    'intake.reason': '待处理原因',
    'intake.refused': '未保存：{name}（{why}）',
    'intake.convert': '转为工单',
    'intake.customer': '客户',
    'intake.new_customer': '或新建客户，名称',
    'intake.tier': '新客户等级',
    'intake.add_contact': '将发件人添加为客户联系人',
    'intake.title_field': '标题',
    'intake.priority': '优先级',
    'intake.kind': '请求类型',
    'intake.converted': '已创建工单 {number}。',
    'intake.discard': '丢弃',
    'intake.discard_reason': '原因',
    'intake.discarded': '邮件已丢弃。',
    'intake.open_ticket': '打开工单',
    'refused.too_large': '过大',
    'refused.too_many': '附件过多',
  },
});

const TIERS = ['standard', 'silver', 'gold', 'diamond', 'platinum'];
const PRIORITIES = ['p1', 'p2', 'p3', 'p4'];
const KINDS = ['fault', 'enquiry', 'complaint', 'suggestion'];

export class Intake {
  constructor(user) {
    this.user = user;
    this.offset = 0;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  async show([id], entering) {
    this.zone = await names.zone();
    if (entering || !id) await this.load();
    if (id) this.open(Number(id));
    else $('intake-detail').replaceChildren(el('p', { class: 'muted' }, t('intake.pick')));
  }

  async load() {
    try {
      const page = await api.get('/intake', { outcome: 'intake', limit: PAGE, offset: this.offset });
      const rows = page.items.map((m) => el('tr', { class: 'row', 'data-message-id': m.id },
        el('td', {}, timeEl(m.received_at, this.zone, true)),
        el('td', {}, data(m.from_name ? `${m.from_name} <${m.from_address}>` : m.from_address)),
        el('td', {}, el('a', { href: `#intake/${m.id}` }, data(m.subject || '—'))),
        el('td', {}, String(m.attachments.length))));
      list($('intake-list'), 'intake.col', ['received', 'from', 'subject', 'files'], rows, 'intake.none');
      pager($('intake-pager'), page, (o) => { this.offset = o; this.load(); });
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  async open(id) {
    try {
      const m = await api.get(`/intake/${id}`);
      this.render(m);
    } catch (err) {
      $('intake-detail').replaceChildren(el('p', { class: 'form-error' }, err.message));
    }
  }

  render(m) {
    const field = (label, input) => el('label', {}, el('span', {}, t(label)), ' ', input);
    const select = (name, options, prefix, chosen) => el('select', { name },
      options.map((o) => el('option', { value: o, selected: o === chosen }, term(prefix, o))));
    const picker = customerPicker('customer_id', { id: 'intake-customer' });
    const convert = el('form', { class: 'step', id: 'intake-convert', novalidate: true },
      el('h3', {}, t('intake.convert')),
      field('intake.customer', picker.node),
      field('intake.new_customer', el('input', { name: 'new_customer_name', size: 28 })),
      field('intake.tier', select('new_customer_tier', TIERS, 'customer_tier', 'standard')),
      el('label', { class: 'inline' }, el('input', { type: 'checkbox', name: 'add_contact', checked: true }), ' ', t('intake.add_contact')),
      field('intake.title_field', el('input', { name: 'title', size: 40, value: m.subject })),
      field('intake.kind', select('kind', KINDS, 'kind', 'fault')),
      field('intake.priority', select('priority', PRIORITIES, 'priority', 'p3')),
      el('button', { type: 'submit' }, t('intake.convert')));
    convert.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(convert);
      const v = values(convert);
      const body = { kind: v.kind, priority: v.priority, title: v.title, add_contact: convert.elements.add_contact.checked };
      if (v.customer_id) body.customer_id = Number(v.customer_id);
      else if (v.new_customer_name) body.new_customer = { name: v.new_customer_name, tier: v.new_customer_tier };
      try {
        const done = await api.post(`/intake/${m.id}/convert`, body);
        const number = await names.ticket(done.ticket_id);
        notice(t('intake.converted', { number }));
        await this.load();
        this.render(done);
      } catch (err) {
        showError(convert, err.field === 'new_customer' ? { ...err, field: 'new_customer_name' } : err);
      }
    });
    const discard = el('form', { class: 'step', id: 'intake-discard', novalidate: true },
      el('h3', {}, t('intake.discard')),
      field('intake.discard_reason', el('input', { name: 'reason', size: 40 })),
      el('button', { type: 'submit' }, t('intake.discard')));
    discard.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(discard);
      try {
        const done = await api.post(`/intake/${m.id}/discard`, { reason: discard.elements.reason.value });
        notice(t('intake.discarded'));
        await this.load();
        this.render(done);
      } catch (err) {
        showError(discard, err);
      }
    });
    const waiting = m.outcome === 'intake';
    $('intake-detail').replaceChildren(...[
      el('h2', {}, data(m.subject || '—')),
      el('p', {}, data(m.from_name ? `${m.from_name} <${m.from_address}>` : m.from_address), ' · ', timeEl(m.received_at, this.zone, true)),
      m.reason ? el('p', { class: 'muted' }, t('intake.reason'), ': ', data(m.reason)) : null,
      data(m.text ?? m.excerpt, 'pre', { class: 'mail-text' }),
      m.attachments.length ? el('ul', { class: 'files' }, m.attachments.map((a) => el('li', {}, a.ticket_id ? downloadLink(a) : data(a.filename)))) : null,
      m.refused.length ? el('ul', { class: 'muted' }, m.refused.map((r) => el('li', {}, t('intake.refused', { name: r.filename, why: t(`refused.${r.reason}`) })))) : null,
      m.ticket_id ? el('p', { class: 'links' }, el('a', { href: `#tickets/${m.ticket_id}`, 'data-ticket-id': m.ticket_id }, t('intake.open_ticket'))) : null,
      waiting ? convert : null,
      waiting ? discard : null,
    ].filter(Boolean));
  }
}
