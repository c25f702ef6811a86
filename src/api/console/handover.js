// The shift handover (交接班): the latest notices first, the handover of the current shift with
// its prefill (the shift's open, breached and waiting tickets, linkable as hard problems; the open
// major faults), the log searched by days, shift and text with the incoming lead's
// acknowledgement, and the equipment checks (the phone test twice a day).

import * as api from './api.js';
import { add, t, term } from './i18n.js';
import { el, notice, timeEl, dayEl, data, pager, list, showError, clearErrors, values } from './ui.js';

const PAGE = 20;
const $ = (id) => document.getElementById(id);
/** The roles that write handovers and record checks (the server decides who of them may). */
const WRITERS = ['agent', 'remote_engineer', 'supervisor', 'admin'];

add({
  en: {
    'nav.handover': 'Handover',
    'handover.title': 'Shift handover',
    'handover.notices_first': 'Read first: the latest notices',
    'handover.notices_none': 'No notices.',
    'handover.scope_rostered': 'The open tickets of the people on this shift: {people}.',
    'handover.scope_all': 'Nobody is rostered on this shift: every open hotline ticket.',
    'handover.no_shift': 'No shift is running now.',
    'handover.open': 'Open tickets',
    'handover.open_none': 'No open tickets.',
    'handover.faults': 'Open major faults',
    'handover.faults_none': 'No open major fault.',
    'handover.written': 'The handover of this shift is written.',
    'handover.write': 'Write the handover',
    'handover.send': 'Hand over',
    'handover.sent': 'The handover is written.',
    'handover.breached': 'breached',
    'handover.log': 'Handover log',
    'handover.log_none': 'No handover found.',
    'handover.search': 'Search',
    'handover.all_shifts': 'All shifts',
    'handover.acknowledge': 'Acknowledge',
    'handover.acknowledged': 'The handover is acknowledged.',
    'handover.ack_by': 'acknowledged by {name}',
    'handover.waiting_ack': 'not acknowledged',
    'handover.alerted': 'supervisor alerted',
    'handover.col.link': 'Hard problem', 'handover.col.ticket': 'Ticket', 'handover.col.owner': 'Owner', 'handover.col.status': 'Status',
    'handover.col.fault': 'Ticket', 'handover.col.location': 'Location', 'handover.col.since': 'Since',
    'handover.col.notice_shift': 'Shift', 'handover.col.notice_by': 'Written by', 'handover.col.notices': 'Notices',
    'handover.col.day': 'Day', 'handover.col.shift': 'Shift', 'handover.col.by': 'Written by', 'handover.col.texts': 'Handover',
    'handover.col.tickets': 'Hard problems', 'handover.col.ack': 'Acknowledgement',
    'handover.label.equipment': 'Equipment', 'handover.label.problems': 'Hard problems', 'handover.label.notices': 'Notices and business changes',
    'handover.label.staff_changes': 'Staff changes',
    'handover.from': 'From', 'handover.to': 'To', 'handover.shift': 'Shift', 'handover.text': 'Text',
    'checks.title': 'Equipment checks',
    'checks.morning': 'Morning check: {state}', 'checks.afternoon': 'Afternoon check: {state}',
    'checks.done': 'made at {time}', 'checks.missing': 'not made yet',
    'checks.record': 'Record the check', 'checks.recorded': 'The check is recorded.',
    'checks.ok': 'works', 'checks.failed': 'failed',
    'checks.none': 'No check today.',
    'checks.col.at': 'Checked at', 'checks.col.by': 'By', 'checks.col.equipment': 'Equipment', 'checks.col.result': 'Result',
    'checks.col.note': 'Note', 'checks.col.ticket': 'Internal ticket',
    'checks.label.equipment': 'Equipment', 'checks.label.result': 'Result', 'checks.label.note': 'What was found',
    'field.equipment': 'Equipment', 'field.problems': 'Hard problems', 'field.notices': 'Notices', 'field.staff_changes': 'Staff changes',
    'field.result': 'Result',
    'job.handover_watch': 'Unacknowledged handovers', 'job_does.handover_watch': 'Alerts the writer\'s supervisor, once, of each handover nobody acknowledged in time.',
  },
  zh: {
    'nav.handover': '交接班',
    'handover.title': '交接班',
    'handover.notices_first': '先读：最新通知',
    'handover.notices_none': '没有通知。',
    'handover.scope_rostered': '本班值班人员的未结工单：{people}。',
    'handover.scope_all': '本班无人排班：列出热线全部未结工单。',
    'handover.no_shift': '现在没有班次在值。',
    'handover.open': '未结工单',
    'handover.open_none': '没有未结工单。',
    'handover.faults': '未结束的重大故障',
    'handover.faults_none': '没有未结束的重大故障。',
    'handover.written': '本班的交接日志已写。',
    'handover.write': '写交接日志',
    'handover.send': '交班',
    'handover.sent': '交接日志已写。',
    'handover.breached': '已超时',
    'handover.log': '交接日志',
    'handover.log_none': '没有找到交接日志。',
    'handover.search': '查询',
    'handover.all_shifts': '全部班次',
    'handover.acknowledge': '确认接班',
    'handover.acknowledged': '已确认接班。',
    'handover.ack_by': '{name} 已确认',
    'handover.waiting_ack': '未确认',
    'handover.alerted': '已报上级',
    'handover.col.link': '疑难问题', 'handover.col.ticket': '工单', 'handover.col.owner': '处理人', 'handover.col.status': '状态',
    'handover.col.fault': '工单', 'handover.col.location': '地点', 'handover.col.since': '发生时间',
    'handover.col.notice_shift': '班次', 'handover.col.notice_by': '交班人', 'handover.col.notices': '通知',
    'handover.col.day': '日期', 'handover.col.shift': '班次', 'handover.col.by': '交班人', 'handover.col.texts': '交接内容',
    'handover.col.tickets': '疑难问题', 'handover.col.ack': '接班确认',
    'handover.label.equipment': '设备情况', 'handover.label.problems': '疑难问题', 'handover.label.notices': '通知及业务变更',
    'handover.label.staff_changes': '人员调班',
    'handover.from': '从', 'handover.to': '至', 'handover.shift': '班次', 'handover.text': '内容',
    'checks.title': '设备检查',
    'checks.morning': '上午检查：{state}', 'checks.afternoon': '下午检查：{state}',
    'checks.done': '{time} 已做', 'checks.missing': '尚未做',
    'checks.record': '记录检查', 'checks.recorded': '检查已记录。',
    'checks.ok': '正常', 'checks.failed': '故障',
    'checks.none': '今天没有检查记录。',
    'checks.col.at': '检查时间', 'checks.col.by': '检查人', 'checks.col.equipment': '设备', 'checks.col.result': '结果',
    'checks.col.note': '说明', 'checks.col.ticket': '内部工单',
    'checks.label.equipment': '设备', 'checks.label.result': '结果', 'checks.label.note': '发现的问题',
    'field.equipment': '设备情况', 'field.problems': '疑难问题', 'field.notices': '通知', 'field.staff_changes': '人员调班',
    'field.result': '结果',
    'job.handover_watch': '交接未确认提醒', 'job_does.handover_watch': '交接日志超时无人确认的，提醒交班人的上级一次。',
  },
});

