// Fault analysis reports, for the supervisors who lead them and the managers who read them: the
// list by status, a report with its impact, handling timeline, root cause and actions (names, not
// ids), and each step of its review that its state and the reader allow — edit a draft or a
// returned report, submit it, approve it or return it with a reason, preview the e-mail the
// account manager and the customer will get, send it, start a corrected revision — with the
// API's errors next to the field they name.

import * as api from './api.js';
import { add, t, term, number, errorText, fieldName, minutes, day } from './i18n.js';
import { el, notice, showError, clearErrors, timeEl, data, pager, list } from './ui.js';
import * as names from './names.js';

const PAGE = 25;
const STATUSES = ['draft', 'submitted', 'returned', 'approved', 'sent'];
const EDITABLE = ['draft', 'returned'];
const LEADS = ['supervisor', 'admin'];
const $ = (id) => document.getElementById(id);

add({
  en: {
    'nav.faultreports': 'Fault reports',
    'fr.title': 'Fault analysis reports',
    'fr.pick': 'Pick a report to read it.',
    'fr.tab.all': 'All',
    'report_status.draft': 'draft', 'report_status.submitted': 'waiting for review', 'report_status.returned': 'returned to the author',
    'report_status.approved': 'approved', 'report_status.sent': 'sent',
    'fr.col.ticket': 'Ticket', 'fr.col.customer': 'Customer', 'fr.col.revision': 'Revision', 'fr.col.status': 'Status',
    'fr.col.author': 'Author', 'fr.col.updated': 'Last change',
    'fr.none': 'No report here.',
    'fr.summary': 'Revision {revision}, {status}.',
    'fr.customer': 'Customer', 'fr.author': 'Author', 'fr.reviewer': 'Reviewed by', 'fr.submitted_at': 'Submitted',
    'fr.reviewed_at': 'Reviewed', 'fr.approved_at': 'Approved', 'fr.sent_at': 'Sent', 'fr.sent_by': 'Sent by',
    'fr.user': 'user {id}',
    'fr.open_ticket': 'Open the ticket', 'fr.open_fault': 'The major fault', 'fr.previous': 'The revision it corrects', 'fr.next': 'The revision that corrects it',
    'fr.review_comments': 'Comments of the review',
    'fr.impact': 'Impact', 'fr.impact_counts': 'Customers affected: {customers} · sites: {sites} · assets: {assets} · downtime: {downtime}',
    'fr.timeline': 'Handling timeline', 'fr.root_cause': 'Root cause', 'fr.corrective': 'Corrective actions', 'fr.preventive': 'Preventive actions',
    'fr.empty': 'Not written yet.',
    'fr.col.action': 'What', 'fr.col.owner': 'Owner', 'fr.col.due': 'Due by',
    'fr.contacts': 'Customer contacts who receive it', 'fr.contacts_none': 'Only the account manager.',
    'fr.recipients': 'Sent to', 'fr.col.name': 'Name', 'fr.col.email': 'E-mail', 'fr.col.language': 'Language',
    'fr.steps': 'Next steps', 'fr.no_steps': 'Nothing is left to do on this report.',
    'fr.own_report': 'You wrote this report: another supervisor reviews it.',
    'fr.corrected': 'A newer revision corrects this report: work on that one.',
    'fr.action.edit': 'Edit the report', 'fr.action.submit': 'Submit for review', 'fr.action.approve': 'Approve',
    'fr.action.return': 'Return to the author', 'fr.action.send': 'Send by e-mail', 'fr.action.revise': 'Start a corrected revision',
    'fr.action.preview': 'Preview the e-mail',
    'fr.action.done': '{action}: done.',
    'fr.stale': 'Someone changed this report meanwhile; it has been reloaded.',
    'fr.add_entry': 'Add an entry', 'fr.add_action': 'Add an action', 'fr.remove': 'Remove',
    'fr.owner_named': 'someone else (name them)', 'fr.author_keep': 'keep the author',
    'fr.no_email': '(no e-mail address)',
    'fr.save': 'Save',
    'fr.preview.loading': 'Rendering the e-mail…',
    'fr.preview.intro': 'Sending writes {count} e-mail(s), one per language its readers chose; the report is attached as an HTML document.',
    'fr.preview.to': 'To', 'fr.preview.subject': 'Subject', 'fr.preview.attachment': 'Attachment', 'fr.preview.language': 'Language',
    'mail_language.zh': 'Chinese', 'mail_language.en': 'English',
    'field.description': 'Description', 'field.customers_affected': 'Customers affected', 'field.sites_affected': 'Sites affected',
    'field.assets_affected': 'Assets affected', 'field.downtime_minutes': 'Downtime (minutes)', 'field.root_cause': 'Root cause',
    'field.at': 'When', 'field.text': 'What happened', 'field.owner_user_id': 'Owner', 'field.owner_name': 'Owner\'s name',
    'field.due_date': 'Due by', 'field.contact_ids': 'Contacts', 'field.author_id': 'Author', 'field.comments': 'Comments',
    'field.corrective_actions': 'Corrective actions', 'field.preventive_actions': 'Preventive actions', 'field.timeline': 'Handling timeline',
    'field.impact': 'Impact',
  },
  zh: {
    'nav.faultreports': '报告审核',
    'fr.title': '故障分析报告',
    'fr.pick': '选择一份报告查看。',
    'fr.tab.all': '全部',
    'report_status.draft': '草稿', 'report_status.submitted': '待审核', 'report_status.returned': '已退回撰写人',
    'report_status.approved': '已批准', 'report_status.sent': '已发送',
    'fr.col.ticket': '工单', 'fr.col.customer': '客户', 'fr.col.revision': '版本', 'fr.col.status': '状态',
    'fr.col.author': '撰写人', 'fr.col.updated': '最近修改',
    'fr.none': '此处没有报告。',
    'fr.summary': '第 {revision} 版，{status}。',
    'fr.customer': '客户', 'fr.author': '撰写人', 'fr.reviewer': '审核人', 'fr.submitted_at': '提交时间',
    'fr.reviewed_at': '审核时间', 'fr.approved_at': '批准时间', 'fr.sent_at': '发送时间', 'fr.sent_by': '发送人',
    'fr.user': '用户 {id}',
    'fr.open_ticket': '打开工单', 'fr.open_fault': '重大故障', 'fr.previous': '被更正的版本', 'fr.next': '更正它的版本',
    'fr.review_comments': '审核意见',
    'fr.impact': '影响', 'fr.impact_counts': '受影响客户：{customers} · 地点：{sites} · 设备：{assets} · 中断时长：{downtime}',
    'fr.timeline': '处理经过', 'fr.root_cause': '根本原因', 'fr.corrective': '纠正措施', 'fr.preventive': '预防措施',
    'fr.empty': '尚未填写。',
    'fr.col.action': '措施', 'fr.col.owner': '负责人', 'fr.col.due': '完成期限',
    'fr.contacts': '接收报告的客户联系人', 'fr.contacts_none': '仅客户经理。',
    'fr.recipients': '已发送给', 'fr.col.name': '姓名', 'fr.col.email': '电子邮件', 'fr.col.language': '语言',
    'fr.steps': '下一步', 'fr.no_steps': '此报告已无待办步骤。',
    'fr.own_report': '此报告由您撰写，须由另一位主管审核。',
    'fr.corrected': '已有更新的版本更正此报告，请在新版本上操作。',
    'fr.action.edit': '编辑报告', 'fr.action.submit': '提交审核', 'fr.action.approve': '批准',
    'fr.action.return': '退回撰写人', 'fr.action.send': '发送邮件', 'fr.action.revise': '开始更正版本',
    'fr.action.preview': '预览邮件',
    'fr.action.done': '{action}：已完成。',
    'fr.stale': '他人已修改此报告，已重新加载。',
    'fr.add_entry': '添加记录', 'fr.add_action': '添加措施', 'fr.remove': '删除',
    'fr.owner_named': '其他人（填写姓名）', 'fr.author_keep': '保持撰写人不变',
    'fr.no_email': '（无电子邮件地址）',
    'fr.save': '保存',
    'fr.preview.loading': '正在生成邮件……',
    'fr.preview.intro': '发送时将生成 {count} 封邮件，每种语言一封；报告作为 HTML 文档附在邮件中。',
    'fr.preview.to': '收件人', 'fr.preview.subject': '主题', 'fr.preview.attachment': '附件', 'fr.preview.language': '语言',
    'mail_language.zh': '中文', 'mail_language.en': '英文',
    'field.description': '描述', 'field.customers_affected': '受影响客户数', 'field.sites_affected': '受影响地点数',
    'field.assets_affected': '受影响设备数', 'field.downtime_minutes': '中断时长（分钟）', 'field.root_cause': '根本原因',
    'field.at': '时间', 'field.text': '经过', 'field.owner_user_id': '负责人', 'field.owner_name': '负责人姓名',
    'field.due_date': '完成期限', 'field.contact_ids': '联系人', 'field.author_id': '撰写人', 'field.comments': '意见',
    'field.corrective_actions': '纠正措施', 'field.preventive_actions': '预防措施', 'field.timeline': '处理经过',
    'field.impact': '影响',
  },
});

