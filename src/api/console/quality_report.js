// The monthly quality report for the reviewers, supervisors (shift leads) and department
// managers: per agent and per team the month's scores, the trend over six months and the most
// common faults, the month's training plan; the reviewers write training plan entries for an
// agent or a team. The CSV is the API's.

import * as api from './api.js';
import { add, t, number } from './i18n.js';
import { el, notice, showError, clearErrors, values, data } from './ui.js';
import { lastMonth, totalText } from './quality.js';

const $ = (id) => document.getElementById(id);

add({
  en: {
    'qreport.title': 'Quality report',
    'qreport.month': 'Month', 'qreport.show': 'Show', 'qreport.csv': 'Download CSV',
    'qreport.summary': '{reviewed} of {sampled} sampled tickets reviewed; average {average}.',
    'qreport.agents': 'Agents', 'qreport.teams': 'Teams', 'qreport.faults': 'Most common faults',
    'qreport.col.name': 'Name', 'qreport.col.team': 'Team', 'qreport.col.reviewed': 'Reviewed', 'qreport.col.average': 'Average',
    'qreport.col.lowest': 'Lowest', 'qreport.col.disputes': 'Disputes', 'qreport.col.trend': 'Trend (6 months)',
    'qreport.col.faults': 'Most common faults',
    'qreport.fault': '{criterion} ×{faults}',
    'qreport.none': 'Nothing was reviewed this month.',
    'qreport.training': 'Training plan', 'qreport.training.none': 'No entry yet.',
    'qreport.training.for': 'For', 'qreport.training.text': 'Training', 'qreport.training.add': 'Add to the plan',
    'qreport.training.added': 'The entry is added to the plan.', 'qreport.training.pick': 'pick an agent or a team',
    'qreport.no_team': 'No team', 'field.team_id': 'Team', 'field.month': 'Month',
  },
  zh: {
    'qreport.title': '质检报告',
    'qreport.month': '月份', 'qreport.show': '显示', 'qreport.csv': '下载 CSV',
    'qreport.summary': '抽检 {sampled} 张，已质检 {reviewed} 张；平均 {average} 分。',
    'qreport.agents': '客服代表', 'qreport.teams': '班组', 'qreport.faults': '常见问题',
    'qreport.col.name': '姓名', 'qreport.col.team': '班组', 'qreport.col.reviewed': '已质检', 'qreport.col.average': '平均分',
    'qreport.col.lowest': '最低分', 'qreport.col.disputes': '申诉', 'qreport.col.trend': '趋势（6 个月）',
    'qreport.col.faults': '常见问题',
    'qreport.fault': '{criterion} ×{faults}',
    'qreport.none': '本月尚无质检。',
    'qreport.training': '培训计划', 'qreport.training.none': '尚无条目。',
    'qreport.training.for': '对象', 'qreport.training.text': '培训内容', 'qreport.training.add': '加入计划',
    'qreport.training.added': '条目已加入培训计划。', 'qreport.training.pick': '选择客服代表或班组',
    'qreport.no_team': '无班组', 'field.team_id': '班组', 'field.month': '月份',
  },
});

const label = (key, control) => el('label', {}, t(key), control);

export class QualityReport {
  constructor(user) {
    this.user = user;
    this.writer = user.role === 'admin' || (user.grants || []).includes('reviewer');
    const form = $('qreport-filters');
    form.replaceChildren(
      label('qreport.month', el('input', { name: 'month', type: 'month', value: lastMonth() })),
      el('button', { type: 'submit' }, t('qreport.show')),
      el('button', { type: 'button', onclick: () => this.csv() }, t('qreport.csv')),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = (e) => {
      e.preventDefault();
      this.load();
    };
  }

  async show() {
    await this.load();
  }

  month() {
    return values($('qreport-filters')).month || lastMonth();
  }

  async csv() {
    try {
      const text = await api.getText('/quality/report', { month: this.month(), format: 'csv' }, 'text/csv');
      const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: `quality-report-${this.month()}.csv` });
      a.click();
    } catch (err) {
      notice(err, true);
    }
  }

  lines(rows, withTeam) {
    const faults = (l) => l.faults.slice(0, 3).map((f) => t('qreport.fault', { criterion: f.criterion, faults: number(f.faults) })).join(', ');
    const cols = ['name', ...(withTeam ? ['team'] : []), 'reviewed', 'average', 'lowest', 'disputes', 'trend', 'faults'];
    return el('table', { class: 'list' },
      el('thead', {}, el('tr', {}, cols.map((c) => el('th', {}, t(`qreport.col.${c}`))))),
      el('tbody', {}, rows.map((l) => el('tr', { 'data-line': `${l.scope}-${l.id ?? 'none'}` },
        el('td', {}, l.id === null && l.scope === 'team' ? t('qreport.no_team') : data(l.name)),
        withTeam ? el('td', {}, data(l.team_name || '')) : '',
        el('td', {}, data(number(l.reviewed))),
        el('td', {}, data(totalText(l.average))),
        el('td', {}, data(totalText(l.lowest))),
        el('td', {}, data(number(l.disputes))),
        el('td', {}, data(l.trend.map((p) => totalText(p.average)).join(' → '))),
        el('td', {}, data(faults(l)))))));
  }

  async load() {
    const form = $('qreport-filters');
    clearErrors(form);
    const node = $('qreport-body');
    try {
      const r = await api.get('/quality/report', { month: this.month() });
      const parts = [el('p', {}, t('qreport.summary', { reviewed: number(r.reviewed), sampled: number(r.sampled), average: totalText(r.average) }))];
      if (r.sampled === 0) parts.push(el('p', { class: 'muted' }, t('qreport.none')));
      parts.push(el('h2', {}, t('qreport.agents')), this.lines(r.agents, true),
        el('h2', {}, t('qreport.teams')), this.lines(r.teams, false),
        el('h2', {}, t('qreport.faults')),
        el('ul', {}, r.faults.map((f) => el('li', {}, data(t('qreport.fault', { criterion: f.criterion, faults: number(f.faults) }))))),
        el('h2', {}, t('qreport.training')),
        r.training.length
          ? el('ul', { id: 'qreport-training' }, r.training.map((e) => el('li', {}, el('strong', {}, data(e.agent_name || e.team_name || '')), ': ', data(e.text))))
          : el('p', { class: 'muted' }, t('qreport.training.none')));
      if (this.writer) parts.push(this.trainingForm(r));
      node.replaceChildren(...parts);
    } catch (err) {
      showError(form, err);
    }
  }

  trainingForm(r) {
    const whom = el('select', { name: 'for' },
      el('option', { value: '' }, t('qreport.training.pick')),
      ...r.agents.map((l) => el('option', { value: `agent:${l.id}`, translate: 'no' }, l.name)),
      ...r.teams.filter((l) => l.id !== null).map((l) => el('option', { value: `team:${l.id}`, translate: 'no' }, l.name)));
    const form = el('form', { id: 'qreport-add', novalidate: true },
      label('qreport.training.for', whom),
      label('qreport.training.text', el('textarea', { name: 'text', rows: 2, maxLength: 4000 })),
      el('button', { type: 'submit' }, t('qreport.training.add')),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      const [kind, id] = form.elements.for.value.split(':');
      const body = { month: r.month, text: form.elements.text.value };
      if (kind === 'agent') body.agent_id = Number(id);
      if (kind === 'team') body.team_id = Number(id);
      try {
        await api.post('/quality/training', body);
        notice(t('qreport.training.added'));
        this.load();
      } catch (err) {
        showError(form, err);
      }
    };
    return form;
  }
}
