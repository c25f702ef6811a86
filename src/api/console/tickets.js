// The ticket desk: the ticket lists each role starts from (my open tickets, callbacks due, the
// remote queue, every open ticket), the ladder's filters, a ticket's details and full timeline,
// and every step of its life that the ticket's state allows — take it, promise and make a
// callback, record the customer's authorization, escalate, hand off to a named colleague, wait for
// the customer and resume, resolve, record acceptance, cancel, mark a major fault — with the
// API's validation errors next to the field they name.

import * as api from './api.js';
import { add, t, term, number, errorText } from './i18n.js';
import { el, notice, showError, clearErrors, values, instant, timeEl, data, pager } from './ui.js';
import * as names from './names.js';
import { customerPicker } from './lookup.js';
import { ticketVisits } from './visits.js';
import { ticketMail } from './mail.js';
import { ticketComplaint } from './complaints.js';

const PAGE = 25;
const $ = (id) => document.getElementById(id);

const EVENTS = {
  en: {
    registered: 'registered', started: 'taken on', waiting: 'waiting on the customer', resumed: 'resumed', escalated: 'escalated',
    auto_escalation_blocked: 'could not climb', handoff: 'handed off', assigned: 'assigned', authorization: 'remote access authorized',
    onsite_requested: 'on-site visit requested', callback_requested: 'callback promised', callback_done: 'called back', departed: 'technician set off',
    arrived: 'technician arrived', resolved: 'resolved', accepted: 'accepted by the customer', reopened: 'reopened', cancelled: 'cancelled',
    visits_cancelled: 'visits cancelled', acceptance_reminded: 'acceptance reminder sent', closed_without_answer: 'closed without an answer',
    customer_contact: 'the customer got in touch again', related_registered: 'related call registered', kind_changed: 'kind changed',
    major_fault: 'major fault declared', major_fault_updated: 'major fault update', major_fault_ended: 'major fault ended', updated: 'details changed',
    dues_recomputed: 'due times recomputed', sla_breach: 'service level breached', sla_alert: 'service level alert', dispatch_flagged: 'flagged to dispatch',
    comment: 'comment', mail_queued: 'e-mail queued', mail_skipped: 'e-mail skipped (no address)', fault_report_drafted: 'fault report drafted',
    fault_report_author: 'fault report author named', fault_report_submitted: 'fault report submitted', fault_report_returned: 'fault report returned',
    fault_report_approved: 'fault report approved', fault_report_sent: 'fault report sent', fault_report_revised: 'fault report revised',
    survey_answered: 'survey answered', visit_created: 'visit planned', visit_assigned: 'technician booked', visit_unassigned: 'technician taken off',
    visit_rescheduled: 'visit rescheduled', visit_cancelled: 'visit cancelled', visit_completed: 'visit completed', visit_failed: 'visit failed',
    quote_made: 'quote made', quote_approved: 'quote approved', quote_declined: 'quote declined', file_added: 'file added by the customer',
  },
  zh: {
    registered: '已登记', started: '已受理', waiting: '等待客户', resumed: '已恢复处理', escalated: '已升级',
    auto_escalation_blocked: '无法升级', handoff: '已转交', assigned: '已分派', authorization: '已获远程授权',
    onsite_requested: '已申请上门', callback_requested: '已承诺回电', callback_done: '已回电', departed: '工程师已出发',
    arrived: '工程师已到场', resolved: '已解决', accepted: '客户已验收', reopened: '重新打开', cancelled: '已取消',
    visits_cancelled: '上门已取消', acceptance_reminded: '已发送验收提醒', closed_without_answer: '未获答复而关闭',
    customer_contact: '客户再次联系', related_registered: '已登记相关来电', kind_changed: '类别已变更',
    major_fault: '已申报重大故障', major_fault_updated: '重大故障进展', major_fault_ended: '重大故障已结束', updated: '信息已修改',
    dues_recomputed: '时限已重算', sla_breach: '服务水平超时', sla_alert: '服务水平告警', dispatch_flagged: '已提交调度',
    comment: '备注', mail_queued: '邮件已排队', mail_skipped: '未发邮件（无地址）', fault_report_drafted: '故障报告已起草',
    fault_report_author: '已指定报告撰写人', fault_report_submitted: '故障报告已提交', fault_report_returned: '故障报告被退回',
    fault_report_approved: '故障报告已批准', fault_report_sent: '故障报告已发送', fault_report_revised: '故障报告已修订',
    survey_answered: '已回答满意度调查', visit_created: '已安排上门', visit_assigned: '已派工', visit_unassigned: '已撤销派工',
    visit_rescheduled: '上门已改期', visit_cancelled: '上门已取消', visit_completed: '上门已完成', visit_failed: '上门未完成',
    quote_made: '已报价', quote_approved: '报价已批准', quote_declined: '报价被拒绝', file_added: '客户已添加文件',
  },
};
const prefixed = (p, o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p}.${k}`, v]));

add({
  en: {
    ...prefixed('event', EVENTS.en),
    'desk.title': 'Ticket desk',
    'desk.pick': 'Pick a ticket to see its timeline.',
    'preset.mine': 'My open tickets',
    'preset.callbacks': 'Callbacks due',
    'preset.remote': 'Remote queue',
    'preset.assigned': 'Assigned to me',
    'preset.breached': 'Breached',
    'preset.all': 'All open tickets',
    'filter.status': 'Status', 'filter.open': 'Open', 'filter.tier': 'Tier', 'filter.kind': 'Kind', 'filter.breached': 'Breached',
    'filter.major_fault': 'Major fault', 'filter.owner': 'Owner', 'filter.assignee': 'Assignee', 'filter.customer': 'Customer',
    'filter.region': 'Region', 'filter.due_before': 'Due before', 'filter.sort': 'Sort', 'filter.submit': 'Filter',
    'filter.any': 'any', 'filter.anyone': 'anyone', 'filter.me': 'me', 'filter.every_region': 'every region',
    'filter.open_only': 'open', 'filter.closed_only': 'closed', 'filter.yes': 'yes', 'filter.no': 'no',
    'sort.due': 'soonest due', 'sort.opened': 'newest', 'sort.callback': 'callback due first',
    'col.number': 'Number', 'col.title': 'Title', 'col.customer': 'Customer', 'col.kind': 'Kind', 'col.status': 'Status', 'col.tier': 'Tier',
    'col.priority': 'Priority', 'col.due': 'Resolution due', 'col.callback': 'Callback due', 'col.sla': 'SLA',
    'list.none': 'No ticket matches.',
    'badge.breached': 'breached', 'badge.major_fault': 'major fault', 'badge.callback': 'callback due',
    'detail.summary': '{kind}, {status}, {tier} tier, {priority}, {tier_of_customer} customer.',
    'detail.customer': 'Customer', 'detail.site': 'Site', 'detail.contact': 'Contact', 'detail.asset': 'Asset', 'detail.owner': 'Owner', 'detail.assignee': 'Assignee',
    'detail.nobody': 'nobody', 'detail.response_due': 'Response due', 'detail.hotline_due': 'Hotline limit', 'detail.remote_due': 'Remote limit',
    'detail.arrival_due': 'Arrival due', 'detail.resolution_due': 'Resolution due', 'detail.callback_due': 'Callback due',
    'detail.authorized': 'Remote access authorized by the customer.', 'detail.not_authorized': 'No authorization for remote access yet.',
    'detail.timeline': 'Timeline', 'detail.by_service': 'by the service', 'detail.by': 'by', 'detail.user': 'user {id}', 'detail.steps': 'Next steps',
    'detail.no_steps': 'The ticket is finished: no step is left.', 'detail.stale': 'Someone changed this ticket meanwhile; it has been reloaded.',
    'action.start': 'Take it on', 'action.callback': 'Promise a callback', 'action.callback_done': 'Callback made', 'action.authorize': 'Record authorization',
    'action.escalate': 'Escalate', 'action.handoff': 'Hand off', 'action.wait': 'Wait for the customer', 'action.resume': 'Resume',
    'action.resolve': 'Resolve', 'action.acceptance': 'Record acceptance', 'action.cancel': 'Cancel the ticket', 'action.major_fault': 'Mark major fault',
    'action.contact': 'The customer got in touch again', 'action.done': '{action}: done.',
    'field.reason': 'Reason', 'field.note': 'Note', 'field.to': 'To', 'field.window_start': 'Visit window from', 'field.window_end': 'Visit window to',
    'field.to_user_id': 'Colleague', 'field.authorized_by': 'Authorized by', 'field.method': 'How', 'field.accepted_by': 'Accepted by',
    'field.satisfied': 'Satisfied', 'field.comment': 'Comment', 'field.occurred_at': 'Occurred at', 'field.location': 'Location',
    'field.symptoms': 'Symptoms', 'field.handling_plan': 'Handling plan', 'field.channel': 'Channel', 'field.callback_reason': 'What to find out',
    'handoff.pick': 'pick a colleague',
    'assign.nobody': 'nobody (the owner works it)',
    'action.assign': 'Assign', 'field.assignee_id': 'Who works it now',
    'detail.change': '{from} → {to}',
    'detail.major_fault_page': 'This ticket is a major fault: follow it on its page',
    'satisfied.yes': 'yes, satisfied', 'satisfied.no': 'no, not satisfied',
  },
  zh: {
    ...prefixed('event', EVENTS.zh),
    'desk.title': '工单台',
    'desk.pick': '选择一个工单查看处理记录。',
    'preset.mine': '我的未结工单',
    'preset.callbacks': '待回电',
    'preset.remote': '远程队列',
    'preset.assigned': '分派给我',
    'preset.breached': '已超时',
    'preset.all': '全部未结工单',
    'filter.status': '状态', 'filter.open': '是否未结', 'filter.tier': '服务层级', 'filter.kind': '类别', 'filter.breached': '是否超时',
    'filter.major_fault': '重大故障', 'filter.owner': '负责人', 'filter.assignee': '处理人', 'filter.customer': '客户',
    'filter.region': '区域', 'filter.due_before': '到期早于', 'filter.sort': '排序', 'filter.submit': '筛选',
    'filter.any': '全部', 'filter.anyone': '任何人', 'filter.me': '我', 'filter.every_region': '全部区域',
    'filter.open_only': '未结', 'filter.closed_only': '已结', 'filter.yes': '是', 'filter.no': '否',
    'sort.due': '最先到期', 'sort.opened': '最新登记', 'sort.callback': '最先回电',
    'col.number': '编号', 'col.title': '标题', 'col.customer': '客户', 'col.kind': '类别', 'col.status': '状态', 'col.tier': '层级',
    'col.priority': '优先级', 'col.due': '解决时限', 'col.callback': '回电时限', 'col.sla': '服务水平',
    'list.none': '没有符合条件的工单。',
    'badge.breached': '已超时', 'badge.major_fault': '重大故障', 'badge.callback': '待回电',
    'detail.summary': '{kind}，{status}，{tier}层级，{priority}，{tier_of_customer}客户。',
    'detail.customer': '客户', 'detail.site': '地点', 'detail.contact': '联系人', 'detail.asset': '设备', 'detail.owner': '负责人', 'detail.assignee': '处理人',
    'detail.nobody': '无', 'detail.response_due': '响应时限', 'detail.hotline_due': '热线时限', 'detail.remote_due': '远程时限',
    'detail.arrival_due': '到场时限', 'detail.resolution_due': '解决时限', 'detail.callback_due': '回电时限',
    'detail.authorized': '客户已授权远程访问。', 'detail.not_authorized': '尚未获得远程访问授权。',
    'detail.timeline': '处理记录', 'detail.by_service': '由系统', 'detail.by': '操作人', 'detail.user': '用户 {id}', 'detail.steps': '下一步',
    'detail.no_steps': '工单已结束，没有可执行的步骤。', 'detail.stale': '他人已修改此工单，已重新加载。',
    'action.start': '受理', 'action.callback': '承诺回电', 'action.callback_done': '已回电', 'action.authorize': '记录授权',
    'action.escalate': '升级', 'action.handoff': '转交', 'action.wait': '等待客户', 'action.resume': '恢复处理',
    'action.resolve': '解决', 'action.acceptance': '记录验收', 'action.cancel': '取消工单', 'action.major_fault': '申报重大故障',
    'action.contact': '客户再次联系', 'action.done': '{action}：已完成。',
    'field.reason': '原因', 'field.note': '备注', 'field.to': '升级到', 'field.window_start': '上门时间从', 'field.window_end': '上门时间至',
    'field.to_user_id': '同事', 'field.authorized_by': '授权人', 'field.method': '方式', 'field.accepted_by': '验收人',
    'field.satisfied': '是否满意', 'field.comment': '意见', 'field.occurred_at': '发生时间', 'field.location': '位置',
    'field.symptoms': '故障现象', 'field.handling_plan': '处理方案', 'field.channel': '渠道', 'field.callback_reason': '需查明的问题',
    'handoff.pick': '选择同事',
    'assign.nobody': '无（由负责人处理）',
    'action.assign': '分派', 'field.assignee_id': '当前处理人',
    'detail.change': '{from} → {to}',
    'detail.major_fault_page': '此工单为重大故障：在其页面跟踪',
    'satisfied.yes': '是，满意', 'satisfied.no': '否，不满意',
  },
});

const STATUSES = ['new', 'in_progress', 'waiting_on_customer', 'resolved', 'closed', 'reopened', 'cancelled'];
const TIERS = ['hotline', 'remote', 'onsite'];
const KINDS = ['enquiry', 'fault', 'complaint', 'suggestion'];
const FINISHED = ['closed', 'cancelled'];

/** The lists each role starts from; the first is where it starts. */
function presets(user) {
  const me = user.id;
  const all = { id: 'all', q: { open: 'true' } };
  const mine = { id: 'mine', q: { open: 'true', owner_id: me } };
  const callbacks = { id: 'callbacks', q: { callback_due: 'true', sort: 'callback' } };
  const remote = { id: 'remote', q: { open: 'true', tier: 'remote' } };
  const assigned = { id: 'assigned', q: { open: 'true', assignee_id: me } };
  const breached = { id: 'breached', q: { open: 'true', breached: 'true' } };
  const complaints = { id: 'complaints', q: { open: 'true', kind: 'complaint' } };
  if (user.role === 'agent') return [mine, callbacks, remote, all, complaints];
  if (user.role === 'remote_engineer') return [assigned, remote, mine, all];
  // Managers handle appeals: the open complaints first.
  if (user.role === 'manager') return [complaints, all, breached];
  return [all, breached, callbacks, remote, mine, complaints];
}

const option = (value, text, selected) => el('option', { value, selected: !!selected }, text);
const select = (name, choices, extra) => el('select', { name, ...extra }, choices);
const field = (key, control) => el('label', {}, t(`field.${key}`), control);

/** A `datetime-local` value `days` ahead at `hour`:00 in the browser's zone. */
function localAhead(days, hour) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  d.setHours(hour, 0, 0, 0);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(hour)}:00`;
}