const option = (value, text, selected) => el('option', { value, selected: !!selected }, text);
const label = (key, control) => el('label', {}, t(`field.${key}`), control);

/** A `datetime-local` value of a moment, in the browser's zone. */
function localInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A step's outcome: an error on its form, or a reload of the report (412: reloaded with a notice). */
async function attempt(form, action, done) {
  clearErrors(form);
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = true;
  try {
    // An action that went elsewhere (a new revision's page) answers true: nothing to reload.
    if (!(await action())) await done(null);
  } catch (err) {
    if (button) button.disabled = false;
    if (err.code === 'precondition_failed') {
      await done(err);
      return;
    }
    showError(form, err);
  }
}

export class FaultReports {
  constructor(user) {
    this.user = user;
    this.status = '';
    this.offset = 0;
    this.selected = null;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.people = null;
    $('fr-tabs').replaceChildren(...['', ...STATUSES].map((s) => el('button', {
      type: 'button', role: 'tab', 'data-status-filter': s || 'all', 'aria-selected': String(s === this.status),
      onclick: () => this.useStatus(s),
    }, s ? term('report_status', s) : t('fr.tab.all'))));
  }

  /** The lead roles act; the others read. */
  get leads() {
    return LEADS.includes(this.user.role);
  }

  useStatus(s) {
    this.tab(s);
    this.load();
  }

