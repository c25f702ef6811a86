// The supervisor's view of service levels now: open tickets that breached, those at risk (their
// resolution due within two hours), open major faults, and a chart of open tickets by ladder tier;
// below, the weekly or monthly service report's figures as charts.

import * as api from './api.js';
import { el, notice, localTime } from './ui.js';
import { bars } from './chart.js';
import { ReportPanel } from './report.js';

const RISK_MS = 2 * 3600 * 1000;
const POLL_MS = 30000;
const TIERS = ['hotline', 'remote', 'onsite'];
const $ = (id) => document.getElementById(id);

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
    const rows = page.items.map((t) =>
      el('tr', { class: 'row', 'data-ticket-id': t.id, onclick: () => { location.hash = `#tickets/${t.id}`; } },
        el('td', {}, t.number), el('td', {}, t.title), el('td', {}, t.priority.toUpperCase()),
        el('td', {}, t.customer_tier), el('td', {}, t.ladder_tier), el('td', {}, localTime(due(t), this.zone, true))));
    const more = page.total > page.items.length;
    $(id).replaceChildren(
      el('thead', {}, el('tr', {}, ['Number', 'Title', 'Priority', 'Customer', 'Tier', 'Resolution due'].map((h) => el('th', {}, h)))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colSpan: 6 }, 'None.'))),
      el('tfoot', { hidden: !more }, el('tr', {}, el('td', { colSpan: 6 }, `${page.items.length} of ${api.totalText(page)} shown`))),
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
        el('thead', {}, el('tr', {}, ['Ticket', 'Customer', 'Since', 'Location'].map((h) => el('th', {}, h)))),
        el('tbody', {}, faults.items.length
          ? faults.items.map((f) => el('tr', { class: 'row', onclick: () => { location.hash = `#tickets/${f.ticket_id}`; } },
            el('td', {}, f.ticket_number), el('td', {}, f.customer_name), el('td', {}, localTime(f.occurred_at, this.zone, true)), el('td', {}, f.location)))
          : el('tr', {}, el('td', { colSpan: 4 }, 'None.'))));
      bars($('sla-chart'), TIERS.map((tier, i) => {
        const [all, late, atRisk] = totals.slice(i * 3, i * 3 + 3);
        return {
          label: tier,
          parts: [
            { kind: 'breached', label: 'breached', value: late },
            { kind: 'risk', label: 'at risk', value: atRisk },
            { kind: 'ok', label: 'on time', value: Math.max(0, all - late - atRisk) },
          ],
        };
      }));
    } catch (err) {
      if (err.status !== 401) notice(err.message, true);
    }
  }
}
