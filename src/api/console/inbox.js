// The signed-in user's notifications: newest first, unread by default, each opening its ticket
// and marked read when opened or by hand.

import * as api from './api.js';
import { add, t, term } from './i18n.js';
import { el, notice, timeEl, data, pager } from './ui.js';

const PAGE = 25;
const $ = (id) => document.getElementById(id);

const KINDS = {
  en: {
    sla_alert: 'Service level alert', dispatch_flag: 'Flagged to dispatch', handoff: 'Handed to you', assigned: 'Assigned to you',
    auto_escalated: 'Climbed a tier by itself', auto_escalation_blocked: 'Could not climb a tier', major_fault: 'Major fault',
    fault_report_author: 'Fault report to write', fault_report_submitted: 'Fault report to review', fault_report_returned: 'Fault report returned',
    fault_report_approved: 'Fault report approved', fault_report_sent: 'Fault report sent', fault_report_revised: 'Fault report revised',
    acceptance_reminder: 'Acceptance reminder sent', closed_without_answer: 'Closed without the customer\'s answer', quote_declined: 'Quote declined',
    visit_declined_by_customer: 'Visit declined by the customer', visit_cancelled: 'Visit cancelled', visit_rescheduled: 'Visit rescheduled',
    customer_contact: 'The customer called again', related_registered: 'A related call was registered', mail_dead: 'An e-mail could not be sent',
    chase: 'Chased: an answer is due', chase_answered: 'Your chase is answered', chase_unanswered: 'A chase went unanswered',
  },
  zh: {
    sla_alert: '服务水平告警', dispatch_flag: '已提交调度', handoff: '转交给您', assigned: '分派给您',
    auto_escalated: '已自动升级', auto_escalation_blocked: '无法自动升级', major_fault: '重大故障',
    fault_report_author: '待撰写故障报告', fault_report_submitted: '待审核故障报告', fault_report_returned: '故障报告被退回',
    fault_report_approved: '故障报告已批准', fault_report_sent: '故障报告已发送', fault_report_revised: '故障报告已修订',
    acceptance_reminder: '已发送验收提醒', closed_without_answer: '客户未答复，已关闭', quote_declined: '报价被拒绝',
    visit_declined_by_customer: '客户拒绝上门服务', visit_cancelled: '上门已取消', visit_rescheduled: '上门已改期',
    customer_contact: '客户再次来电', related_registered: '已登记相关来电', mail_dead: '邮件无法发送',
    chase: '被催办：请按时答复', chase_answered: '催办已获答复', chase_unanswered: '催办逾期未答复',
  },
};
const prefixed = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`notification.${k}`, v]));

add({
  en: {
    ...prefixed(KINDS.en),
    'inbox.title': 'Notifications',
    'inbox.unread_only': 'Unread only',
    'inbox.none': 'No notifications.',
    'inbox.read': 'Mark read',
    'inbox.open': 'Open the ticket',
    'inbox.new': 'new',
  },
  zh: {
    ...prefixed(KINDS.zh),
    'inbox.title': '通知',
    'inbox.unread_only': '仅未读',
    'inbox.none': '没有通知。',
    'inbox.read': '标为已读',
    'inbox.open': '打开工单',
    'inbox.new': '未读',
  },
});

export class Inbox {
  constructor(user) {
    this.user = user;
    this.offset = 0;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    $('inbox-unread').onchange = () => {
      this.offset = 0;
      this.load();
    };
  }

  show() {
    this.load();
  }

  async load() {
    try {
      const page = await api.get('/notifications', { unread: $('inbox-unread').checked || undefined, limit: PAGE, offset: this.offset });
      this.render(page);
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  async read(n) {
    if (n.read_at) return;
    await api.post(`/notifications/${n.id}/read`).catch(() => {});
    document.dispatchEvent(new Event('fieldline:notifications'));
  }

  render(page) {
    const items = page.items.map((n) => el('li', { class: n.read_at ? 'read' : 'unread', 'data-kind': n.kind, 'data-notification-id': n.id },
      el('strong', {}, term('notification', n.kind)), ' ',
      n.read_at ? null : el('span', { class: 'badge slack-risk' }, t('inbox.new')), ' ',
      timeEl(n.created_at, this.zone, true), ' ',
      n.ticket_id ? el('button', { type: 'button', class: 'link', onclick: async () => { await this.read(n); location.hash = `#tickets/${n.ticket_id}`; } }, t('inbox.open')) : null,
      n.read_at ? null : el('button', { type: 'button', class: 'mark-read', onclick: async () => { await this.read(n); this.load(); } }, t('inbox.read')),
      data(n.message, 'div', { class: 'muted' })));
    $('inbox-list').replaceChildren(...(items.length ? items : [el('li', { class: 'muted' }, t('inbox.none'))]));
    pager($('inbox-pager'), page, (o) => { this.offset = o; this.load(); });
  }
}