export class TicketDesk {
  constructor(user) {
    this.user = user;
    this.offset = 0;
    this.selected = null;
    this.presets = presets(user);
    this.preset = this.presets[0];
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.colleagues = null;
    this.buildFilters();
    $('desk-presets').replaceChildren(...this.presets.map((p) => el('button', {
      type: 'button', role: 'tab', 'data-preset': p.id, onclick: () => this.usePreset(p),
    }, t(`preset.${p.id}`))));
  }

  buildFilters() {
    const any = () => option('', t('filter.any'));
    const yesNo = () => [any(), option('true', t('filter.yes')), option('false', t('filter.no'))];
    const form = $('ticket-filters');
    this.customer = customerPicker('customer_id');
    form.replaceChildren(
      el('label', {}, t('filter.status'), select('status', [any(), ...STATUSES.map((s) => option(s, term('status', s)))])),
      el('label', {}, t('filter.open'), select('open', [any(), option('true', t('filter.open_only')), option('false', t('filter.closed_only'))])),
      el('label', {}, t('filter.tier'), select('tier', [any(), ...TIERS.map((s) => option(s, term('tier', s)))])),
      el('label', {}, t('filter.kind'), select('kind', [any(), ...KINDS.map((s) => option(s, term('kind', s)))])),
      el('label', {}, t('filter.breached'), select('breached', yesNo())),
      el('label', {}, t('filter.major_fault'), select('major_fault', yesNo())),
      el('label', {}, t('filter.owner'), select('owner_id', [option('', t('filter.anyone')), option(String(this.user.id), t('filter.me'))])),
      el('label', {}, t('filter.assignee'), select('assignee_id', [option('', t('filter.anyone')), option(String(this.user.id), t('filter.me'))])),
      el('label', {}, t('filter.customer'), this.customer.node),
      el('label', {}, t('filter.region'), select('region_id', [option('', t('filter.every_region'))], { id: 'filter-region' })),
      el('label', {}, t('filter.due_before'), el('input', { name: 'due_before', type: 'datetime-local' })),
      el('label', {}, t('filter.sort'), select('sort', ['due', 'opened', 'callback'].map((s) => option(s, t(`sort.${s}`))))),
      el('input', { type: 'hidden', name: 'callback_due' }),
      el('button', { type: 'submit' }, t('filter.submit')),
      el('p', { class: 'form-error', role: 'alert' }),
    );
    form.onsubmit = (e) => {
      e.preventDefault();
      this.offset = 0;
      this.load();
    };
  }

