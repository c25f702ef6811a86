// Major faults, for the supervisors and managers who track them and the account managers who are
// told of them: the list (open ones first, longest-running first), one fault with its handling
// plan and the notices e-mailed about it, and — for supervisors and managers — a new handling
// plan (a follow-up notice), the fault's end (the closing notice), and, once it has ended, the
// start of its fault analysis report.

import * as api from './api.js';
import { add, t, term, number, errorText, minutes } from './i18n.js';
import { el, notice, showError, clearErrors, values, instant, timeEl, data, pager, list } from './ui.js';
import * as names from './names.js';

const PAGE = 25;
const ACTORS = ['supervisor', 'manager', 'admin'];
const REPORT_LEADS = ['supervisor', 'admin'];
const $ = (id) => document.getElementById(id);

add({
  en: {
    'nav.majorfaults': 'Major faults',
    'mf.title': 'Major faults',
    'mf.pick': 'Pick a major fault to follow it.',
    'mf.tab.open': 'Open', 'mf.tab.ended': 'Ended', 'mf.tab.all': 'All',
    'mf.col.ticket': 'Ticket', 'mf.col.customer': 'Customer', 'mf.col.location': 'Location', 'mf.col.since': 'Occurred',
    'mf.col.elapsed': 'Duration', 'mf.col.updates': 'Updates', 'mf.col.state': 'State',
    'mf.state.open': 'ongoing', 'mf.state.ended': 'ended',
    'mf.none': 'No major fault here.',
    'mf.summary.open': 'Ongoing for {elapsed}.', 'mf.summary.ended': 'Ended after {elapsed}.',
    'mf.customer': 'Customer', 'mf.location': 'Location', 'mf.occurred_at': 'Occurred', 'mf.reported': 'Reported by',
    'mf.ended': 'Ended', 'mf.reason': 'Why it is a major fault', 'mf.extra': 'Also told',
    'mf.symptoms': 'Symptoms', 'mf.plan': 'Handling plan', 'mf.end_summary': 'How it ended',
    'mf.updates': 'Handling-plan updates sent: {count}',
    'mf.open_ticket': 'Open the ticket',
    'mf.notices': 'Notices e-mailed', 'mf.notices_none': 'Nobody with an e-mail address could be told.',
    'mf.col.kind': 'Notice', 'mf.col.to': 'To', 'mf.col.status': 'Status', 'mf.col.created': 'Written', 'mf.col.sent': 'Sent',
    'mf.mail.major_fault_notice': 'first notice', 'mf.mail.major_fault_update': 'update', 'mf.mail.major_fault_end': 'end',
    'outbox_status.pending': 'waiting to be sent', 'outbox_status.sent': 'sent', 'outbox_status.dead': 'failed', 'outbox_status.cancelled': 'cancelled',
    'mf.steps': 'Next steps', 'mf.no_steps': 'Nothing is left to do here.',
    'mf.action.update': 'Send a new handling plan', 'mf.action.end': 'End the major fault', 'mf.action.report': 'Start the fault analysis report',
    'mf.action.done': '{action}: done.',
    'mf.report': 'Fault analysis report', 'mf.report_open': 'Revision {revision}, {status}: open it',
    'mf.report_after_end': 'The fault analysis report is started once the fault has ended.',
    'mf.author_me': 'me',
    'field.ended_at': 'Ended at (empty: now)', 'field.summary': 'How it ended',
  },
  zh: {
    'nav.majorfaults': '重大故障',
    'mf.title': '重大故障',
    'mf.pick': '选择一个重大故障进行跟踪。',
    'mf.tab.open': '进行中', 'mf.tab.ended': '已结束', 'mf.tab.all': '全部',
    'mf.col.ticket': '工单', 'mf.col.customer': '客户', 'mf.col.location': '位置', 'mf.col.since': '发生时间',
    'mf.col.elapsed': '持续时长', 'mf.col.updates': '进展通报', 'mf.col.state': '状态',
    'mf.state.open': '进行中', 'mf.state.ended': '已结束',
    'mf.none': '此处没有重大故障。',
    'mf.summary.open': '已持续 {elapsed}。', 'mf.summary.ended': '持续 {elapsed} 后结束。',
    'mf.customer': '客户', 'mf.location': '位置', 'mf.occurred_at': '发生时间', 'mf.reported': '申报人',
    'mf.ended': '结束', 'mf.reason': '列为重大故障的原因', 'mf.extra': '另行通知',
    'mf.symptoms': '故障现象', 'mf.plan': '处理方案', 'mf.end_summary': '结束说明',
    'mf.updates': '已发送方案更新：{count} 次',
    'mf.open_ticket': '打开工单',
    'mf.notices': '已发邮件通知', 'mf.notices_none': '没有可通知的电子邮件地址。',
    'mf.col.kind': '通知', 'mf.col.to': '收件人', 'mf.col.status': '状态', 'mf.col.created': '生成时间', 'mf.col.sent': '发送时间',
    'mf.mail.major_fault_notice': '首次通知', 'mf.mail.major_fault_update': '进展更新', 'mf.mail.major_fault_end': '结束通知',
    'outbox_status.pending': '待发送', 'outbox_status.sent': '已发送', 'outbox_status.dead': '发送失败', 'outbox_status.cancelled': '已取消',
    'mf.steps': '下一步', 'mf.no_steps': '此处已无待办步骤。',
    'mf.action.update': '发送新的处理方案', 'mf.action.end': '结束重大故障', 'mf.action.report': '开始撰写故障分析报告',
    'mf.action.done': '{action}：已完成。',
    'mf.report': '故障分析报告', 'mf.report_open': '第 {revision} 版，{status}：打开',
    'mf.report_after_end': '故障结束后才能开始撰写故障分析报告。',
    'mf.author_me': '我',
    'field.ended_at': '结束时间（留空为现在）', 'field.summary': '结束说明',
  },
});