const TEXTS = ['equipment', 'problems', 'notices', 'staff_changes'];

export class HandoverView {
  constructor(user) {
    this.user = user;
    this.offset = 0;
    this.filter = {};
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.writer = WRITERS.includes(user.role);
    // Assigned, not added: a new sign-in makes a new view over the same page.
    $('handover-form').onsubmit = (e) => this.send(e);
    $('handover-search').onsubmit = (e) => {
      e.preventDefault();
      const v = values(e.target);
      this.filter = { from: v.from, to: v.to, shift_id: v.shift_id, q: v.q };
      this.offset = 0;
      this.loadLog();
    };
    $('checks-form').onsubmit = (e) => this.record(e);
    $('checks-form-box').hidden = !this.writer;
  }

  async show() {
    if (!this.zoneRead) {
      const cal = await api.get('/calendar').catch(() => null);
      if (cal) {
        this.zone = cal.time_zone;
        this.zoneRead = true;
      }
    }
    if (!this.shiftsRead) {
      const shifts = await api.get('/desk/shifts').catch(() => []);
      $('handover-search').querySelector('[name="shift_id"]').replaceChildren(
        el('option', { value: '' }, t('handover.all_shifts')),
        ...shifts.map((s) => el('option', { value: s.id, translate: 'no' }, s.name)));
      this.shiftsRead = true;
    }
    await Promise.all([this.loadDraft(), this.loadLog(), this.loadChecks()]);
  }

