// The service report in the SLA view: a period picker (this or last ISO week, this or last month)
// reading the weekly summary or the monthly supervision report, its figures drawn as charts, the
// headline numbers in a table, and the same report as a CSV file.

import * as api from './api.js';
import { add, t, term, number, errorText } from './i18n.js';
import { el, localDay } from './ui.js';
import { bars } from './chart.js';

/** Who may read the reports (the API scopes an account manager to their own customers). */
const READERS = ['admin', 'manager', 'supervisor', 'account_manager'];
const CLOCKS = ['response', 'arrival', 'resolution', 'callback'];
const DAY_MS = 86400000;
const $ = (id) => document.getElementById(id);

add({
  en: {
    'report.title': 'Service report', 'report.period': 'Period', 'report.csv': 'Download CSV', 'report.figures': 'Headline figures',
    'report.sla': 'SLA met % by clock: met, missed', 'report.channels': 'Tickets by channel:', 'report.received': 'received', 'report.closed': 'closed',
    'report.escalations': 'Escalations by the tier reached:', 'report.next_tier': 'to the next tier', 'report.skipping': 'skipping a tier',
    'report.satisfaction': 'Satisfaction by source: responses (4–5, 3, 2 or less) and average score',
    'report.this_week': 'This week ({period})', 'report.last_week': 'Last week ({period})', 'report.this_month': 'This month ({period})', 'report.last_month': 'Last month ({period})',
    'report.loading': 'Loading…', 'report.range': '{period}: {from} to {to} ({zone})',
    'report.fig.received': 'Tickets received', 'report.fig.closed': 'Tickets closed', 'report.fig.first_contact': 'Resolved at first contact',
    'report.fig.breaches': 'SLA breaches (missed clocks)', 'report.fig.breached_tickets': 'Tickets with a breach', 'report.fig.major_faults': 'Major faults declared',
    'report.clock.response': 'response', 'report.clock.arrival': 'arrival', 'report.clock.resolution': 'resolution', 'report.clock.callback': 'callback',
    'report.met': 'met ({met} of {counted})', 'report.missed': 'missed ({missed} of {counted})', 'report.met_pct': '{pct}% met', 'report.none_counted': 'none counted',
    'report.scored_high': 'scored 4 or 5', 'report.scored_mid': 'scored 3', 'report.scored_low': 'scored 2 or less', 'report.average': '{count} · avg {average}',
    'report.source.all': 'all sources', 'report.source.survey': 'survey', 'report.source.revisit': 'revisit call', 'report.source.link': 'survey link',
    'report.intake': 'Intake by channel', 'report.intake.channel': 'Channel', 'report.intake.received': 'Received', 'report.intake.share': 'Share',
    'report.intake.responses': 'Answered in time', 'report.intake.met_pct': 'Met %', 'report.intake.of': '{met} of {counted}',
  },
  zh: {
    'report.title': '服务报告', 'report.period': '期间', 'report.csv': '下载 CSV', 'report.figures': '主要数据',
    'report.sla': '各时限达标率：达标、未达标', 'report.channels': '各渠道工单：', 'report.received': '受理', 'report.closed': '关闭',
    'report.escalations': '按升级到的层级：', 'report.next_tier': '逐级升级', 'report.skipping': '越级升级',
    'report.satisfaction': '各来源满意度：回答数（4–5、3、2 及以下）与平均分',
    'report.this_week': '本周（{period}）', 'report.last_week': '上周（{period}）', 'report.this_month': '本月（{period}）', 'report.last_month': '上月（{period}）',
    'report.loading': '加载中…', 'report.range': '{period}：{from} 至 {to}（{zone}）',
    'report.fig.received': '受理工单', 'report.fig.closed': '关闭工单', 'report.fig.first_contact': '首次联系即解决',
    'report.fig.breaches': '超时次数（未达标时限）', 'report.fig.breached_tickets': '有超时的工单', 'report.fig.major_faults': '申报的重大故障',
    'report.clock.response': '响应', 'report.clock.arrival': '到场', 'report.clock.resolution': '解决', 'report.clock.callback': '回电',
    'report.met': '达标（{met}/{counted}）', 'report.missed': '未达标（{missed}/{counted}）', 'report.met_pct': '达标 {pct}%', 'report.none_counted': '无数据',
    'report.scored_high': '4–5 分', 'report.scored_mid': '3 分', 'report.scored_low': '2 分及以下', 'report.average': '{count} · 平均 {average}',
    'report.source.all': '全部来源', 'report.source.survey': '满意度调查', 'report.source.revisit': '回访电话', 'report.source.link': '调查链接',
    'report.intake': '各渠道受理', 'report.intake.channel': '渠道', 'report.intake.received': '受理数', 'report.intake.share': '占比',
    'report.intake.responses': '按时响应', 'report.intake.met_pct': '达标率', 'report.intake.of': '{met}/{counted}',
  },
});

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
    { value: `week:${thisWeek}`, label: t('report.this_week', { period: thisWeek }) },
    { value: `week:${lastWeek}`, label: t('report.last_week', { period: lastWeek }), chosen: true },
    { value: `month:${thisMonth}`, label: t('report.this_month', { period: thisMonth }) },
    { value: `month:${lastMonth}`, label: t('report.last_month', { period: lastMonth }) },
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
    status.textContent = t('report.loading');
    status.classList.remove('bad');
    try {
      const r = await api.get(path, params);
      if ($('report-period').value !== chosen) return;
      this.draw(r);
      status.textContent = t('report.range', { period: r.period, from: r.from, to: r.to, zone: r.time_zone });
      $('sla-report').dataset.period = r.period;
    } catch (err) {
      if (err.status === 401) return;
      status.textContent = errorText(err);
      status.classList.add('bad');
    }
  }

  draw(r) {
    const tk = r.tickets;
    const figures = [
      ['received', tk.received],
      ['closed', tk.closed],
      ['first_contact', `${number(tk.first_contact_resolved)} (${pct(tk.first_contact_rate_pct)})`],
      ['breaches', r.sla.breaches],
      ['breached_tickets', r.sla.breached_tickets],
      ['major_faults', r.major_faults.declared],
    ];
    $('report-figures').replaceChildren(el('tbody', {}, figures.map(([key, value]) =>
      el('tr', {}, el('th', {}, t(`report.fig.${key}`)), el('td', { 'data-figure': key }, typeof value === 'number' ? number(value) : value)))));

    const intake = r.intake ?? [];
    $('report-intake').replaceChildren(
      el('thead', {}, el('tr', {}, ['channel', 'received', 'share', 'responses', 'met_pct'].map((k) => el('th', { scope: 'col' }, t(`report.intake.${k}`))))),
      el('tbody', {}, intake.map((i) => el('tr', { 'data-channel': i.channel },
        el('th', { scope: 'row' }, term('channel', i.channel)),
        el('td', { 'data-figure': 'received' }, number(i.received)),
        el('td', { 'data-figure': 'share' }, pct(i.share_pct)),
        el('td', { 'data-figure': 'responses' }, t('report.intake.of', { met: number(i.responses_met), counted: number(i.responses_counted) })),
        el('td', { 'data-figure': 'met_pct' }, pct(i.response_met_pct))))));

    bars($('report-sla'), CLOCKS.map((clock) => {
      const c = r.sla[clock];
      const met = c.met_pct;
      return {
        key: clock,
        label: t(`report.clock.${clock}`),
        parts: met === null ? [] : [
          { kind: 'ok', label: t('report.met', { met: c.met, counted: c.counted }), value: met },
          { kind: 'breached', label: t('report.missed', { missed: c.missed, counted: c.counted }), value: Math.round((100 - met) * 10) / 10 },
        ],
      };
    }), { max: 100, unit: '%', caption: (b) => (b.parts.length ? t('report.met_pct', { pct: number(b.parts[0].value) }) : t('report.none_counted')) });

    bars($('report-channels'), r.by_channel.map((g) => ({
      key: g.key,
      label: term('channel', g.key),
      bars: [
        { key: 'received', label: t('report.received'), parts: [{ kind: 'received', label: t('report.received'), value: g.received }] },
        { key: 'closed', label: t('report.closed'), parts: [{ kind: 'closed', label: t('report.closed'), value: g.closed }] },
      ],
    })));

    bars($('report-escalations'), r.escalations.map((e) => ({
      key: e.tier,
      label: term('tier', e.tier),
      parts: [
        { kind: 'received', label: t('report.next_tier'), value: e.count - e.skipped_tier },
        { kind: 'risk', label: t('report.skipping'), value: e.skipped_tier },
      ],
    })));

    bars($('report-satisfaction'), r.satisfaction.map((s) => {
      const satisfied = Math.round((s.responses * (s.satisfied_pct ?? 0)) / 100);
      return {
        key: s.source,
        label: term('report.source', s.source),
        average: s.average_score,
        parts: [
          { kind: 'ok', label: t('report.scored_high'), value: satisfied },
          { kind: 'risk', label: t('report.scored_mid'), value: Math.max(0, s.responses - satisfied - s.dissatisfied) },
          { kind: 'breached', label: t('report.scored_low'), value: s.dissatisfied },
        ],
      };
    }), { caption: (b, g) => t('report.average', { count: number(b.parts.reduce((a, p) => a + p.value, 0)), average: g.average == null ? '–' : number(g.average) }) });
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
      status.textContent = errorText(err);
      status.classList.add('bad');
    }
  }
}