  usePreset(p) {
    this.preset = p;
    const form = $('ticket-filters');
    for (const c of form.elements) {
      if (!c.name) continue;
      if (c.name === 'sort') c.value = p.q.sort || 'due';
      else c.value = p.q[c.name] ?? '';
    }
    this.customer.clear();
    for (const b of $('desk-presets').children) b.setAttribute('aria-selected', String(b.dataset.preset === p.id));
    this.offset = 0;
    this.load();
  }

  async show(rest, entering) {
    if (entering && !this.started) {
      this.started = true;
      const [zone, regions] = await Promise.all([names.zone(), api.getAll('/regions').catch(() => [])]);
      this.zone = zone;
      $('filter-region').append(...regions.map((r) => el('option', { value: r.id, translate: 'no' }, r.name)));
      this.usePreset(this.preset);
    } else {
      this.load();
    }
    const id = Number(rest[0]);
    if (id) this.open(id);
  }

  async load() {
    const form = $('ticket-filters');
    clearErrors(form);
    try {
      const q = values(form);
      if (q.due_before) q.due_before = instant(q.due_before);
      const page = await api.get('/tickets', { ...q, limit: PAGE, offset: this.offset });
      this.renderList(page);
    } catch (err) {
      showError(form, err);
    }
  }

  renderList(page) {
    const callbacks = values($('ticket-filters')).callback_due === 'true';
    const cols = ['number', 'title', 'customer', 'kind', 'status', 'tier', 'priority', callbacks ? 'callback' : 'due', 'sla'];
    const head = el('tr', {}, cols.map((h) => el('th', {}, t(`col.${h}`))));
    const rows = page.items.map((x) =>
      el('tr', {
        class: `row${x.id === this.selected ? ' selected' : ''}`, 'data-ticket-id': x.id, tabIndex: 0,
        onclick: () => { location.hash = `#tickets/${x.id}`; },
        onkeydown: (ev) => { if (ev.key === 'Enter') location.hash = `#tickets/${x.id}`; },
      },
      el('td', {}, data(x.number)),
      el('td', {}, data(x.title)),
      el('td', {}, data(x.customer_name ?? '')),
      el('td', {}, term('kind', x.kind)),
      el('td', {}, term('status', x.status)),
      el('td', {}, term('tier', x.ladder_tier)),
      el('td', {}, term('priority', x.priority)),
      el('td', {}, timeEl(callbacks ? x.callback_due_at : x.resolution_due_at, this.zone, true)),
      el('td', {},
        x.breached ? el('span', { class: 'badge slack-breached' }, t('badge.breached')) : '',
        x.major_fault ? el('span', { class: 'badge slack-risk' }, t('badge.major_fault')) : '',
        x.callback_due_at && !x.callback_done_at ? el('span', { class: 'badge' }, t('badge.callback')) : '')));
    $('ticket-list').replaceChildren(el('thead', {}, head), el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colSpan: cols.length }, t('list.none')))));
    pager($('ticket-pager'), page, (o) => { this.offset = o; this.load(); });
  }

  async open(id) {
    this.selected = id;
    const panel = $('ticket-detail');
    try {
      const [ticket, timeline] = await Promise.all([api.get(`/tickets/${id}`), api.get(`/tickets/${id}/timeline`)]);
      this.renderDetail(ticket, timeline);
      for (const r of document.querySelectorAll('#ticket-list tr.row')) r.classList.toggle('selected', Number(r.dataset.ticketId) === id);
    } catch (err) {
      panel.replaceChildren(el('p', { class: 'form-error' }, errorText(err)));
    }
  }

  renderDetail(x, timeline) {
    const due = (key, at) => (at ? el('li', {}, el('span', {}, t(`detail.${key}`)), ': ', timeEl(at, this.zone, true)) : null);
    const fact = (key, value) => (value ? el('li', {}, el('span', {}, t(`detail.${key}`)), ': ', data(value)) : null);
    const asset = x.serial_number ? `${x.product_model ?? ''} ${x.serial_number}`.trim() : null;
    const contact = x.contact_name ? [x.contact_name, x.contact_phone].filter(Boolean).join(' · ') : null;
    const steps = this.steps(x);
    $('ticket-detail').replaceChildren(...[
      el('h2', {}, data(x.number), ' · ', data(x.title)),
      el('p', { 'data-status': x.status, 'data-tier': x.ladder_tier }, t('detail.summary', {
        kind: term('kind', x.kind), status: term('status', x.status), tier: term('tier', x.ladder_tier),
        priority: term('priority', x.priority), tier_of_customer: term('customer_tier', x.customer_tier),
      })),
      el('ul', { class: 'facts' },
        fact('customer', x.customer_name), fact('site', x.site_name), fact('contact', contact), fact('asset', asset),
        fact('owner', x.owner_name ?? t('detail.user', { id: x.owner_id })),
        x.assignee_id ? fact('assignee', x.assignee_name ?? t('detail.user', { id: x.assignee_id })) : null),
      data(x.description, 'p'),
      x.major_fault && ['supervisor', 'manager', 'account_manager', 'admin'].includes(this.user.role)
        ? el('p', { class: 'links' }, el('a', { href: `#majorfaults/${x.id}`, 'data-major-fault': x.id }, t('detail.major_fault_page')))
        : null,
      el('ul', {}, due('response_due', x.response_due_at), due('hotline_due', x.hotline_due_at), due('remote_due', x.remote_due_at),
        due('arrival_due', x.arrival_due_at), due('resolution_due', x.resolution_due_at),
        x.callback_due_at && !x.callback_done_at ? due('callback_due', x.callback_due_at) : null),
      FINISHED.includes(x.status) ? null : el('p', { class: 'muted' }, t(x.remote_authorized ? 'detail.authorized' : 'detail.not_authorized')),
      x.kind === 'complaint' ? ticketComplaint(x, this.user, this.zone, () => Promise.all([this.load(), this.open(x.id)])) : null,
      ticketVisits(x, this.zone, () => this.open(x.id)),
      el('div', { id: 'ticket-mail-slot' }),
      el('h3', {}, t('detail.steps')),
      steps.length ? el('div', { class: 'actions', id: 'ticket-actions' }, steps) : el('p', { class: 'muted' }, t('detail.no_steps')),
      el('h3', {}, t('detail.timeline')),
      el('ol', { class: 'timeline', id: 'timeline' }, timeline.map((e) => this.event(e))),
    ].filter(Boolean));
    ticketMail(x, timeline, this.zone, () => this.open(x.id)).then((n) => $('ticket-mail-slot')?.replaceChildren(n));
  }

  event(e) {
    const tiers = ['escalated'];
    const change = (v) => (tiers.includes(e.kind) ? term('tier', v) : e.kind === 'kind_changed' ? term('kind', v)
      : e.kind.startsWith('complaint_') ? (term('complaint_level', v) || term('complaint_state', v)) : null);
    const from = e.from ? change(e.from) : null;
    const to = e.to ? change(e.to) : null;
    return el('li', { 'data-kind': e.kind },
      el('strong', {}, term('event', e.kind)), ' ',
      timeEl(e.at, this.zone, true), ' ',
      e.actor_id ? [t('detail.by'), ' ', data(e.actor_name ?? String(e.actor_id))] : t('detail.by_service'),
      from && to ? [' ', el('span', {}, t('detail.change', { from, to }))] : from || to ? [' ', el('span', {}, from || to)] : null,
      e.reason ? data(e.reason, 'div', { class: 'muted' }) : null);
  }

  /** The steps the ticket's state allows, each a form that opens on demand. */
  steps(x) {
    if (FINISHED.includes(x.status)) return [];
    const out = [];
    const open = x.status !== 'resolved';
    // A complaint climbs its own ladder and ends by the customer's answer (its section above).
    const complaint = x.kind === 'complaint';
    const reason = (required) => field('reason', el('input', { name: 'reason', maxLength: 2000, required: !!required }));
    if (x.status === 'resolved' && !complaint) {
      out.push(this.step(x, 'acceptance', 'acceptance', [
        field('accepted_by', el('input', { name: 'accepted_by', value: x.contact_name ?? '', maxLength: 200 })),
        field('satisfied', select('satisfied', [option('true', t('satisfied.yes')), option('false', t('satisfied.no'))])),
        field('comment', el('input', { name: 'comment', maxLength: 2000 })),
      ], (v) => ({ ...v, satisfied: v.satisfied === 'true' })));
    }
    if (x.status === 'new') out.push(this.step(x, 'start', 'start', [], (v) => v, true));
    if (open && (!x.callback_due_at || x.callback_done_at)) {
      out.push(this.step(x, 'callback', 'callback', [field('callback_reason', el('input', { name: 'reason', maxLength: 2000 }))]));
    }
    if (x.callback_due_at && !x.callback_done_at) out.push(this.step(x, 'callback/done', 'callback_done', [reason()]));
    if (open && !x.remote_authorized && x.ladder_tier === 'hotline') {
      out.push(this.step(x, 'authorizations', 'authorize', [
        field('authorized_by', el('input', { name: 'authorized_by', value: x.contact_name ?? '', maxLength: 200 })),
        field('method', select('method', ['phone', 'email', 'signed_form'].map((m) => option(m, term('auth_method', m))))),
        field('note', el('input', { name: 'note', maxLength: 2000 })),
      ]));
    }
    if (open && x.ladder_tier !== 'onsite' && !complaint) {
      const to = TIERS.slice(TIERS.indexOf(x.ladder_tier) + 1);
      out.push(this.step(x, 'escalate', 'escalate', [
        field('to', select('to', to.map((s) => option(s, term('tier', s))))),
        reason(),
        field('window_start', el('input', { name: 'window_start', type: 'datetime-local', value: localAhead(1, 9) })),
        field('window_end', el('input', { name: 'window_end', type: 'datetime-local', value: localAhead(1, 11) })),
      ], (v) => (v.to === 'onsite'
        ? { ...v, window_start: instant(v.window_start), window_end: instant(v.window_end) }
        : { to: v.to, reason: v.reason }), false, (form) => {
        const toggle = () => {
          const onsite = form.elements.to.value === 'onsite';
          for (const n of ['window_start', 'window_end']) form.elements[n].closest('label').hidden = !onsite;
        };
        form.elements.to.onchange = toggle;
        toggle();
      }));
    }
    if (open) {
      const worker = select('assignee_id', [option('', t('assign.nobody'))]);
      out.push(this.step(x, 'assign', 'assign', [field('assignee_id', worker), field('reason', el('input', { name: 'reason', maxLength: 2000 }))],
        (v) => ({ ...v, assignee_id: v.assignee_id === undefined ? null : Number(v.assignee_id) }), false,
        () => this.fillColleagues(worker, x, ['agent', 'remote_engineer', 'supervisor', 'technician'], x.assignee_id)));
      const colleague = select('to_user_id', [option('', t('handoff.pick'))]);
      out.push(this.step(x, 'handoff', 'handoff', [field('to_user_id', colleague), reason(true)],
        (v) => ({ ...v, to_user_id: v.to_user_id === undefined ? undefined : Number(v.to_user_id) }), false,
        () => this.fillColleagues(colleague, x)));
    }
    if (open && x.status !== 'waiting_on_customer') out.push(this.step(x, 'wait', 'wait', [reason(true)]));
    if (x.status === 'waiting_on_customer') out.push(this.step(x, 'resume', 'resume', [reason()]));
    if (open) {
      out.push(this.step(x, 'contact', 'contact', [
        field('channel', select('channel', ['phone', 'email', 'web'].map((c) => option(c, term('channel', c))))),
        field('note', el('input', { name: 'note', maxLength: 2000 })),
      ]));
      if (!complaint) out.push(this.step(x, 'resolve', 'resolve', [reason(true)]));
    }
    if (!x.major_fault && open) {
      out.push(this.step(x, 'major-fault', 'major_fault', [
        field('occurred_at', el('input', { name: 'occurred_at', type: 'datetime-local' })),
        field('location', el('input', { name: 'location' })),
        field('symptoms', el('textarea', { name: 'symptoms', rows: 2 })),
        field('handling_plan', el('textarea', { name: 'handling_plan', rows: 2 })),
        reason(),
      ], (v) => ({ location: '', symptoms: '', handling_plan: '', ...v, occurred_at: instant(v.occurred_at) })));
    }
    out.push(this.step(x, 'cancel', 'cancel', [reason(true)]));
    return out;
  }

  /** Fills a colleague picker with the active users of `roles` (the ticket's owner left out). */
  async fillColleagues(selectNode, x, roles = ['agent', 'remote_engineer', 'supervisor'], chosen = null) {
    if (!this.colleagues) {
      this.colleagues = await api.getAll('/users/directory').catch(() => []);
    }
    selectNode.append(...this.colleagues
      .filter((u) => roles.includes(u.role) && (u.id !== x.owner_id || selectNode.name === 'assignee_id'))
      .map((u) => el('option', { value: u.id, translate: 'no', selected: u.id === chosen }, `${u.display_name} · ${term('role', u.role)}`)));
  }

  /**
   * A step: a button that opens its form (or, for a step with nothing to ask, does it), posting
   * the form's values (changed by `shape`) to `/tickets/{id}/{action}` with the ticket's version.
   */
  step(x, action, key, fields, shape = (v) => v, direct = false, prepare = null) {
    const title = t(`action.${key}`);
    const form = el('form', { noValidate: true, 'data-action': action },
      ...fields,
      el('button', { type: 'submit', class: 'primary' }, title),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      try {
        await api.postIf(`/tickets/${x.id}/${action}`, shape(values(form)), x.version);
        notice(t('action.done', { action: title }));
        await Promise.all([this.load(), this.open(x.id)]);
      } catch (err) {
        button.disabled = false;
        if (err.code === 'precondition_failed') {
          notice(t('detail.stale'), true);
          await this.open(x.id);
          return;
        }
        showError(form, err);
      }
    };
    if (direct) {
      form.classList.add('direct');
      return form;
    }
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
}
