// The supervisor's view of service levels now: open tickets that breached, those at risk (their
// resolution due within two hours), open major faults, and a chart of open tickets by ladder tier.

import * as api from './api.js';
import { el, notice, localTime } from './ui.js';

const RISK_MS = 2 * 3600 * 1000;
const POLL_MS = 30000;
const TIERS = ['hotline', 'remote', 'onsite'];
const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

function svg(tag, attrs, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  return n;
}

/** Stacked bars: for each group, its parts (breached, at risk, ok) with their counts. */
export function stackedBars(container, groups) {
  const [w, h, left, bottom, top] = [600, 220, 40, 30, 24];
  const max = Math.max(1, ...groups.map((g) => g.parts.reduce((a, p) => a + p.value, 0)));
  const chart = svg('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img' });
  const band = (w - left - 10) / groups.length;
  const scale = (h - bottom - top) / max;
  chart.append(svg('line', { x1: left, y1: h - bottom, x2: w - 10, y2: h - bottom, stroke: '#889' }));
  chart.append(svg('text', { x: 4, y: top - 8 }, `${max}`));
  groups.forEach((g, i) => {
    const x = left + i * band + band * 0.2;
    let y = h - bottom;
    for (const p of g.parts) {
      const height = p.value * scale;
      y -= height;
      if (height > 0) {
        const bar = svg('rect', { x, y, width: band * 0.6, height, class: `bar ${p.kind}`, 'data-group': g.label, 'data-kind': p.kind, 'data-value': p.value });
        bar.append(svg('title', {}, `${g.label}: ${p.value} ${p.label}`));
        chart.append(bar);
      }
    }
    const total = g.parts.reduce((a, p) => a + p.value, 0);
    chart.append(svg('text', { x: x + band * 0.3, y: y - 4, 'text-anchor': 'middle' }, `${total}`));
    chart.append(svg('text', { x: x + band * 0.3, y: h - bottom + 16, 'text-anchor': 'middle' }, g.label));
  });
  container.replaceChildren(chart);
}

export class SlaView {
  constructor(user) {
    this.user = user;
    this.timer = null;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  show(_rest, entering) {
    if (entering) {
      this.stop();
      this.timer = setInterval(() => !document.hidden && this.load(), POLL_MS);
    }
    this.load();
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
      el('tfoot', { hidden: !more }, el('tr', {}, el('td', { colSpan: 6 }, `${page.items.length} of ${page.total} shown`))),
    );
  }

  async load() {
    try {
      const soon = new Date(Date.now() + RISK_MS).toISOString();
      const count = (q) => api.get('/tickets', { open: true, ...q, limit: 1 }).then((p) => p.total);
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
      stackedBars($('sla-chart'), TIERS.map((tier, i) => {
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
