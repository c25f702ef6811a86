// "My reviews": the quality reviews of the signed-in user's handled tickets, once scored: the
// scorecard, the faults to correct, the reviewer's comments; a review may be disputed once with
// a reason, and a second reviewer's decision is shown when made.

import * as api from './api.js';
import { add, t, term } from './i18n.js';
import { el, notice, showError, clearErrors, data, pager, list } from './ui.js';
import * as names from './names.js';
import { ticketPanel, scoresTable, totalText } from './quality.js';

const PAGE = 25;
const $ = (id) => document.getElementById(id);

add({
  en: {
    'myreviews.title': 'My reviews',
    'myreviews.col.ticket': 'Ticket', 'myreviews.col.month': 'Month', 'myreviews.col.status': 'Status', 'myreviews.col.total': 'Score',
    'myreviews.none': 'None of your tickets has been reviewed yet.', 'myreviews.pick': 'Pick a review to read it.',
    'myreviews.dispute': 'Dispute this review', 'myreviews.dispute.reason': 'Why the score is wrong',
    'myreviews.dispute.once': 'A review may be disputed once; a second reviewer decides, and the decision is final.',
    'myreviews.disputed': 'Your dispute is sent to the reviewers.',
  },
  zh: {
    'myreviews.title': '我的质检',
    'myreviews.col.ticket': '工单', 'myreviews.col.month': '月份', 'myreviews.col.status': '状态', 'myreviews.col.total': '得分',
    'myreviews.none': '您的工单尚未被质检。', 'myreviews.pick': '选择一条质检查看。',
    'myreviews.dispute': '对此质检提出申诉', 'myreviews.dispute.reason': '评分有误的理由',
    'myreviews.dispute.once': '每条质检只能申诉一次；由另一位质检员裁定，裁定为最终结果。',
    'myreviews.disputed': '您的申诉已提交给质检员。',
  },
});

export class MyReviews {
  constructor(user) {
    this.user = user;
    this.offset = 0;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  async show(rest, entering) {
    if (entering && !this.started) {
      this.started = true;
      this.zone = await names.zone();
    }
    await this.load();
    if (rest[0]) this.open(Number(rest[0]));
  }

  async load() {
    try {
      const page = await api.get('/quality/reviews/mine', { limit: PAGE, offset: this.offset });
      const rows = page.items.map((r) => el('tr', { tabIndex: 0, 'data-review': r.id, onclick: () => this.open(r.id), onkeydown: (e) => e.key === 'Enter' && this.open(r.id) },
        el('td', {}, data(`${r.ticket_number} · ${r.ticket_title}`)),
        el('td', {}, data(r.month)),
        el('td', {}, term('quality_status', r.status)),
        el('td', {}, data(totalText(r.total)))));
      list($('myreviews-list'), 'myreviews.col', ['ticket', 'month', 'status', 'total'], rows, 'myreviews.none');
      pager($('myreviews-pager'), page, (o) => {
        this.offset = o;
        this.load();
      });
    } catch (err) {
      notice(err, true);
    }
  }

  async open(id) {
    try {
      const d = await api.get(`/quality/reviews/${id}`);
      const r = d.review;
      const parts = [
        el('p', { class: 'total' }, t('quality.total', { total: totalText(r.total) })),
        scoresTable(r),
        r.comments ? data(r.comments, 'p') : '',
      ];
      if (r.first_total !== null && r.first_total !== undefined) parts.push(el('p', {}, t('quality.first_total', { total: totalText(r.first_total) })));
      if (r.dispute_reason) parts.push(el('h4', {}, t('quality.dispute')), data(r.dispute_reason, 'p'));
      if (r.decision) parts.push(el('h4', {}, t('quality.decision')), el('p', {}, term('quality_decision', r.decision), ' — ', data(r.decision_note || '')));
      if (r.status === 'reviewed' && !r.disputed_at) parts.push(this.disputeForm(r));
      parts.push(ticketPanel(d, this.zone));
      $('myreviews-detail').replaceChildren(...parts);
    } catch (err) {
      notice(err, true);
    }
  }

  disputeForm(r) {
    const form = el('form', { id: 'myreviews-dispute', novalidate: true },
      el('h4', {}, t('myreviews.dispute')),
      el('p', { class: 'muted' }, t('myreviews.dispute.once')),
      el('label', {}, t('myreviews.dispute.reason'), el('textarea', { name: 'reason', rows: 3, maxLength: 2000 })),
      el('button', { type: 'submit' }, t('myreviews.dispute')),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      try {
        await api.post(`/quality/reviews/${r.id}/dispute`, { reason: form.elements.reason.value });
        notice(t('myreviews.disputed'));
        await this.load();
        this.open(r.id);
      } catch (err) {
        showError(form, err);
      }
    };
    return form;
  }
}
