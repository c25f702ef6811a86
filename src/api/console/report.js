// The service report in the SLA view: a period picker (this or last ISO week, this or last month)
// reading the weekly summary or the monthly supervision report, its figures drawn as charts, the
// headline numbers in a table, and the same report as a CSV file.

import * as api from './api.js';
import { el, localDay } from './ui.js';
import { bars } from './chart.js';

/** Who may read the reports (the API scopes an account manager to their own customers). */
const READERS = ['admin', 'manager', 'supervisor', 'account_manager'];
const CLOCKS = ['response', 'arrival', 'resolution', 'callback'];
const DAY_MS = 86400000;
const $ = (id) => document.getElementById(id);

/** A `YYYY-MM-DD` day as a UTC midnight. */
const utcDay = (day) => new Date(`${day}T00:00:00Z`);
const pad = (n) => String(n).padStart(2, '0');

/** The ISO week (`2026-W07`) of a day. */
export function isoWeek(date) {
  const thursday = new Date(date.getTime() + (3 - ((date.getUTCDay() + 6) % 7)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${pad(week)}`;
}

/** The picker's choices for today in the business calendar's zone; the last complete week first chosen. */
export function periods(zone, now = new Date()) {
  const today = utcDay(localDay(now, zone));
  const [y, m] = [today.getUTCFullYear(), today.getUTCMonth()];
  const month = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  const thisWeek = isoWeek(today);
  const lastWeek = isoWeek(new Date(today.getTime() - 7 * DAY_MS));
  const thisMonth = month(today);
  const lastMonth = month(new Date(Date.UTC(y, m - 1, 1)));
  return [
    { value: `week:${thisWeek}`, label: `This week (${thisWeek})` },
    { value: `week:${lastWeek}`, label: `Last week (${lastWeek})`, chosen: true },
    { value: `month:${thisMonth}`, label: `This month (${thisMonth})` },
    { value: `month:${lastMonth}`, label: `Last month (${lastMonth})` },
  ];
}

/** The report's address and query for a picker value (`week:2026-W47`, `month:2026-11`). */
function request(value) {
  const [unit, period] = value.split(':');
  return unit === 'week'
    ? { path: '/reports/service/weekly', params: { week: period } }
    : { path: '/reports/service/monthly', params: { month: period } };
}

const pct = (v) => (v === null || v === undefined ? '–' : `${v}%`);

export class ReportPanel {
  static allowed(user) {
    return READERS.includes(user.role);
  }

  constructor() {
    $('report-period').onchange = () => this.load();
    $('report-csv').onclick = () => this.download();
  }

  /** Fills the picker for today (keeping the choice while it is still offered) and loads. */
  show(zone) {
    const picker = $('report-period');
    const kept = picker.value;
    const choices = periods(zone);
    picker.replaceChildren(...choices.map((c) => el('option', { value: c.value, selected: c.chosen }, c.label)));
    if (choices.some((c) => c.value === kept)) picker.value = kept;
    return this.load();
  }

  async load() {
    const chosen = $('report-period').value;
    const { path, params } = request(chosen);
    const status = $('report-status');
    status.textContent = 'Loading…';
    status.classList.remove('bad');
    try {
      const r = await api.get(path, params);
      if ($('report-period').value !== chosen) return;
      this.draw(r);
      status.textContent = `${r.period}: ${r.from} to ${r.to} (${r.time_zone})`;
      $('sla-report').dataset.period = r.period;
    } catch (err) {
      if (err.status === 401) return;
      status.textContent = err.message;
      status.classList.add('bad');
    }
  }

  draw(r) {
    const t = r.tickets;
    const figures = [
      ['received', 'Tickets received', t.received],
      ['closed', 'Tickets closed', t.closed],
      ['first_contact', 'Resolved at first contact', `${t.first_contact_resolved} (${pct(t.first_contact_rate_pct)})`],
      ['breaches', 'SLA breaches (missed clocks)', r.sla.breaches],
      ['breached_tickets', 'Tickets with a breach', r.sla.breached_tickets],
      ['major_faults', 'Major faults declared', r.major_faults.declared],
    ];
    $('report-figures').replaceChildren(el('tbody', {}, figures.map(([key, label, value]) =>
      el('tr', {}, el('th', {}, label), el('td', { 'data-figure': key }, value)))));

    bars($('report-sla'), CLOCKS.map((clock) => {
      const c = r.sla[clock];
      const met = c.met_pct;
      return {
        label: clock,
        parts: met === null ? [] : [
          { kind: 'ok', label: `met (${c.met} of ${c.counted})`, value: met },
          { kind: 'breached', label: `missed (${c.missed} of ${c.counted})`, value: Math.round((100 - met) * 10) / 10 },
        ],
      };
    }), { max: 100, unit: '%', caption: (b) => (b.parts.length ? `${b.parts[0].value}% met` : 'none counted') });

    bars($('report-channels'), r.by_channel.map((g) => ({
      label: g.label || g.key,
      bars: [
        { label: 'received', parts: [{ kind: 'received', label: 'received', value: g.received }] },
        { label: 'closed', parts: [{ kind: 'closed', label: 'closed', value: g.closed }] },
      ],
    })));

    bars($('report-escalations'), r.escalations.map((e) => ({
      label: e.tier,
      parts: [
        { kind: 'received', label: 'to the next tier', value: e.count - e.skipped_tier },
        { kind: 'risk', label: 'skipping a tier', value: e.skipped_tier },
      ],
    })));

    bars($('report-satisfaction'), r.satisfaction.map((s) => {
      const satisfied = Math.round((s.responses * (s.satisfied_pct ?? 0)) / 100);
      return {
        label: s.source,
        average: s.average_score,
        parts: [
          { kind: 'ok', label: 'scored 4 or 5', value: satisfied },
          { kind: 'risk', label: 'scored 3', value: Math.max(0, s.responses - satisfied - s.dissatisfied) },
          { kind: 'breached', label: 'scored 2 or less', value: s.dissatisfied },
        ],
      };
    }), { caption: (b, g) => `${b.parts.reduce((a, p) => a + p.value, 0)} · avg ${g.average ?? '–'}` });
  }

  /** Saves the chosen report as CSV (the API needs the token, so not a plain link). */
  async download() {
    const { path, params } = request($('report-period').value);
    const status = $('report-status');
    try {
      const csv = await api.getText(path, { ...params, format: 'csv' }, 'text/csv');
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = el('a', { href: url, download: `service-report-${params.week || params.month}.csv` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      if (err.status === 401) return;
      status.textContent = err.message;
      status.classList.add('bad');
    }
  }
}
