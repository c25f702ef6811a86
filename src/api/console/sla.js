// The supervisor's view of service levels now: open tickets that breached, those at risk (their
// resolution due within two hours), open major faults, and a chart of open tickets by ladder tier;
// below, the weekly or monthly service report's figures as charts.

import * as api from './api.js';
import { add, t, term } from './i18n.js';
import { el, notice, timeEl, data } from './ui.js';
import { bars } from './chart.js';
import { ReportPanel } from './report.js';

const RISK_MS = 2 * 3600 * 1000;
const POLL_MS = 30000;
const TIERS = ['hotline', 'remote', 'onsite'];
const $ = (id) => document.getElementById(id);

add({
  en: {
    'sla.title': 'Service levels',
    'sla.breached': 'Breached, still open',
    'sla.risk': 'At risk: resolution due within two hours',
    'sla.major': 'Open major faults',
    'sla.chart': 'Open tickets by ladder tier: breached, at risk, on time',
    'sla.col.number': 'Number', 'sla.col.title': 'Title', 'sla.col.priority': 'Priority', 'sla.col.customer': 'Customer',
    'sla.col.tier': 'Tier', 'sla.col.due': 'Resolution due', 'sla.col.ticket': 'Ticket', 'sla.col.since': 'Since', 'sla.col.location': 'Location',
    'sla.none': 'None.',
    'sla.shown': '{shown} of {total} shown',
    'sla.part.breached': 'breached', 'sla.part.risk': 'at risk', 'sla.part.ok': 'on time',
  },
  zh: {
    'sla.title': '服务水平',
    'sla.breached': '已超时、仍未结',
    'sla.risk': '有风险：两小时内到期',
    'sla.major': '未结束的重大故障',
    'sla.chart': '各服务层级的未结工单：已超时、有风险、按时',
    'sla.col.number': '编号', 'sla.col.title': '标题', 'sla.col.priority': '优先级', 'sla.col.customer': '客户',
    'sla.col.tier': '层级', 'sla.col.due': '解决时限', 'sla.col.ticket': '工单', 'sla.col.since': '开始时间', 'sla.col.location': '位置',
    'sla.none': '无。',
    'sla.shown': '显示 {shown} 条，共 {total} 条',
    'sla.part.breached': '已超时', 'sla.part.risk': '有风险', 'sla.part.ok': '按时',
  },
});

export class SlaView {
  constructor(user) {
    this.user = user;
    this.timer = null;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.report = ReportPanel.allowed(user) ? new ReportPanel() : null;
    $('sla-report').hidden = !this.report;
  }

  show(_rest, entering) {
    if (entering) {
      this.stop();
      this.timer = setInterval(() => !document.hidden && this.load(), POLL_MS);
    }
    this.load().then(() => entering && this.report?.show(this.zone));
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  ticketTable(id, page, due) {
    const rows = page.items.map((x) =>
      el('tr', { class: 'row', 'data-ticket-id': x.id, tabIndex: 0, onclick: () => { location.hash = `#tickets/${x.id}`; } },
        el('td', {}, data(x.number)), el('td', {}, data(x.title)), el('td', {}, term('priority', x.priority)),
        el('td', {}, x.customer_name ? data(x.customer_name) : term('customer_tier', x.customer_tier)), el('td', {}, term('tier', x.ladder_tier)),
        el('td', {}, timeEl(due(x), this.zone, true))));
    const more = page.total > page.items.length;
    $(id).replaceChildren(
      el('thead', {}, el('tr', {}, ['number', 'title', 'priority', 'customer', 'tier', 'due'].map((h) => el('th', {}, t(`sla.col.${h}`))))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colSpan: 6 }, t('sla.none')))),
      el('tfoot', { hidden: !more }, el('tr', {}, el('td', { colSpan: 6 }, t('sla.shown', { shown: page.items.length, total: api.totalText(page) })))),
    );
  }

  async load() {
    try {
      const soon = new Date(Date.now() + RISK_MS).toISOString();
      // The chart draws these counts, so they are exact (the lists stop counting at 10,000).
      const count = (q) => api.get('/tickets', { open: true, ...q, limit: 1, exact_total: true }).then((p) => p.total);
      const [breached, risk, faults, calendar, ...totals] = await Promise.all([
        api.get('/tickets', { open: true, breached: true, limit: 50 }),
        api.get('/tickets', { open: true, breached: false, due_before: soon, limit: 50 }),
        api.get('/major-faults', { open: true, limit: 50 }),
        this.zoneRead ? null : api.get('/calendar').catch(() => null),
        ...TIERS.flatMap((tier) => [count({ tier }), count({ tier, breached: true }), count({ tier, breached: false, due_before: soon })]),
      ]);
      if (calendar) {
        this.zone = calendar.time_zone;
        this.zoneRead = true;
      }
      this.ticketTable('sla-breached', breached, (t) => t.resolution_due_at);
      this.ticketTable('sla-risk', risk, (t) => t.resolution_due_at);
      $('sla-major').replaceChildren(
        el('thead', {}, el('tr', {}, ['ticket', 'customer', 'since', 'location'].map((h) => el('th', {}, t(`sla.col.${h}`))))),
        el('tbody', {}, faults.items.length
          ? faults.items.map((f) => el('tr', { class: 'row', tabIndex: 0, onclick: () => { location.hash = `#tickets/${f.ticket_id}`; } },
            el('td', {}, data(f.ticket_number)), el('td', {}, data(f.customer_name)), el('td', {}, timeEl(f.occurred_at, this.zone, true)), el('td', {}, data(f.location))))
          : el('tr', {}, el('td', { colSpan: 4 }, t('sla.none')))));
      bars($('sla-chart'), TIERS.map((tier, i) => {
        const [all, late, atRisk] = totals.slice(i * 3, i * 3 + 3);
        return {
          key: tier,
          label: term('tier', tier),
          parts: [
            { kind: 'breached', label: t('sla.part.breached'), value: late },
            { kind: 'risk', label: t('sla.part.risk'), value: atRisk },
            { kind: 'ok', label: t('sla.part.ok'), value: Math.max(0, all - late - atRisk) },
          ],
        };
      }));
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }
}
