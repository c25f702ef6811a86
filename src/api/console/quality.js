// Quality review for the reviewers (holders of the reviewer grant) and admins: the month's queue
// with its filters, drawing a month's sample, one review with the handled ticket it reads (its
// registration, timeline and outcome) and its scorecard to score (0 to 5 per criterion, the
// faults to correct, comments), and a disputed review's decision by a second reviewer. Admins
// also set the scorecard's weights and the sample's size here.

import * as api from './api.js';
import { add, t, term, number } from './i18n.js';
import { el, notice, showError, clearErrors, values, timeEl, data, pager, list } from './ui.js';
import * as names from './names.js';

const PAGE = 25;
const $ = (id) => document.getElementById(id);
const SCORE_MAX = 5;

add({
  en: {
    'quality.title': 'Quality review',
    'quality.filter.month': 'Month', 'quality.filter.status': 'Status', 'quality.filter.submit': 'Show',
    'quality.filter.any': 'any',
    'quality.draw': 'Draw the month\'s sample', 'quality.drawn': '{drawn} tickets drawn; {sampled} in the month\'s sample.',
    'quality.col.ticket': 'Ticket', 'quality.col.agent': 'Agent', 'quality.col.team': 'Team', 'quality.col.month': 'Month',
    'quality.col.status': 'Status', 'quality.col.total': 'Score',
    'quality.none': 'No review matches.', 'quality.pick': 'Pick a ticket to review it.',
    'quality_status.queued': 'to review', 'quality_status.reviewed': 'reviewed', 'quality_status.disputed': 'disputed', 'quality_status.decided': 'decided',
    'quality_decision.upheld': 'upheld', 'quality_decision.changed': 'changed',
    'quality.ticket': 'The handled ticket', 'quality.ticket.customer': 'Customer', 'quality.ticket.opened': 'Opened',
    'quality.ticket.resolved': 'Resolved', 'quality.ticket.closed': 'Closed', 'quality.ticket.status': 'Status',
    'quality.ticket.description': 'Registration', 'quality.timeline': 'Timeline', 'quality.timeline.none': 'No event.',
    'quality.scorecard': 'Scorecard', 'quality.score': 'Score (0–5)', 'quality.fault': 'Fault to correct',
    'quality.comments': 'Comments', 'quality.save': 'Save the review', 'quality.saved': 'The review is saved: {total} of 100.',
    'quality.total': 'Weighted total: {total} of 100', 'quality.first_total': 'First score: {total}',
    'quality.weight': 'weight {weight}',
    'quality.reviewer': 'Reviewer', 'quality.dispute': 'Dispute', 'quality.decision': 'Decision',
    'quality.decide': 'Decide the dispute', 'quality.decide.upheld': 'Uphold the score', 'quality.decide.changed': 'Change the score',
    'quality.decide.note': 'Why', 'quality.decided': 'The dispute is decided.',
    'quality.decide.not_first': 'The dispute is decided by a second reviewer: you scored this review.',
    'quality.admin': 'Scorecard and sample (admin)', 'quality.admin.per_agent': 'Tickets per agent per month',
    'quality.admin.save': 'Save', 'quality.admin.saved': 'Saved.', 'quality.admin.active': 'active',
    'quality.admin.name': 'Criterion', 'quality.admin.weight': 'Weight',
    'field.sample_per_agent': 'Tickets per agent per month',
    'field.scores': 'Scores', 'field.weight': 'Weight',
  },
  zh: {
    'quality.title': '质检',
    'quality.filter.month': '月份', 'quality.filter.status': '状态', 'quality.filter.submit': '显示',
    'quality.filter.any': '全部',
    'quality.draw': '抽取本月样本', 'quality.drawn': '已抽取 {drawn} 张工单；本月样本共 {sampled} 张。',
    'quality.col.ticket': '工单', 'quality.col.agent': '客服代表', 'quality.col.team': '班组', 'quality.col.month': '月份',
    'quality.col.status': '状态', 'quality.col.total': '得分',
    'quality.none': '没有符合条件的质检。', 'quality.pick': '选择一张工单进行质检。',
    'quality_status.queued': '待质检', 'quality_status.reviewed': '已质检', 'quality_status.disputed': '申诉中', 'quality_status.decided': '已裁定',
    'quality_decision.upheld': '维持', 'quality_decision.changed': '改分',
    'quality.ticket': '已处理的工单', 'quality.ticket.customer': '客户', 'quality.ticket.opened': '受理时间',
    'quality.ticket.resolved': '解决时间', 'quality.ticket.closed': '关闭时间', 'quality.ticket.status': '状态',
    'quality.ticket.description': '登记内容', 'quality.timeline': '处理过程', 'quality.timeline.none': '没有记录。',
    'quality.scorecard': '评分表', 'quality.score': '得分（0–5）', 'quality.fault': '需纠正的问题',
    'quality.comments': '评语', 'quality.save': '保存质检', 'quality.saved': '质检已保存：{total} 分（满分 100）。',
    'quality.total': '加权总分：{total} 分（满分 100）', 'quality.first_total': '原评分：{total}',
    'quality.weight': '权重 {weight}',
    'quality.reviewer': '质检员', 'quality.dispute': '申诉', 'quality.decision': '裁定',
    'quality.decide': '裁定申诉', 'quality.decide.upheld': '维持原评分', 'quality.decide.changed': '修改评分',
    'quality.decide.note': '理由', 'quality.decided': '申诉已裁定。',
    'quality.decide.not_first': '申诉由另一位质检员裁定：此质检由您评分。',
    'quality.admin': '评分表与抽样（管理员）', 'quality.admin.per_agent': '每人每月抽检工单数',
    'quality.admin.save': '保存', 'quality.admin.saved': '已保存。', 'quality.admin.active': '启用',
    'quality.admin.name': '评分项', 'quality.admin.weight': '权重',
    'field.sample_per_agent': '每人每月抽检工单数',
    'field.scores': '评分', 'field.weight': '权重',
  },
});