const label = (key, control) => el('label', {}, t(`field.${key}`), control);

export class MajorFaults {
  constructor(user) {
    this.user = user;
    this.open_ = 'true';
    this.offset = 0;
    this.selected = null;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    $('mf-tabs').replaceChildren(...[['open', 'true'], ['ended', 'false'], ['all', '']].map(([key, v]) => el('button', {
      type: 'button', role: 'tab', 'data-open-filter': key, 'aria-selected': String(v === this.open_),
      onclick: () => this.useFilter(v),
    }, t(`mf.tab.${key}`))));
  }

  get acts() {
    return ACTORS.includes(this.user.role);
  }

  useFilter(v) {
    this.open_ = v;
    this.offset = 0;
    const keys = { true: 'open', false: 'ended', '': 'all' };
    for (const b of $('mf-tabs').children) b.setAttribute('aria-selected', String(b.dataset.openFilter === keys[v]));
    this.load();
  }

  async show(rest, entering) {
    if (entering && !this.started) {
      this.started = true;
      this.zone = await names.zone();
    }
    this.load();
    const id = Number(rest[0]);
    if (id) this.openFault(id);
  }

  stop() {}

  async load() {
    // Only the latest request draws the list (a tab clicked while the last one loads).
    const seq = (this.seq = (this.seq ?? 0) + 1);
    try {
      const page = await api.get('/major-faults', { open: this.open_, limit: PAGE, offset: this.offset });
      if (seq === this.seq) this.renderList(page);
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  renderList(page) {
    const cols = ['ticket', 'customer', 'location', 'since', 'elapsed', 'updates', 'state'];
    const go = (f) => { location.hash = `#majorfaults/${f.ticket_id}`; };
    const rows = page.items.map((f) => el('tr', {
      class: `row${f.ticket_id === this.selected ? ' selected' : ''}${f.open ? ' slack-risk' : ''}`,
      'data-ticket-id': f.ticket_id, 'data-open': String(f.open), tabIndex: 0,
      onclick: () => go(f), onkeydown: (ev) => { if (ev.key === 'Enter') go(f); },
    },
    el('td', {}, data(f.ticket_number)), el('td', {}, data(f.customer_name)), el('td', {}, data(f.location)),
    el('td', {}, timeEl(f.occurred_at, this.zone, true)), el('td', {}, minutes(f.elapsed_minutes)),
    el('td', {}, data(number(f.updates))), el('td', {}, t(f.open ? 'mf.state.open' : 'mf.state.ended'))));
    list($('mf-list'), 'mf.col', cols, rows, 'mf.none');
    pager($('mf-pager'), page, (o) => { this.offset = o; this.load(); });
  }

  async openFault(ticketId) {
    this.selected = ticketId;
    try {
      const f = await api.get(`/tickets/${ticketId}/major-fault`);
      // The ticket's reports, when the reader may see them (the latest revision first).
      const reports = f.open ? null : await api.get('/fault-reports', { ticket_id: ticketId, limit: 1 }).catch(() => null);
      const people = !f.open && !reports?.items.length && REPORT_LEADS.includes(this.user.role)
        ? await api.getAll('/users/directory').catch(() => [])
        : [];
      this.renderDetail(f, reports, people);
      for (const r of document.querySelectorAll('#mf-list tr.row')) r.classList.toggle('selected', Number(r.dataset.ticketId) === ticketId);
    } catch (err) {
      $('mf-detail').replaceChildren(el('p', { class: 'form-error' }, errorText(err)));
    }
  }

  renderDetail(f, reports, people) {
    const fact = (key, value) => (value ? el('li', {}, el('span', {}, t(`mf.${key}`)), ': ', value) : null);
    const text = (key, value) => (value ? [el('h3', {}, t(`mf.${key}`)), data(value, 'p', { class: 'prewrap' })] : null);
    const steps = this.steps(f, reports, people);
    $('mf-detail').replaceChildren(...[
      el('h2', {}, data(f.ticket_number), ' · ', data(f.customer_name)),
      el('p', { id: 'mf-state', 'data-open': String(f.open), 'data-ticket-id': f.ticket_id },
        t(f.open ? 'mf.summary.open' : 'mf.summary.ended', { elapsed: minutes(f.elapsed_minutes) })),
      el('ul', { class: 'facts' },
        fact('location', data(f.location)),
        fact('occurred_at', timeEl(f.occurred_at, this.zone, true)),
        fact('reported', [data(f.reported_by_name), ' · ', timeEl(f.reported_at, this.zone, true)]),
        f.ended_at ? fact('ended', [timeEl(f.ended_at, this.zone, true), ...(f.ended_by_name ? [' · ', data(f.ended_by_name)] : [])]) : null,
        f.reason ? fact('reason', data(f.reason)) : null,
        f.extra_recipients.length ? fact('extra', data(f.extra_recipients.join(', '))) : null),
      el('p', { class: 'links' }, el('a', { href: `#tickets/${f.ticket_id}` }, t('mf.open_ticket'))),
      text('symptoms', f.symptoms),
      text('plan', f.handling_plan),
      el('p', { class: 'muted' }, t('mf.updates', { count: number(f.updates) })),
      text('end_summary', f.end_summary),
      el('h3', {}, t('mf.notices')),
      f.notices.length ? el('table', { class: 'list', id: 'mf-notices' },
        el('thead', {}, el('tr', {}, ['kind', 'to', 'status', 'created', 'sent'].map((c) => el('th', {}, t(`mf.col.${c}`))))),
        el('tbody', {}, f.notices.map((n) => el('tr', { 'data-kind': n.kind },
          el('td', {}, t(`mf.mail.${n.kind}`)), el('td', {}, data(n.recipients.join(', '))),
          el('td', {}, term('outbox_status', n.status)), el('td', {}, timeEl(n.created_at, this.zone, true)),
          el('td', {}, timeEl(n.sent_at, this.zone, true))))))
        : el('p', { class: 'muted' }, t('mf.notices_none')),
      reports?.items.length ? [
        el('h3', {}, t('mf.report')),
        el('p', {}, el('a', { href: `#faultreports/${reports.items[0].id}`, 'data-report-id': reports.items[0].id },
          t('mf.report_open', { revision: number(reports.items[0].revision), status: term('report_status', reports.items[0].status) }))),
      ] : null,
      el('h3', {}, t('mf.steps')),
      steps.length ? el('div', { class: 'actions', id: 'mf-actions' }, steps) : el('p', { class: 'muted' }, t('mf.no_steps')),
    ].flat().filter(Boolean));
  }

  steps(f, reports, people) {
    const out = [];
    if (f.open && this.acts) {
      out.push(this.step(f, 'update', [
        label('handling_plan', el('textarea', { name: 'handling_plan', rows: 3, maxLength: 4000, value: f.handling_plan })),
        label('note', el('textarea', { name: 'note', rows: 2, maxLength: 4000 })),
      ], (form) => ({ handling_plan: form.elements.handling_plan.value, note: form.elements.note.value.trim() || undefined }),
      `/tickets/${f.ticket_id}/major-fault/updates`));
      out.push(this.step(f, 'end', [
        label('ended_at', el('input', { name: 'ended_at', type: 'datetime-local' })),
        label('summary', el('textarea', { name: 'summary', rows: 2, maxLength: 4000 })),
      ], (form) => {
        const v = values(form);
        return { ended_at: instant(v.ended_at), summary: v.summary };
      }, `/tickets/${f.ticket_id}/major-fault/end`));
      if (REPORT_LEADS.includes(this.user.role)) out.push(el('p', { class: 'muted' }, t('mf.report_after_end')));
    }
    if (!f.open && reports && !reports.items.length && REPORT_LEADS.includes(this.user.role)) {
      const authors = people.filter((u) => ['supervisor', 'technician'].includes(u.role) && u.id !== this.user.id);
      out.push(this.step(f, 'report', [
        label('author_id', el('select', { name: 'author_id' },
          el('option', { value: '' }, t('mf.author_me')),
          authors.map((u) => el('option', { value: u.id, translate: 'no' }, `${u.display_name} · ${term('role', u.role)}`)))),
      ], (form) => ({ ticket_id: f.ticket_id, author_id: form.elements.author_id.value ? Number(form.elements.author_id.value) : undefined }),
      '/fault-reports', (out) => { location.hash = `#faultreports/${out.id}`; }));
    }
    return out;
  }

  /** A step: `<details data-step>` with a `<form data-action>` posting `shape(form)` to `path`. */
  step(f, action, fields, shape, path, after = null) {
    const title = t(`mf.action.${action}`);
    const form = el('form', { noValidate: true, 'data-action': action }, ...fields,
      el('button', { type: 'submit', class: 'primary' }, title),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      try {
        const out = await api.post(path, shape(form));
        notice(t('mf.action.done', { action: title }));
        if (after) {
          after(out);
          return;
        }
        await Promise.all([this.load(), this.openFault(f.ticket_id)]);
      } catch (err) {
        button.disabled = false;
        showError(form, err);
      }
    };
    return el('details', { class: 'step', 'data-step': action }, el('summary', {}, title), form);
  }
}