  /** The list's tab for status `s` ('' for every report), without loading it. */
  tab(s) {
    this.status = s;
    this.offset = 0;
    for (const b of $('fr-tabs').children) b.setAttribute('aria-selected', String((b.dataset.statusFilter === 'all' ? '' : b.dataset.statusFilter) === s));
  }

  async show(rest, entering) {
    if (entering && !this.started) {
      this.started = true;
      this.zone = await names.zone();
    }
    this.load();
    const id = Number(rest[0]);
    if (id) this.open(id);
  }

  stop() {}

  async load() {
    // Only the latest request draws the list (a tab clicked while the last one loads).
    const seq = (this.seq = (this.seq ?? 0) + 1);
    try {
      const page = await api.get('/fault-reports', { status: this.status, limit: PAGE, offset: this.offset });
      if (seq === this.seq) this.renderList(page);
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  renderList(page) {
    const cols = ['ticket', 'customer', 'revision', 'status', 'author', 'updated'];
    const rows = page.items.map((r) => el('tr', {
      class: `row${r.id === this.selected ? ' selected' : ''}`, 'data-report-id': r.id, 'data-status': r.status, tabIndex: 0,
      onclick: () => { location.hash = `#faultreports/${r.id}`; },
      onkeydown: (ev) => { if (ev.key === 'Enter') location.hash = `#faultreports/${r.id}`; },
    },
    el('td', {}, data(r.ticket_number), el('br'), data(r.ticket_title, 'span', { class: 'muted' })),
    el('td', {}, data(r.customer_name)),
    el('td', {}, data(number(r.revision))),
    el('td', {}, term('report_status', r.status)),
    el('td', {}, data(r.author_name)),
    el('td', {}, timeEl(r.updated_at, this.zone, true))));
    $('fr-list').dataset.filter = this.status || 'all';
    list($('fr-list'), 'fr.col', cols, rows, 'fr.none');
    pager($('fr-pager'), page, (o) => { this.offset = o; this.load(); });
  }

  /** The active colleagues (names of action owners, authors to choose), read once. */
  async colleagues() {
    if (!this.people) this.people = await api.getAll('/users/directory').catch(() => []);
    return this.people;
  }

  async open(id) {
    this.selected = id;
    const panel = $('fr-detail');
    try {
      const r = await api.get(`/fault-reports/${id}`);
      const [people, contacts] = await Promise.all([
        this.colleagues(),
        api.getAll(`/customers/${r.customer_id}/contacts`).catch(() => []),
      ]);
      this.renderDetail(r, people, contacts);
      for (const row of document.querySelectorAll('#fr-list tr.row')) row.classList.toggle('selected', Number(row.dataset.reportId) === id);
    } catch (err) {
      panel.replaceChildren(el('p', { class: 'form-error' }, errorText(err)));
    }
  }

  /** After a step: the list and the report again (a stale version says so). */
  async reload(r, err) {
    if (err) notice(t('fr.stale'), true);
    await Promise.all([this.load(), this.open(r.id)]);
  }

  renderDetail(r, people, contacts) {
    const nameOf = (id) => people.find((u) => u.id === id)?.display_name ?? t('fr.user', { id });
    const fact = (key, value) => (value ? el('li', {}, el('span', {}, t(`fr.${key}`)), ': ', value) : null);
    const chosen = contacts.filter((k) => r.contact_ids.includes(k.id));
    const actions = (items) => (items.length
      ? el('table', { class: 'list' },
        el('thead', {}, el('tr', {}, ['action', 'owner', 'due'].map((c) => el('th', {}, t(`fr.col.${c}`))))),
        el('tbody', {}, items.map((a) => el('tr', {},
          el('td', {}, data(a.description)),
          el('td', {}, data(a.owner_user_id ? nameOf(a.owner_user_id) : a.owner_name ?? '')),
          el('td', {}, data(day(a.due_date)))))))
      : el('p', { class: 'muted' }, t('fr.empty')));
    const steps = this.steps(r, people, contacts);
    $('fr-detail').replaceChildren(...[
      el('h2', {}, data(r.ticket_number), ' · ', data(r.ticket_title)),
      el('p', { 'data-status': r.status, 'data-report-id': r.id, id: 'fr-state' },
        t('fr.summary', { revision: number(r.revision), status: term('report_status', r.status) })),
      el('ul', { class: 'facts' },
        fact('customer', data(r.customer_name)),
        fact('author', data(r.author_name)),
        r.submitted_at ? fact('submitted_at', timeEl(r.submitted_at, this.zone, true)) : null,
        r.reviewer_name ? fact('reviewer', [data(r.reviewer_name), ' · ', timeEl(r.reviewed_at, this.zone, true)]) : null,
        r.approved_at ? fact('approved_at', timeEl(r.approved_at, this.zone, true)) : null,
        r.sent_at ? fact('sent_at', timeEl(r.sent_at, this.zone, true)) : null,
        r.sent_by_name ? fact('sent_by', data(r.sent_by_name)) : null),
      el('p', { class: 'links' },
        el('a', { href: `#tickets/${r.ticket_id}` }, t('fr.open_ticket')),
        r.major_fault_id ? [' · ', el('a', { href: `#majorfaults/${r.ticket_id}` }, t('fr.open_fault'))] : null,
        r.previous_id ? [' · ', el('a', { href: `#faultreports/${r.previous_id}` }, t('fr.previous'))] : null,
        r.next_id ? [' · ', el('a', { href: `#faultreports/${r.next_id}`, 'data-next': r.next_id }, t('fr.next'))] : null),
      r.review_comments && r.status !== 'approved' && r.status !== 'sent'
        ? el('div', { class: 'callout' }, el('strong', {}, t('fr.review_comments')), data(r.review_comments, 'p', { class: 'prewrap' }))
        : null,
      el('h3', {}, t('fr.impact')),
      r.impact.description ? data(r.impact.description, 'p', { class: 'prewrap' }) : el('p', { class: 'muted' }, t('fr.empty')),
      el('p', {}, t('fr.impact_counts', {
        customers: number(r.impact.customers_affected), sites: number(r.impact.sites_affected),
        assets: number(r.impact.assets_affected), downtime: minutes(r.impact.downtime_minutes),
      })),
      el('h3', {}, t('fr.timeline')),
      el('ol', { class: 'timeline' }, r.timeline.map((e) => el('li', {}, timeEl(e.at, this.zone, true), ' ', data(e.text, 'span', { class: 'prewrap' })))),
      el('h3', {}, t('fr.root_cause')),
      r.root_cause ? data(r.root_cause, 'p', { class: 'prewrap' }) : el('p', { class: 'muted' }, t('fr.empty')),
      el('h3', {}, t('fr.corrective')), actions(r.corrective_actions),
      el('h3', {}, t('fr.preventive')), actions(r.preventive_actions),
      r.status === 'sent' ? this.recipients(r) : [
        el('h3', {}, t('fr.contacts')),
        chosen.length ? el('ul', {}, chosen.map((k) => el('li', {}, data(`${k.name} <${k.email ?? ''}>`)))) : el('p', { class: 'muted' }, t('fr.contacts_none')),
      ],
      el('h3', {}, t('fr.steps')),
      steps.length ? el('div', { class: 'actions', id: 'fr-actions' }, steps) : el('p', { class: 'muted' }, t('fr.no_steps')),
    ].flat().filter(Boolean));
  }

  recipients(r) {
    return [
      el('h3', {}, t('fr.recipients')),
      el('table', { class: 'list', id: 'fr-recipients' },
        el('thead', {}, el('tr', {}, ['name', 'email', 'language'].map((c) => el('th', {}, t(`fr.col.${c}`))))),
        el('tbody', {}, r.recipients.map((p) => el('tr', {},
          el('td', {}, data(p.name)), el('td', {}, data(p.email)), el('td', {}, term('mail_language', p.language)))))),
    ];
  }

  /** The steps the report's state and the reader's role allow. */
  steps(r, people, contacts) {
    const out = [];
    const mine = r.author_id === this.user.id;
    const comments = (required) => label('comments', el('textarea', { name: 'comments', rows: 3, maxLength: 4000, required: !!required }));
    if (EDITABLE.includes(r.status) && (this.leads || mine)) {
      out.push(this.editStep(r, people, contacts));
      out.push(this.step(r, 'submit', [comments()]));
    }
    if (r.status === 'submitted' && this.leads) {
      if (mine) out.push(el('p', { class: 'muted' }, t('fr.own_report')));
      else {
        out.push(this.step(r, 'approve', [comments()]));
        out.push(this.step(r, 'return', [comments(true)]));
      }
    }
    if (r.next_id && r.status !== 'sent') out.push(el('p', { class: 'muted' }, t('fr.corrected')));
    if (r.status !== 'sent' && !(r.status === 'approved' && this.leads && !r.next_id)) out.push(this.previewStep(r));
    if (r.status === 'approved' && this.leads && !r.next_id) out.push(this.step(r, 'send', [], (form) => this.preview(r, form)));
    if ((r.status === 'approved' || r.status === 'sent') && this.leads && !r.next_id) {
      out.push(this.step(r, 'revisions', [el('label', {}, t('field.reason'), el('textarea', { name: 'reason', rows: 2, maxLength: 4000 }))], null, 'revise'));
    }
    return out;
  }

  /**
   * A step: `<details data-step>` opening a `<form data-action>` that posts its comments (or
   * reason) to `/fault-reports/{id}/{action}` with the report's version.
   */
  step(r, action, fields, prepare = null, key = action) {
    const title = t(`fr.action.${key}`);
    const form = el('form', { noValidate: true, 'data-action': action }, ...fields,
      el('button', { type: 'submit', class: 'primary' }, title),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = (e) => {
      e.preventDefault();
      const body = {};
      for (const n of ['comments', 'reason']) {
        const v = form.elements[n]?.value.trim();
        if (v) body[n] = v;
      }
      attempt(form, async () => {
        const out = await api.postIf(`/fault-reports/${r.id}/${action}`, body, action === 'revisions' ? undefined : r.version);
        notice(t('fr.action.done', { action: title }));
        // The list follows the report to its new status, so it stays in sight.
        if (this.status && this.status !== out.status) this.tab(out.status);
        if (out.id === r.id) return false;
        location.hash = `#faultreports/${out.id}`;
        return true;
      }, (err) => this.reload(r, err));
    };
    const details = el('details', { class: 'step', 'data-step': action }, el('summary', {}, title), form);
    if (prepare) {
      let prepared = false;
      details.addEventListener('toggle', () => {
        if (details.open && !prepared) {
          prepared = true;
          prepare(form);
        }
      });
    }
    return details;
  }

  /** The preview on its own (for a report not ready to send, or for a reader). */
  previewStep(r) {
    const box = el('div', { class: 'mail-preview' });
    const details = el('details', { class: 'step', 'data-step': 'preview' }, el('summary', {}, t('fr.action.preview')), box);
    details.addEventListener('toggle', () => { if (details.open) this.preview(r, box); });
    return details;
  }

  /** Renders the e-mail the send would write, at the top of `where`. */
  async preview(r, where) {
    const box = el('div', { class: 'mail-preview', 'data-preview-for': r.id }, el('p', { class: 'muted' }, t('fr.preview.loading')));
    where.querySelector(':scope > .mail-preview')?.remove();
    where.prepend(box);
    try {
      const p = await api.get(`/fault-reports/${r.id}/mail-preview`);
      box.replaceChildren(
        el('p', {}, t('fr.preview.intro', { count: number(p.messages.length) })),
        ...p.messages.map((m) => el('article', { class: 'mail', 'data-language': m.language },
          el('dl', {},
            el('dt', {}, t('fr.preview.language')), el('dd', {}, term('mail_language', m.language)),
            el('dt', {}, t('fr.preview.to')), el('dd', {}, data(m.recipients.map((x) => `${x.name} <${x.email}>`).join(', '), 'span', { class: 'mail-to' })),
            el('dt', {}, t('fr.preview.subject')), el('dd', {}, data(m.subject, 'span', { class: 'mail-subject' })),
            el('dt', {}, t('fr.preview.attachment')), el('dd', {}, data(m.attachment))),
          data(m.text, 'pre', { class: 'mail-text' }))));
    } catch (err) {
      box.replaceChildren(el('p', { class: 'form-error', role: 'alert', 'data-code': err.reason || err.code || '' },
        err.field ? t('error.with_field', { field: fieldName(err.field), error: errorText(err) }) : errorText(err)));
    }
  }

  /** The edit form: impact, timeline, root cause, actions, contacts and (supervisors) the author. */
  editStep(r, people, contacts) {
    const title = t('fr.action.edit');
    const num = (key, value, max) => label(key, el('input', { name: `impact.${key}`, type: 'number', min: 0, max, step: 1, value }));
    const timeline = this.rows('timeline', r.timeline, (e) => [
      el('label', {}, t('field.at'), el('input', { type: 'datetime-local', 'data-key': 'at', value: e ? localInput(e.at) : '', 'data-original': e ? e.at : '' })),
      el('label', { class: 'wide' }, t('field.text'), el('textarea', { 'data-key': 'text', rows: 2, maxLength: 2000, value: e ? e.text : '' })),
    ], 'fr.add_entry');
    const users = people.filter((u) => u.active !== false);
    const actionRows = (kind, list) => this.rows(kind, list, (a) => [
      el('label', { class: 'wide' }, t('field.description'), el('input', { 'data-key': 'description', maxLength: 2000, value: a ? a.description : '' })),
      el('label', {}, t('field.owner_user_id'), el('select', { 'data-key': 'owner_user_id' },
        option('', t('fr.owner_named')),
        users.map((u) => el('option', { value: u.id, translate: 'no', selected: a?.owner_user_id === u.id }, `${u.display_name} · ${term('role', u.role)}`)))),
      el('label', {}, t('field.owner_name'), el('input', { 'data-key': 'owner_name', maxLength: 200, value: a?.owner_name ?? '' })),
      el('label', {}, t('field.due_date'), el('input', { 'data-key': 'due_date', type: 'date', value: a ? a.due_date : '' })),
    ], 'fr.add_action');
    const corrective = actionRows('corrective_actions', r.corrective_actions);
    const preventive = actionRows('preventive_actions', r.preventive_actions);
    const contactBoxes = el('fieldset', { class: 'contacts' }, el('legend', {}, t('fr.contacts')),
      contacts.length ? contacts.map((k) => el('label', { class: 'inline' },
        el('input', { type: 'checkbox', name: 'contact_ids', value: k.id, checked: r.contact_ids.includes(k.id), disabled: !k.email && !r.contact_ids.includes(k.id) }),
        k.email ? data(`${k.name} <${k.email}>`) : [data(k.name), ' ', el('span', { class: 'muted' }, t('fr.no_email'))]))
        : el('p', { class: 'muted' }, t('fr.contacts_none')));
    const author = this.leads ? label('author_id', el('select', { name: 'author_id' },
      option('', t('fr.author_keep')),
      users.filter((u) => ['supervisor', 'technician'].includes(u.role) && u.id !== r.author_id)
        .map((u) => el('option', { value: u.id, translate: 'no' }, `${u.display_name} · ${term('role', u.role)}`)))) : null;
    const form = el('form', { noValidate: true, 'data-action': 'edit', class: 'report-edit' },
      el('fieldset', {}, el('legend', {}, t('fr.impact')),
        el('label', { class: 'wide' }, t('field.description'), el('textarea', { name: 'impact.description', rows: 4, maxLength: 4000, value: r.impact.description })),
        num('customers_affected', r.impact.customers_affected, 1000000), num('sites_affected', r.impact.sites_affected, 1000000),
        num('assets_affected', r.impact.assets_affected, 1000000), num('downtime_minutes', r.impact.downtime_minutes, 525600)),
      el('fieldset', {}, el('legend', {}, t('fr.timeline')), timeline.node),
      el('label', { class: 'wide' }, t('field.root_cause'), el('textarea', { name: 'root_cause', rows: 4, maxLength: 10000, value: r.root_cause })),
      el('fieldset', {}, el('legend', {}, t('fr.corrective')), corrective.node),
      el('fieldset', {}, el('legend', {}, t('fr.preventive')), preventive.node),
      contactBoxes,
      author,
      el('button', { type: 'submit', class: 'primary' }, t('fr.save')),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = (e) => {
      e.preventDefault();
      const f = form.elements;
      const count = (key) => (f[`impact.${key}`].value === '' ? null : Number(f[`impact.${key}`].value));
      const body = {
        impact: {
          description: f['impact.description'].value,
          customers_affected: count('customers_affected'), sites_affected: count('sites_affected'),
          assets_affected: count('assets_affected'), downtime_minutes: count('downtime_minutes'),
        },
        root_cause: f.root_cause.value,
        corrective_actions: corrective.values().map(actionOf),
        preventive_actions: preventive.values().map(actionOf),
        contact_ids: [...form.querySelectorAll('input[name="contact_ids"]:checked')].map((c) => Number(c.value)),
      };
      if (timeline.changed()) {
        body.timeline = timeline.values().map((v) => ({ at: v.at, text: v.text }));
      }
      if (author && f.author_id.value) body.author_id = Number(f.author_id.value);
      attempt(form, async () => {
        await api.call('PATCH', `/fault-reports/${r.id}`, body, undefined, { 'If-Match': `"${r.version}"` });
        notice(t('fr.action.done', { action: title }));
      }, (err) => this.reload(r, err));
    };
    return el('details', { class: 'step', 'data-step': 'edit' }, el('summary', {}, title), form);
  }

  /**
   * Rows of a list in a form (timeline entries, actions): each input named `{list}[i].{key}` so
   * the API's field errors land by it; rows added and removed; `values()` reads them back.
   */
  rows(list, items, make, addKey) {
    const box = el('ol', { class: 'rows', 'data-list': list });
    let changed = false;
    const renumber = () => {
      [...box.children].forEach((li, i) => {
        for (const input of li.querySelectorAll('[data-key]')) input.name = `${list}[${i}].${input.dataset.key}`;
      });
    };
    const row = (item) => {
      const li = el('li', { class: 'row-edit' }, ...make(item),
        el('button', { type: 'button', onclick: () => { li.remove(); changed = true; renumber(); } }, t('fr.remove')));
      li.addEventListener('input', () => { changed = true; });
      return li;
    };
    box.append(...items.map(row));
    renumber();
    const more = el('button', { type: 'button', 'data-add': list, onclick: () => { box.append(row(null)); changed = true; renumber(); } }, t(addKey));
    return {
      node: el('div', {}, box, more),
      changed: () => changed,
      values: () => [...box.children].map((li) => {
        const out = {};
        for (const input of li.querySelectorAll('[data-key]')) {
          const k = input.dataset.key;
          if (input.type === 'datetime-local') {
            out[k] = input.dataset.original && input.value === localInput(input.dataset.original)
              ? input.dataset.original
              : (input.value ? new Date(input.value).toISOString() : undefined);
          } else {
            out[k] = input.value.trim();
          }
        }
        return out;
      }),
    };
  }
}

/** An action row as the API takes it: a user owner by id, or a person named in words. */
function actionOf(v) {
  const out = { description: v.description };
  if (v.owner_user_id) out.owner_user_id = Number(v.owner_user_id);
  else if (v.owner_name) out.owner_name = v.owner_name;
  if (v.due_date) out.due_date = v.due_date;
  return out;
}