const option = (value, text, selected) => el('option', { value, selected: !!selected }, text);
const label = (key, control) => el('label', {}, t(key), control);
const fact = (key, ...value) => el('li', {}, el('span', {}, t(key)), ': ', ...value);

/** The month before this one, `YYYY-MM`. */
export function lastMonth() {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** A total (0–100) as the language writes it, or a dash. */
export const totalText = (v) => (v === null || v === undefined ? '–' : number(v, 1));

/** The handled ticket: its registration, outcome and timeline. */
export function ticketPanel(d, zone) {
  const tk = d.ticket;
  return el('section', { class: 'reviewed-ticket' },
    el('h3', {}, t('quality.ticket'), ' ', data(`${tk.number} · ${tk.title}`)),
    el('ul', { class: 'facts' },
      fact('quality.ticket.customer', data(tk.customer_name)),
      fact('quality.ticket.status', term('status', tk.status)),
      fact('quality.ticket.opened', timeEl(tk.opened_at, zone, true)),
      tk.resolved_at ? fact('quality.ticket.resolved', timeEl(tk.resolved_at, zone, true)) : '',
      tk.closed_at ? fact('quality.ticket.closed', timeEl(tk.closed_at, zone, true)) : ''),
    el('h4', {}, t('quality.ticket.description')),
    data(tk.description, 'p'),
    el('h4', {}, t('quality.timeline')),
    d.timeline.length
      ? el('ol', { class: 'timeline' }, d.timeline.map((e) => el('li', {},
        el('strong', {}, term('event', e.kind)), ' ', timeEl(e.at, zone, true), ' ', data(e.actor_name || ''),
        e.reason ? data(e.reason, 'div', { class: 'muted' }) : '')))
      : el('p', { class: 'muted' }, t('quality.timeline.none')));
}

/** A scored scorecard, read-only. */
export function scoresTable(r) {
  return el('table', { class: 'list scores' },
    el('tbody', {}, r.scores.map((s) => el('tr', {},
      el('td', {}, data(s.name), ' ', el('small', { class: 'muted' }, t('quality.weight', { weight: s.weight }))),
      el('td', {}, data(`${s.score} / ${SCORE_MAX}`)),
      el('td', {}, s.fault ? data(s.fault) : '')))));
}

/** A scorecard form's rows: one per criterion, its score and fault note (named as the API names them). */
export function scoreRows(criteria, prefix = 'scores') {
  return criteria.map((c, i) => el('fieldset', { class: 'criterion', 'data-criterion': c.id },
    el('legend', {}, data(c.name), ' ', el('small', { class: 'muted' }, t('quality.weight', { weight: c.weight }))),
    c.description ? data(c.description, 'p', { class: 'muted' }) : '',
    label('quality.score', el('select', { name: `${prefix}[${i}].score`, 'data-criterion': c.id, required: true },
      ...Array.from({ length: SCORE_MAX + 1 }, (_, n) => option(String(SCORE_MAX - n), number(SCORE_MAX - n))))),
    label('quality.fault', el('input', { name: `${prefix}[${i}].fault`, maxLength: 1000 }))));
}

/** The scores of a scorecard form as the API takes them. */
export function readScores(form, criteria, prefix = 'scores') {
  return criteria.map((c, i) => {
    const score = Number(form.elements[`${prefix}[${i}].score`].value);
    const fault = form.elements[`${prefix}[${i}].fault`].value.trim();
    return fault ? { criterion_id: c.id, score, fault } : { criterion_id: c.id, score };
  });
}

export class QualityQueue {
  constructor(user) {
    this.user = user;
    this.offset = 0;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.buildFilters();
  }

  buildFilters() {
    const form = $('quality-filters');
    form.replaceChildren(
      label('quality.filter.month', el('input', { name: 'month', type: 'month', value: lastMonth() })),
      label('quality.filter.status', el('select', { name: 'status' }, option('', t('quality.filter.any')),
        ...['queued', 'reviewed', 'disputed', 'decided'].map((s) => option(s, term('quality_status', s), s === 'queued')))),
      el('button', { type: 'submit' }, t('quality.filter.submit')),
      el('button', { type: 'button', id: 'quality-draw', onclick: () => this.draw() }, t('quality.draw')),
      el('p', { class: 'form-error', role: 'alert' }),
    );
    form.onsubmit = (e) => {
      e.preventDefault();
      this.offset = 0;
      this.load();
    };
  }

  async show(rest, entering) {
    if (entering && !this.started) {
      this.started = true;
      this.zone = await names.zone();
      if (this.user.role === 'admin') this.loadAdmin();
    }
    await this.load();
    if (rest[0]) this.open(Number(rest[0]));
  }

  async draw() {
    const form = $('quality-filters');
    clearErrors(form);
    try {
      const out = await api.post('/quality/samples', { month: values(form).month });
      notice(t('quality.drawn', { drawn: number(out.drawn), sampled: number(out.sampled) }));
      await this.load();
    } catch (err) {
      showError(form, err);
    }
  }

  async load() {
    const form = $('quality-filters');
    clearErrors(form);
    try {
      const page = await api.get('/quality/reviews', { ...values(form), limit: PAGE, offset: this.offset });
      const rows = page.items.map((r) => el('tr', { tabIndex: 0, 'data-review': r.id, onclick: () => this.open(r.id), onkeydown: (e) => e.key === 'Enter' && this.open(r.id) },
        el('td', {}, data(r.ticket_number)),
        el('td', {}, data(r.agent_name)),
        el('td', {}, data(r.team_name || '')),
        el('td', {}, data(r.month)),
        el('td', {}, term('quality_status', r.status)),
        el('td', {}, data(totalText(r.total)))));
      list($('quality-list'), 'quality.col', ['ticket', 'agent', 'team', 'month', 'status', 'total'], rows, 'quality.none');
      pager($('quality-pager'), page, (o) => {
        this.offset = o;
        this.load();
      });
    } catch (err) {
      showError(form, err);
    }
  }

  async open(id) {
    const panel = $('quality-detail');
    try {
      const d = await api.get(`/quality/reviews/${id}`);
      const r = d.review;
      const parts = [ticketPanel(d, this.zone), el('h3', {}, t('quality.scorecard'))];
      if (r.status === 'queued') {
        parts.push(this.scoreForm(d));
      } else {
        parts.push(el('p', { class: 'total' }, t('quality.total', { total: totalText(r.total) })),
          el('ul', { class: 'facts' }, fact('quality.reviewer', data(r.reviewer_name || ''))),
          scoresTable(r), r.comments ? data(r.comments, 'p') : '');
        if (r.first_total !== null && r.first_total !== undefined) parts.push(el('p', {}, t('quality.first_total', { total: totalText(r.first_total) })));
        if (r.dispute_reason) parts.push(el('h4', {}, t('quality.dispute')), data(r.dispute_reason, 'p'));
        if (r.decision) parts.push(el('h4', {}, t('quality.decision')), el('p', {}, term('quality_decision', r.decision), ' — ', data(r.decision_note || '')));
        if (r.status === 'disputed') parts.push(this.decideForm(d));
      }
      panel.replaceChildren(...parts);
    } catch (err) {
      notice(err, true);
    }
  }

  scoreForm(d) {
    const criteria = d.scorecard;
    const form = el('form', { id: 'quality-score', novalidate: true },
      ...scoreRows(criteria),
      label('quality.comments', el('textarea', { name: 'comments', rows: 3, maxLength: 4000 })),
      el('button', { type: 'submit' }, t('quality.save')),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = { scores: readScores(form, criteria) };
      const comments = form.elements.comments.value.trim();
      if (comments) body.comments = comments;
      try {
        const r = await api.post(`/quality/reviews/${d.review.id}/score`, body);
        notice(t('quality.saved', { total: totalText(r.total) }));
        await this.load();
        this.open(r.id);
      } catch (err) {
        showError(form, err);
      }
    };
    return form;
  }

  decideForm(d) {
    const r = d.review;
    if (r.reviewer_id === this.user.id) return el('p', { class: 'muted' }, t('quality.decide.not_first'));
    const criteria = r.scores.map((s) => ({ id: s.criterion_id, name: s.name, weight: s.weight, description: '' }));
    const rows = el('div', { hidden: true }, ...scoreRows(criteria));
    const form = el('form', { id: 'quality-decide', novalidate: true },
      el('h4', {}, t('quality.decide')),
      label('quality.decision', el('select', { name: 'decision', onchange: (e) => { rows.hidden = e.target.value !== 'changed'; } },
        option('upheld', t('quality.decide.upheld')), option('changed', t('quality.decide.changed')))),
      rows,
      label('quality.decide.note', el('textarea', { name: 'note', rows: 2, maxLength: 2000 })),
      el('button', { type: 'submit' }, t('quality.decide')),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = { decision: form.elements.decision.value, note: form.elements.note.value };
      if (body.decision === 'changed') body.scores = readScores(form, criteria);
      try {
        await api.post(`/quality/reviews/${r.id}/decide`, body);
        notice(t('quality.decided'));
        await this.load();
        this.open(r.id);
      } catch (err) {
        showError(form, err);
      }
    };
    return form;
  }

  async loadAdmin() {
    const node = $('quality-admin');
    node.hidden = false;
    const [criteria, settings] = await Promise.all([api.get('/quality/criteria'), api.get('/quality/settings')]);
    const sample = el('form', { id: 'quality-sample', novalidate: true },
      label('quality.admin.per_agent', el('input', { name: 'sample_per_agent', type: 'number', min: 1, max: 20, value: settings.sample_per_agent })),
      el('button', { type: 'submit' }, t('quality.admin.save')),
      el('p', { class: 'form-error', role: 'alert' }));
    sample.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(sample);
      try {
        await api.put('/quality/settings', { sample_per_agent: Number(sample.elements.sample_per_agent.value) });
        notice(t('quality.admin.saved'));
      } catch (err) {
        showError(sample, err);
      }
    };
    const rows = criteria.map((c) => {
      const form = el('form', { class: 'criterion-admin', novalidate: true },
        data(c.name, 'span', { class: 'name' }),
        label('quality.admin.weight', el('input', { name: 'weight', type: 'number', min: 1, max: 100, value: c.weight })),
        label('quality.admin.active', el('input', { name: 'active', type: 'checkbox', checked: c.active })),
        el('button', { type: 'submit' }, t('quality.admin.save')),
        el('p', { class: 'form-error', role: 'alert' }));
      form.onsubmit = async (e) => {
        e.preventDefault();
        clearErrors(form);
        try {
          await api.put(`/quality/criteria/${c.id}`, {
            name: c.name, description: c.description, position: c.position,
            weight: Number(form.elements.weight.value), active: form.elements.active.checked,
          });
          notice(t('quality.admin.saved'));
        } catch (err) {
          showError(form, err);
        }
      };
      return form;
    });
    node.replaceChildren(el('h2', {}, t('quality.admin')), sample, ...rows);
  }
}