  async loadDraft() {
    let d;
    try {
      d = await api.get('/handovers/draft');
    } catch (err) {
      this.draft = null;
      $('handover-current').textContent = err.status === 422 ? t('handover.no_shift') : '';
      $('handover-form-box').hidden = true;
      for (const id of ['handover-open', 'handover-faults', 'handover-notices']) $(id).replaceChildren();
      if (err.status !== 422 && err.status !== 401) notice(err, true);
      return;
    }
    this.draft = d;
    $('handover-current').replaceChildren(data(d.shift_name), ' ', dayEl(d.day));
    $('handover-scope').textContent = d.scope === 'all'
      ? t('handover.scope_all')
      : t('handover.scope_rostered', { people: d.rostered.join(', ') });
    const notices = d.latest_notices.map((n) => el('tr', { 'data-handover-id': n.handover_id },
      el('td', {}, dayEl(n.day), ' ', data(n.shift_name)), el('td', {}, data(n.written_by_name)), el('td', {}, data(n.notices))));
    list($('handover-notices'), 'handover.col', ['notice_shift', 'notice_by', 'notices'], notices, 'handover.notices_none');
    const rows = d.open.map((x) => el('tr', { 'data-ticket-id': x.ticket_id },
      el('td', {}, el('input', { type: 'checkbox', name: 'link', value: x.ticket_id, 'aria-label': t('handover.col.link') })),
      el('td', {}, el('a', { href: `#tickets/${x.ticket_id}` }, data(x.number)), data(x.title, 'div', { class: 'muted' })),
      el('td', {}, data(x.owner_name)),
      el('td', {}, term('status', x.status), x.breached ? el('span', { class: 'bad' }, ' ', t('handover.breached')) : '')));
    list($('handover-open'), 'handover.col', ['link', 'ticket', 'owner', 'status'], rows, 'handover.open_none');
    const faults = d.major_faults.map((f) => el('tr', { 'data-ticket-id': f.ticket_id },
      el('td', {}, el('a', { href: `#tickets/${f.ticket_id}` }, data(f.number)), data(f.title, 'div', { class: 'muted' })),
      el('td', {}, data(f.location)), el('td', {}, timeEl(f.occurred_at, this.zone, true))));
    list($('handover-faults'), 'handover.col', ['fault', 'location', 'since'], faults, 'handover.faults_none');
    $('handover-written').hidden = !d.written;
    $('handover-form-box').hidden = !this.writer || !!d.written;
  }

  async send(e) {
    e.preventDefault();
    const form = e.target;
    clearErrors(form);
    const d = this.draft;
    if (!d) return;
    const v = values(form);
    const body = { day: d.day, shift_id: d.shift_id, tickets: [] };
    for (const k of TEXTS) body[k] = v[k] ?? '';
    for (const box of $('handover-open').querySelectorAll('input[name="link"]:checked')) {
      body.tickets.push({ ticket_id: Number(box.value) });
    }
    try {
      await api.post('/handovers', body);
      form.reset();
      notice(t('handover.sent'));
      await Promise.all([this.loadDraft(), this.loadLog()]);
    } catch (err) {
      showError(form, err);
    }
  }

