// The account manager's and the manager's page: the customers (an account manager's own, a
// manager's every one, by account manager), a customer's open tickets and major faults, the
// fault analysis reports sent for them (one opened read-only, as the e-mail told it), the
// customers' survey answers, and a link to the service reports. The API scopes an account
// manager's reports and surveys to their own customers. A customer's notices to its contacts
// (acknowledgement, visit changes, technician on the way, resolved) are switched on or off here
// by its account manager or an admin; others see the switches read-only.

import * as api from './api.js';
import { add, t, term, number, day, minutes, errorText } from './i18n.js';
import { el, notice, showError, clearErrors, values, timeEl, data, pager, list } from './ui.js';
import * as names from './names.js';

const PAGE = 20;
const SHORT = 10;
const $ = (id) => document.getElementById(id);

add({
  en: {
    'accounts.title': 'Customers',
    'accounts.title.mine': 'My customers',
    'accounts.pick': 'Pick a customer to see their open tickets and major faults.',
    'accounts.reports': 'Fault reports sent',
    'accounts.surveys': 'Survey answers',
    'accounts.service_reports': 'Service reports for my customers',
    'accounts.service_reports.all': 'Service reports',
    'accounts.filter.q': 'Name', 'accounts.filter.am': 'Account manager', 'accounts.filter.anyone': 'anyone', 'accounts.filter.submit': 'Filter',
    'accounts.filter.from': 'Answered from', 'accounts.filter.to': 'Answered to', 'accounts.filter.max_score': 'Score',
    'accounts.filter.any_score': 'any score', 'accounts.filter.unsatisfied': '2 or less (dissatisfied)', 'accounts.filter.customer': 'Customer',
    'accounts.filter.every_customer': 'every customer',
    'accounts.col.name': 'Customer', 'accounts.col.tier': 'Tier', 'accounts.col.am': 'Account manager',
    'accounts.col.number': 'Ticket', 'accounts.col.title': 'Title', 'accounts.col.status': 'Status', 'accounts.col.priority': 'Priority',
    'accounts.col.due': 'Resolution due', 'accounts.col.revision': 'Revision', 'accounts.col.sent': 'Sent', 'accounts.col.customer': 'Customer',
    'accounts.col.answered': 'Answered', 'accounts.col.score': 'Score', 'accounts.col.comment': 'Comment', 'accounts.col.source': 'How',
    'accounts.col.opened': 'Opened',
    'accounts.none': 'None.', 'accounts.nobody': 'nobody',
    'accounts.shown': '{shown} of {total} shown',
    'accounts.open_tickets': 'Open tickets', 'accounts.major_faults': 'Major faults',
    'accounts.detail.tier': 'Tier', 'accounts.detail.am': 'Account manager',
    'accounts.breached': 'breached', 'accounts.major_open': 'still open', 'accounts.major_ended': 'ended',
    'accounts.report.title': 'Fault analysis report {number}, revision {revision}',
    'accounts.report.close': 'Close',
    'accounts.report.sent': 'Sent', 'accounts.report.approved': 'Approved',
    'accounts.report.impact': 'Impact', 'accounts.report.timeline': 'How it was handled', 'accounts.report.root_cause': 'Root cause',
    'accounts.report.corrective': 'Corrective actions', 'accounts.report.preventive': 'Preventive actions', 'accounts.report.recipients': 'Sent to',
    'accounts.report.affected': '{customers} customers, {sites} sites, {assets} assets affected; down for {downtime}.',
    'accounts.report.due': 'due {date}', 'accounts.report.owner': 'owner',
    'accounts.report.corrected': 'A later revision corrects this report.',
    'survey_source.link': 'the customer, through the e-mail link', 'survey_source.revisit': 'on the satisfaction call',
    'accounts.notices': 'Notices to the customer', 'accounts.notices.help': 'E-mails to the contact of each ticket, in the contact\'s language. Switch off those this customer does not want.',
    'accounts.notices.acknowledgement': 'Acknowledgement with the ticket number',
    'accounts.notices.visit_changes': 'Visit booked, moved or cancelled (with a calendar invitation)',
    'accounts.notices.on_the_way': 'Technician on the way',
    'accounts.notices.resolved': 'Resolved, with the link to accept the result',
    'accounts.notices.save': 'Save notices', 'accounts.notices.saved': 'The notices of {name} were saved.',
    'accounts.notices.read_only': 'Only the customer\'s account manager or an admin changes these.',
  },
  zh: {
    'accounts.title': '客户',
    'accounts.title.mine': '我的客户',
    'accounts.pick': '选择一个客户，查看其未结工单和重大故障。',
    'accounts.reports': '已发送的故障报告',
    'accounts.surveys': '满意度调查答复',
    'accounts.service_reports': '我的客户的服务报告',
    'accounts.service_reports.all': '服务报告',
    'accounts.filter.q': '名称', 'accounts.filter.am': '客户经理', 'accounts.filter.anyone': '任何人', 'accounts.filter.submit': '筛选',
    'accounts.filter.from': '答复日期从', 'accounts.filter.to': '答复日期至', 'accounts.filter.max_score': '评分',
    'accounts.filter.any_score': '全部评分', 'accounts.filter.unsatisfied': '2 分及以下（不满意）', 'accounts.filter.customer': '客户',
    'accounts.filter.every_customer': '全部客户',
    'accounts.col.name': '客户', 'accounts.col.tier': '等级', 'accounts.col.am': '客户经理',
    'accounts.col.number': '工单', 'accounts.col.title': '标题', 'accounts.col.status': '状态', 'accounts.col.priority': '优先级',
    'accounts.col.due': '解决时限', 'accounts.col.revision': '版本', 'accounts.col.sent': '发送时间', 'accounts.col.customer': '客户',
    'accounts.col.answered': '答复时间', 'accounts.col.score': '评分', 'accounts.col.comment': '意见', 'accounts.col.source': '方式',
    'accounts.col.opened': '发生时间',
    'accounts.none': '无。', 'accounts.nobody': '无',
    'accounts.shown': '显示 {shown} 条，共 {total} 条',
    'accounts.open_tickets': '未结工单', 'accounts.major_faults': '重大故障',
    'accounts.detail.tier': '等级', 'accounts.detail.am': '客户经理',
    'accounts.breached': '已超时', 'accounts.major_open': '仍在处理', 'accounts.major_ended': '已结束',
    'accounts.report.title': '故障分析报告 {number}，第 {revision} 版',
    'accounts.report.close': '关闭',
    'accounts.report.sent': '发送时间', 'accounts.report.approved': '批准时间',
    'accounts.report.impact': '影响', 'accounts.report.timeline': '处理经过', 'accounts.report.root_cause': '根本原因',
    'accounts.report.corrective': '纠正措施', 'accounts.report.preventive': '预防措施', 'accounts.report.recipients': '收件人',
    'accounts.report.affected': '影响 {customers} 个客户、{sites} 个地点、{assets} 台设备；中断 {downtime}。',
    'accounts.report.due': '期限 {date}', 'accounts.report.owner': '负责人',
    'accounts.report.corrected': '此报告已有更正后的新版本。',
    'survey_source.link': '客户通过邮件链接答复', 'survey_source.revisit': '满意度回访时答复',
    'accounts.notices': '发给客户的通知', 'accounts.notices.help': '以联系人的语言发送给每张工单联系人的邮件。关闭该客户不需要的通知。',
    'accounts.notices.acknowledgement': '受理确认（含工单号）',
    'accounts.notices.visit_changes': '上门预约、变更或取消（附日历邀请）',
    'accounts.notices.on_the_way': '工程师已出发',
    'accounts.notices.resolved': '已处理完毕（附确认处理结果的链接）',
    'accounts.notices.save': '保存通知设置', 'accounts.notices.saved': '已保存 {name} 的通知设置。',
    'accounts.notices.read_only': '仅该客户的客户经理或管理员可以修改。',
  },
});