  async loadLog() {
    // Only the latest of overlapping loads (a search while the first load runs) is shown.
    const seq = (this.logSeq = (this.logSeq ?? 0) + 1);
    try {
      const page = await api.get('/handovers', { ...this.filter, limit: PAGE, offset: this.offset });
      if (seq !== this.logSeq) return;
      const rows = page.items.map((h) => {
        const texts = el('div', {}, ...TEXTS.filter((k) => h[k]).map((k) =>
          el('p', {}, el('strong', {}, t(`handover.label.${k}`)), ' ', data(h[k]))));
        const tickets = h.tickets.map((x) => el('div', {},
          el('a', { href: `#tickets/${x.ticket_id}` }, data(x.number)), ' ', data(x.title), x.note ? data(` (${x.note})`) : ''));
        let ack;
        if (h.acknowledged_by_name) {
          ack = el('span', { 'data-acknowledged': 'true' }, t('handover.ack_by', { name: h.acknowledged_by_name }));
        } else if (this.writer && h.written_by !== this.user.id) {
          ack = el('button', { type: 'button', class: 'acknowledge', onclick: () => this.acknowledge(h) }, t('handover.acknowledge'));
        } else {
          ack = el('span', {}, t('handover.waiting_ack'));
        }
        return el('tr', { 'data-handover-id': h.id },
          el('td', {}, dayEl(h.day)), el('td', {}, data(h.shift_name)),
          el('td', {}, data(h.written_by_name), ' ', timeEl(h.written_at, this.zone, true)),
          el('td', {}, texts), el('td', {}, ...tickets),
          el('td', {}, ack, h.alerted_at && !h.acknowledged_at ? el('div', { class: 'bad' }, t('handover.alerted')) : ''));
      });
      list($('handover-log'), 'handover.col', ['day', 'shift', 'by', 'texts', 'tickets', 'ack'], rows, 'handover.log_none');
      $('handover-log').dataset.q = this.filter.q ?? '';
      pager($('handover-pager'), page, (o) => { this.offset = o; this.loadLog(); });
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  async acknowledge(h) {
    try {
      await api.post(`/handovers/${h.id}/acknowledge`, {});
      notice(t('handover.acknowledged'));
      await this.loadLog();
    } catch (err) {
      notice(err, true);
    }
  }

  async loadChecks() {
    try {
      const [today, page] = await Promise.all([api.get('/equipment-checks/today'), api.get('/equipment-checks', { limit: 50 })]);
      const state = (c) => (c ? t('checks.done', { time: timeEl(c.checked_at, this.zone).textContent }) : t('checks.missing'));
      $('checks-today').replaceChildren(
        el('li', { 'data-half': 'morning', 'data-done': String(!!today.morning) }, t('checks.morning', { state: state(today.morning) })),
        el('li', { 'data-half': 'afternoon', 'data-done': String(!!today.afternoon) }, t('checks.afternoon', { state: state(today.afternoon) })));
      const rows = page.items.map((c) => el('tr', { 'data-check-id': c.id, 'data-result': c.result },
        el('td', {}, timeEl(c.checked_at, this.zone, true)), el('td', {}, data(c.checked_by_name)),
        el('td', {}, data(c.equipment)), el('td', {}, t(`checks.${c.result}`)), el('td', {}, data(c.note)),
        el('td', {}, c.ticket_id ? el('a', { href: `#tickets/${c.ticket_id}` }, data(c.ticket_number ?? '')) : '')));
      list($('checks-list'), 'checks.col', ['at', 'by', 'equipment', 'result', 'note', 'ticket'], rows, 'checks.none');
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  async record(e) {
    e.preventDefault();
    const form = e.target;
    clearErrors(form);
    const v = values(form);
    try {
      await api.post('/equipment-checks', { equipment: v.equipment ?? '', result: v.result ?? 'ok', note: v.note ?? '' });
      form.querySelector('[name="note"]').value = '';
      notice(t('checks.recorded'));
      await this.loadChecks();
    } catch (err) {
      showError(form, err);
    }
  }
}