const option = (value, text, selected) => el('option', { value, selected: !!selected }, text);
const label = (key, control) => el('label', {}, t(key), control);

const table = (node, cols, rows, empty = 'accounts.none') => list(node, 'accounts.col', cols, rows, empty);

/** The notice switches, in the order the form shows them. */
const NOTICES = ['acknowledgement', 'visit_changes', 'on_the_way', 'resolved'];

export class Accounts {
  constructor(user) {
    this.user = user;
    this.mine = user.role === 'account_manager';
    this.offset = 0;
    this.reportsOffset = 0;
    this.surveysOffset = 0;
    this.selected = null;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.buildFilters();
  }

  buildFilters() {
    const form = $('account-filters');
    this.amSelect = el('select', { name: 'account_manager_id' }, option('', t('accounts.filter.anyone')));
    form.replaceChildren(
      label('accounts.filter.q', el('input', { name: 'q', type: 'search', maxLength: 200 })),
      this.mine ? '' : label('accounts.filter.am', this.amSelect),
      el('button', { type: 'submit' }, t('accounts.filter.submit')),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = (e) => {
      e.preventDefault();
      this.offset = 0;
      this.loadCustomers();
    };
    const surveys = $('survey-filters');
    this.surveyCustomer = el('select', { name: 'customer_id' }, option('', t('accounts.filter.every_customer')));
    surveys.replaceChildren(
      this.mine ? label('accounts.filter.customer', this.surveyCustomer) : '',
      label('accounts.filter.max_score', el('select', { name: 'max_score' }, option('', t('accounts.filter.any_score')), option('2', t('accounts.filter.unsatisfied')))),
      label('accounts.filter.from', el('input', { name: 'from', type: 'date' })),
      label('accounts.filter.to', el('input', { name: 'to', type: 'date' })),
      el('button', { type: 'submit' }, t('accounts.filter.submit')),
      el('p', { class: 'form-error', role: 'alert' }));
    surveys.onsubmit = (e) => {
      e.preventDefault();
      this.surveysOffset = 0;
      this.loadSurveys();
    };
  }

  async show(rest, entering) {
    if (entering && !this.started) {
      this.started = true;
      this.zone = await names.zone();
      document.querySelector('#view-accounts h1').textContent = t(this.mine ? 'accounts.title.mine' : 'accounts.title');
      $('accounts-links').replaceChildren(el('a', { href: '#sla', id: 'accounts-service-reports' }, t(this.mine ? 'accounts.service_reports' : 'accounts.service_reports.all')));
      if (!this.mine) {
        const ams = (await names.colleagues()).filter((u) => u.role === 'account_manager');
        this.amSelect.append(...ams.map((u) => el('option', { value: u.id, translate: 'no' }, u.display_name)));
      }
    }
    await Promise.all([this.loadCustomers(), this.loadReports(), this.loadSurveys()]);
    const [what, raw] = rest;
    const id = Number(raw);
    if (what === 'customer' && id) this.openCustomer(id);
    if (what === 'report' && id) this.openReport(id);
    if (!what) $('account-report').hidden = true;
  }

  stop() {}

  async loadCustomers() {
    const form = $('account-filters');
    clearErrors(form);
    try {
      const q = values(form);
      if (this.mine) q.account_manager_id = this.user.id;
      const page = await api.get('/customers', { ...q, limit: PAGE, offset: this.offset });
      const ams = await names.many(names.user, page.items.map((c) => c.account_manager_id));
      table($('account-customers'), ['name', 'tier', 'am'], page.items.map((c) => el('tr', {
        class: `row${c.id === this.selected ? ' selected' : ''}`, 'data-customer-id': c.id, tabIndex: 0,
        onclick: () => { location.hash = `#accounts/customer/${c.id}`; },
        onkeydown: (ev) => { if (ev.key === 'Enter') location.hash = `#accounts/customer/${c.id}`; },
      },
      el('td', {}, data(c.name)), el('td', {}, term('customer_tier', c.tier)),
      el('td', {}, c.account_manager_id ? data(ams[c.account_manager_id] ?? '') : el('span', { class: 'muted' }, t('accounts.nobody'))))));
      pager($('account-pager'), page, (o) => { this.offset = o; this.loadCustomers(); });
      if (this.surveyCustomer.options.length === 1 && this.mine) {
        const all = await api.getAll('/customers', { account_manager_id: this.user.id }).catch(() => []);
        this.surveyCustomer.append(...all.map((c) => el('option', { value: c.id, translate: 'no' }, c.name)));
      }
    } catch (err) {
      showError(form, err);
    }
  }

  ticketRows(page, withMajor) {
    return page.items.map((x) => el('tr', { 'data-ticket-id': x.id, 'data-status': x.status },
      el('td', {}, data(x.number)), el('td', {}, data(x.title)),
      el('td', {}, term('status', x.status), x.breached ? [' ', el('span', { class: 'badge slack-breached' }, t('accounts.breached'))] : ''),
      el('td', {}, term('priority', x.priority)),
      el('td', {}, withMajor ? timeEl(x.opened_at ?? x.received_at, this.zone, true) : timeEl(x.resolution_due_at, this.zone, true))));
  }

  async openCustomer(id) {
    this.selected = id;
    for (const r of document.querySelectorAll('#account-customers tr.row')) r.classList.toggle('selected', Number(r.dataset.customerId) === id);
    const panel = $('account-detail');
    try {
      const [c, open, major, notices] = await Promise.all([
        api.get(`/customers/${id}`),
        api.get('/tickets', { customer_id: id, open: true, sort: 'due', limit: SHORT }),
        api.get('/tickets', { customer_id: id, major_fault: true, sort: 'opened', limit: SHORT }),
        api.get(`/customers/${id}/notices`).catch(() => null),
      ]);
      const am = await names.user(c.account_manager_id);
      const shown = (page) => (page.total > page.items.length
        ? el('p', { class: 'muted' }, t('accounts.shown', { shown: number(page.items.length), total: api.totalText(page) })) : null);
      const openTable = el('table', { class: 'list', id: 'account-open-tickets' });
      table(openTable, ['number', 'title', 'status', 'priority', 'due'], this.ticketRows(open, false));
      const majorTable = el('table', { class: 'list', id: 'account-major-faults' });
      table(majorTable, ['number', 'title', 'status', 'priority', 'opened'], this.ticketRows(major, true));
      panel.replaceChildren(...[
        el('h2', {}, data(c.name)),
        el('ul', { class: 'facts' },
          el('li', {}, t('accounts.detail.tier'), ': ', term('customer_tier', c.tier)),
          el('li', {}, t('accounts.detail.am'), ': ', am ? data(am) : t('accounts.nobody'))),
        notices ? this.noticeForm(c, notices) : null,
        el('h3', {}, t('accounts.open_tickets')), openTable, shown(open),
        el('h3', {}, t('accounts.major_faults')), majorTable, shown(major),
      ].filter(Boolean));
    } catch (err) {
      panel.replaceChildren(el('p', { class: 'form-error' }, errorText(err)));
    }
  }

  /** The customer's notice switches: a form for its account manager or an admin, read-only for others. */
  noticeForm(c, n) {
    const editable = this.user.role === 'admin' || (this.user.role === 'account_manager' && c.account_manager_id === this.user.id);
    const form = el('form', { id: 'customer-notices', class: 'customer-notices', 'data-customer-id': c.id },
      el('fieldset', { class: 'choices' }, el('legend', {}, t('accounts.notices')),
        NOTICES.map((k) => el('label', { class: 'inline' },
          el('input', { type: 'checkbox', name: k, id: `notice-${k}`, value: 'true', checked: !!n[k], disabled: !editable }),
          t(`accounts.notices.${k}`)))),
      el('p', { class: 'muted' }, t(editable ? 'accounts.notices.help' : 'accounts.notices.read_only')),
      editable ? el('button', { type: 'submit', id: 'customer-notices-save' }, t('accounts.notices.save')) : null,
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = Object.fromEntries(NOTICES.map((k) => [k, form.elements[k].checked]));
      try {
        const saved = await api.put(`/customers/${c.id}/notices`, body);
        for (const k of NOTICES) form.elements[k].checked = !!saved[k];
        form.dataset.saved = 'true';
        notice(t('accounts.notices.saved', { name: c.name }));
      } catch (err) {
        showError(form, err);
      }
    };
    return form;
  }

  async loadReports() {
    const box = $('account-reports-box');
    try {
      const page = await api.get('/fault-reports', { status: 'sent', limit: SHORT, offset: this.reportsOffset });
      box.hidden = false;
      table($('account-reports'), ['number', 'title', 'customer', 'revision', 'sent'], page.items.map((r) => el('tr', {
        class: 'row', 'data-report-id': r.id, 'data-status': r.status, tabIndex: 0,
        onclick: () => { location.hash = `#accounts/report/${r.id}`; },
        onkeydown: (ev) => { if (ev.key === 'Enter') location.hash = `#accounts/report/${r.id}`; },
      },
      el('td', {}, data(r.ticket_number)), el('td', {}, data(r.ticket_title)), el('td', {}, data(r.customer_name)),
      el('td', {}, number(r.revision)), el('td', {}, timeEl(r.sent_at, this.zone, true)))));
      pager($('account-reports-pager'), page, (o) => { this.reportsOffset = o; this.loadReports(); });
    } catch (err) {
      // A role that may not read fault reports does not see the list.
      box.hidden = err.status === 403;
      if (err.status !== 403) notice(err, true);
    }
  }

  async openReport(id) {
    const panel = $('account-report');
    panel.hidden = false;
    try {
      const r = await api.get(`/fault-reports/${id}`);
      const owners = await names.many(names.user, [...r.corrective_actions, ...r.preventive_actions].map((a) => a.owner_user_id));
      const action = (a) => el('li', {},
        data(a.description), ' · ', t('accounts.report.owner'), ' ', data(a.owner_name ?? owners[a.owner_user_id] ?? ''),
        ' · ', t('accounts.report.due', { date: day(a.due_date) }));
      const i = r.impact;
      panel.replaceChildren(...[
        el('div', { class: 'toolbar' },
          el('h2', { id: 'report-heading', 'data-report-id': r.id, 'data-status': r.status },
            t('accounts.report.title', { number: r.ticket_number, revision: number(r.revision) })),
          el('button', { type: 'button', onclick: () => { location.hash = '#accounts'; } }, t('accounts.report.close'))),
        el('p', {}, data(r.ticket_title), ' · ', data(r.customer_name)),
        r.next_id ? el('p', { class: 'form-error' }, t('accounts.report.corrected')) : null,
        el('ul', { class: 'facts' },
          r.approved_at ? el('li', {}, t('accounts.report.approved'), ': ', timeEl(r.approved_at, this.zone, true)) : null,
          r.sent_at ? el('li', {}, t('accounts.report.sent'), ': ', timeEl(r.sent_at, this.zone, true)) : null),
        el('h3', {}, t('accounts.report.impact')),
        data(i.description, 'p', { class: 'pre' }),
        el('p', {}, t('accounts.report.affected', {
          customers: number(i.customers_affected), sites: number(i.sites_affected), assets: number(i.assets_affected), downtime: minutes(i.downtime_minutes),
        })),
        el('h3', {}, t('accounts.report.timeline')),
        el('ol', { class: 'timeline' }, r.timeline.map((e) => el('li', {}, timeEl(e.at, this.zone, true), ' ', data(e.text)))),
        el('h3', {}, t('accounts.report.root_cause')),
        data(r.root_cause, 'p', { class: 'pre', id: 'report-root-cause' }),
        el('h3', {}, t('accounts.report.corrective')),
        el('ul', {}, r.corrective_actions.map(action)),
        el('h3', {}, t('accounts.report.preventive')),
        el('ul', {}, r.preventive_actions.map(action)),
        el('h3', {}, t('accounts.report.recipients')),
        el('ul', { id: 'report-recipients' }, r.recipients.map((x) => el('li', {}, data(`${x.name} <${x.email}>`)))),
      ].filter(Boolean));
      panel.scrollIntoView({ block: 'nearest' });
    } catch (err) {
      panel.replaceChildren(el('p', { class: 'form-error' }, errorText(err)));
    }
  }

  async loadSurveys() {
    const box = $('account-surveys-box');
    const form = $('survey-filters');
    clearErrors(form);
    try {
      const page = await api.get('/surveys', { ...values(form), limit: PAGE, offset: this.surveysOffset });
      box.hidden = false;
      table($('account-surveys'), ['answered', 'customer', 'number', 'score', 'comment', 'source'], page.items.map((s) => el('tr', {
        'data-survey-id': s.id, 'data-score': s.score, class: s.score <= 2 ? 'slack-breached' : '',
      },
      el('td', {}, timeEl(s.answered_at, this.zone, true)), el('td', {}, data(s.customer_name)), el('td', {}, data(s.ticket_number)),
      el('td', {}, t(`score.${s.score}`)), el('td', {}, data(s.comment ?? '')), el('td', {}, term('survey_source', s.source)))));
      pager($('account-surveys-pager'), page, (o) => { this.surveysOffset = o; this.loadSurveys(); });
    } catch (err) {
      box.hidden = err.status === 403;
      if (err.status !== 403) showError(form, err);
    }
  }
}
