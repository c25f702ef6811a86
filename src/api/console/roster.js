// The duty roster (值班表): a week of days × shifts with the people on each, the shift leads
// marked and the public holidays flagged; previous and next week. Supervisors, managers and
// leads (for the people they lead) add and remove entries. Anyone on the roster asks to swap one
// of their future entries with a colleague's; the swaps list shows the requests, where the
// counterpart agrees and the leads approve or refuse (with a reason). The address
// #roster/<YYYY-MM-DD> opens the week of that day.

import * as api from './api.js';
import { add, t, term } from './i18n.js';
import { el, data, notice, showError, clearErrors, values, dayEl, localDay } from './ui.js';
import * as names from './names.js';

const $ = (id) => document.getElementById(id);
const PAGE = 20;
const ROSTERED = ['agent', 'remote_engineer', 'supervisor'];
const EDITORS = ['admin', 'supervisor', 'manager'];

add({
  en: {
    'nav.roster': 'Duty roster',
    'roster.title': 'Duty roster',
    'roster.previous': 'Previous week', 'roster.next': 'Next week', 'roster.this_week': 'This week',
    'roster.week': 'Week of {day}',
    'roster.shift': 'Shift',
    'roster.lead': 'Lead',
    'roster.holiday': 'Holiday',
    'roster.remove': 'Remove',
    'roster.removed': 'The entry is removed.',
    'roster.add_title': 'Put someone on the roster',
    'roster.add': 'Add',
    'roster.added': 'The entry is added.',
    'roster.ask': 'Ask to swap',
    'roster.swap_title': 'Swap my shift of {day}',
    'roster.swap_send': 'Ask for the swap',
    'roster.swap_cancel': 'Close',
    'roster.swap_asked': 'The swap is asked; your colleague and the leads decide.',
    'roster.swap_none': 'Nobody else is on this week\'s future shifts.',
    'roster.swaps': 'Swaps',
    'roster.tab.decide': 'To decide', 'roster.tab.mine': 'Mine', 'roster.tab.all': 'All',
    'roster.swaps_none': 'No swap here.',
    'roster.col.requester': 'Asked by', 'roster.col.counterpart': 'With', 'roster.col.reason': 'Reason',
    'roster.col.status': 'Status', 'roster.col.actions': 'Actions',
    'roster.approve': 'Agree / approve', 'roster.refuse': 'Refuse', 'roster.cancel': 'Cancel the request',
    'roster.approved': 'Your approval is recorded.', 'roster.refused': 'The swap is refused.', 'roster.cancelled': 'The request is cancelled.',
    'roster.refused_by': 'Refused by {name}: {reason}',
    'roster.agreed': 'colleague agreed',
    'roster.lead_ok': 'approved by {name}',
    'roster.refusal_reason': 'Why',
    'swap_status.requested': 'waiting', 'swap_status.approved': 'approved', 'swap_status.refused': 'refused', 'swap_status.cancelled': 'cancelled',
    'field.entry_id': 'My entry', 'field.counterpart_entry_id': 'Colleague\'s entry', 'field.user_id': 'Person', 'field.shift_id': 'Shift',
    'field.reason': 'Reason',
  },
  zh: {
    'nav.roster': '值班表',
    'roster.title': '值班表',
    'roster.previous': '上一周', 'roster.next': '下一周', 'roster.this_week': '本周',
    'roster.week': '{day} 起的一周',
    'roster.shift': '班次',
    'roster.lead': '值班长',
    'roster.holiday': '节假日',
    'roster.remove': '移除',
    'roster.removed': '已移除该排班。',
    'roster.add_title': '排班',
    'roster.add': '添加',
    'roster.added': '已添加排班。',
    'roster.ask': '申请换班',
    'roster.swap_title': '换我 {day} 的班',
    'roster.swap_send': '提交换班申请',
    'roster.swap_cancel': '关闭',
    'roster.swap_asked': '换班申请已提交，待对方同意及班长审批。',
    'roster.swap_none': '本周之后的班次上没有其他人。',
    'roster.swaps': '换班申请',
    'roster.tab.decide': '待我处理', 'roster.tab.mine': '我的', 'roster.tab.all': '全部',
    'roster.swaps_none': '没有换班申请。',
    'roster.col.requester': '申请人', 'roster.col.counterpart': '换班对象', 'roster.col.reason': '原因',
    'roster.col.status': '状态', 'roster.col.actions': '操作',
    'roster.approve': '同意 / 批准', 'roster.refuse': '拒绝', 'roster.cancel': '撤回申请',
    'roster.approved': '已记录您的同意。', 'roster.refused': '已拒绝该换班。', 'roster.cancelled': '申请已撤回。',
    'roster.refused_by': '{name} 拒绝：{reason}',
    'roster.agreed': '对方已同意',
    'roster.lead_ok': '{name} 已批准',
    'roster.refusal_reason': '拒绝原因',
    'swap_status.requested': '待审批', 'swap_status.approved': '已批准', 'swap_status.refused': '已拒绝', 'swap_status.cancelled': '已撤回',
    'field.entry_id': '我的班次', 'field.counterpart_entry_id': '对方班次', 'field.user_id': '人员', 'field.shift_id': '班次',
    'field.reason': '原因',
  },
});

/** The day `n` days after `ymd` (both `YYYY-MM-DD`). */
function plus(ymd, n) {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The Monday of the week of `ymd`. */
function monday(ymd) {
  const d = new Date(`${ymd}T00:00:00Z`);
  return plus(ymd, -((d.getUTCDay() + 6) % 7));
}

export class RosterView {
  constructor(user) {
    this.user = user;
    this.week = null;
    this.tab = 'decide';
    this.zone = null;
    this.build();
  }

  build() {
    const root = $('view-roster');
    const tabs = ['decide', 'mine', ...(EDITORS.includes(this.user.role) ? ['all'] : [])];
    root.replaceChildren(
      el('h1', {}, t('roster.title')),
      el('div', { class: 'toolbar' },
        el('button', { type: 'button', id: 'roster-prev', onclick: () => this.go(plus(this.week, -7)) }, t('roster.previous')),
        el('button', { type: 'button', id: 'roster-today', onclick: () => this.go(null) }, t('roster.this_week')),
        el('button', { type: 'button', id: 'roster-next', onclick: () => this.go(plus(this.week, 7)) }, t('roster.next')),
        el('strong', { id: 'roster-week' })),
      el('table', { id: 'roster-grid', class: 'list roster' }),
      el('div', { id: 'roster-add-box', hidden: true },
        el('h2', {}, t('roster.add_title')),
        el('form', { id: 'roster-add-form', class: 'inline', novalidate: true },
          el('label', {}, t('field.day'), ' ', el('select', { name: 'day' })),
          el('label', {}, t('field.shift_id'), ' ', el('select', { name: 'shift_id' })),
          el('label', {}, t('field.user_id'), ' ', el('select', { name: 'user_id' })),
          el('button', { type: 'submit' }, t('roster.add')))),
      el('div', { id: 'roster-swap-box', hidden: true },
        el('h2', { id: 'roster-swap-title' }),
        el('form', { id: 'roster-swap-form', novalidate: true },
          el('label', {}, t('field.counterpart_entry_id'), ' ', el('select', { name: 'counterpart_entry_id' })),
          el('label', {}, t('field.reason'), ' ', el('input', { name: 'reason', maxLength: 500, required: true })),
          el('button', { type: 'submit' }, t('roster.swap_send')),
          el('button', { type: 'button', id: 'roster-swap-close', onclick: () => { $('roster-swap-box').hidden = true; } }, t('roster.swap_cancel')))),
      el('h2', {}, t('roster.swaps')),
      el('div', { class: 'tabs', id: 'roster-tabs' },
        tabs.map((k) => el('button', { type: 'button', 'data-tab': k, onclick: () => { this.tab = k; this.loadSwaps(); } }, t(`roster.tab.${k}`)))),
      el('table', { id: 'roster-swaps', class: 'list' }));
    $('roster-add-form').addEventListener('submit', (e) => this.addEntry(e));
    $('roster-swap-form').addEventListener('submit', (e) => this.askSwap(e));
  }

  async show(rest) {
    if (!this.zone) this.zone = await names.zone();
    if (!this.shifts) this.shifts = (await api.get('/desk/shifts').catch(() => [])).filter((s) => s.active);
    if (this.canEdit === undefined) await this.readEditing();
    const asked = rest && /^\d{4}-\d{2}-\d{2}$/.test(rest[0] || '') ? rest[0] : null;
    this.week = monday(asked || this.week || localDay(new Date(), this.zone));
    await Promise.all([this.loadWeek(), this.loadSwaps()]);
  }

  go(day) {
    this.week = monday(day || localDay(new Date(), this.zone));
    location.hash = `#roster/${this.week}`;
  }

  /** Whether the caller adds entries, and whom: everyone rostered, or the people they lead. */
  async readEditing() {
    const all = (await names.colleagues()).filter((u) => ROSTERED.includes(u.role));
    if (EDITORS.includes(this.user.role)) {
      this.people = all;
    } else {
      const teams = await api.get('/teams').catch(() => []);
      const led = teams.filter((x) => x.active && x.lead_id === this.user.id).map((x) => x.id);
      this.people = led.length ? all.filter((u) => u.id !== this.user.id) : [];
    }
    this.canEdit = this.people.length > 0;
  }

  async loadWeek() {
    const days = [...Array(7).keys()].map((i) => plus(this.week, i));
    $('roster-week').textContent = t('roster.week', { day: dayEl(this.week).textContent });
    try {
      const years = [...new Set([days[0], days[6]].map((d) => Number(d.slice(0, 4))))];
      const [entries, ...holidays] = await Promise.all([
        api.get('/roster', { from: days[0], to: days[6] }),
        ...years.map((year) => api.get('/calendar/holidays', { year }).catch(() => [])),
      ]);
      this.entries = entries;
      const off = new Set(entries.filter((e) => e.holiday).map((e) => e.day));
      for (const h of holidays.flat()) if (h.kind === 'holiday') off.add(h.day);
      const now = new Date();
      const head = el('tr', {}, el('th', {}, t('roster.shift')),
        days.map((d) => el('th', { 'data-day': d, class: off.has(d) ? 'holiday' : '' }, dayEl(d),
          off.has(d) ? el('span', { class: 'badge holiday-badge' }, t('roster.holiday')) : null)));
      const rows = this.shifts.map((s) => el('tr', { 'data-shift-id': s.id },
        el('th', {}, data(s.name), ' ', el('span', { class: 'muted', translate: 'no' }, `${s.starts}–${s.ends}`)),
        days.map((d) => el('td', { 'data-day': d, 'data-shift-id': s.id, class: off.has(d) ? 'holiday' : '' },
          entries.filter((e) => e.day === d && e.shift_id === s.id).map((e) => this.entryEl(e, now))))));
      $('roster-grid').replaceChildren(el('thead', {}, head), el('tbody', {}, rows));
      this.fillAddForm(days);
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  entryEl(e, now) {
    const future = new Date(e.starts_at) > now;
    const mine = e.user_id === this.user.id;
    const mayRemove = future && this.canEdit && (EDITORS.includes(this.user.role) || this.people.some((p) => p.id === e.user_id));
    return el('div', { class: 'entry', 'data-entry-id': e.id, 'data-user-id': e.user_id },
      data(e.user_name),
      e.lead ? el('span', { class: 'badge lead-badge' }, t('roster.lead')) : null,
      mayRemove ? el('button', { type: 'button', class: 'remove', onclick: () => this.remove(e) }, t('roster.remove')) : null,
      mine && future && ROSTERED.includes(this.user.role)
        ? el('button', { type: 'button', class: 'ask-swap', onclick: () => this.openSwap(e) }, t('roster.ask')) : null);
  }

  fillAddForm(days) {
    $('roster-add-box').hidden = !this.canEdit;
    if (!this.canEdit) return;
    const form = $('roster-add-form');
    const keep = (name) => form.querySelector(`[name="${name}"]`).value;
    const [d, s, u] = [keep('day'), keep('shift_id'), keep('user_id')];
    form.querySelector('[name="day"]').replaceChildren(...days.map((x) => el('option', { value: x, selected: x === d }, dayEl(x).textContent)));
    form.querySelector('[name="shift_id"]').replaceChildren(...this.shifts.map((x) => el('option', { value: x.id, selected: String(x.id) === s }, x.name)));
    form.querySelector('[name="user_id"]').replaceChildren(...this.people.map((x) => el('option', { value: x.id, selected: String(x.id) === u }, x.display_name)));
  }

  async addEntry(e) {
    e.preventDefault();
    const form = e.target;
    clearErrors(form);
    const v = values(form);
    try {
      await api.post('/roster', { day: v.day, shift_id: Number(v.shift_id), user_id: Number(v.user_id) });
      notice(t('roster.added'));
      await this.loadWeek();
    } catch (err) {
      showError(form, err);
    }
  }

  async remove(entry) {
    try {
      await api.del(`/roster/${entry.id}`);
      notice(t('roster.removed'));
      await this.loadWeek();
    } catch (err) {
      notice(err, true);
    }
  }

  openSwap(entry) {
    this.swapping = entry;
    const form = $('roster-swap-form');
    form.reset();
    clearErrors(form);
    const now = new Date();
    const others = this.entries.filter((x) => x.user_id !== this.user.id && new Date(x.starts_at) > now);
    $('roster-swap-title').replaceChildren(t('roster.swap_title', { day: dayEl(entry.day).textContent }));
    form.querySelector('[name="counterpart_entry_id"]').replaceChildren(...others.map((x) =>
      el('option', { value: x.id }, `${x.user_name} · ${dayEl(x.day).textContent} · ${x.shift_name}`)));
    if (!others.length) notice(t('roster.swap_none'));
    $('roster-swap-box').hidden = false;
  }

  async askSwap(e) {
    e.preventDefault();
    const form = e.target;
    clearErrors(form);
    const v = values(form);
    try {
      await api.post('/roster/swaps', {
        entry_id: this.swapping.id,
        counterpart_entry_id: Number(v.counterpart_entry_id) || 0,
        reason: v.reason ?? '',
      });
      $('roster-swap-box').hidden = true;
      notice(t('roster.swap_asked'));
      this.tab = 'mine';
      await this.loadSwaps();
    } catch (err) {
      showError(form, err);
    }
  }

  async loadSwaps() {
    for (const b of $('roster-tabs').children) b.classList.toggle('current', b.dataset.tab === this.tab);
    try {
      const page = await api.get('/roster/swaps', { scope: this.tab, limit: PAGE });
      const side = (name, d, shift) => el('span', {}, data(name), ' ', dayEl(d), ' ', data(shift));
      const rows = page.items.map((s) => el('tr', { 'data-swap-id': s.id, 'data-status': s.status },
        el('td', {}, side(s.requester_name, s.requester_day, s.requester_shift_name)),
        el('td', {}, side(s.counterpart_name, s.counterpart_day, s.counterpart_shift_name)),
        el('td', {}, data(s.reason)),
        el('td', {}, this.statusEl(s)),
        el('td', {}, this.actions(s))));
      const cols = ['requester', 'counterpart', 'reason', 'status', 'actions'];
      $('roster-swaps').replaceChildren(
        el('thead', {}, el('tr', {}, cols.map((c) => el('th', {}, t(`roster.col.${c}`))))),
        el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colSpan: cols.length }, t('roster.swaps_none')))));
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  statusEl(s) {
    const parts = [el('strong', { class: 'swap-status' }, term('swap_status', s.status))];
    if (s.agreed_at) parts.push(el('div', { class: 'muted' }, t('roster.agreed')));
    for (const n of new Set([s.requester_lead_name, s.counterpart_lead_name].filter(Boolean))) {
      parts.push(el('div', { class: 'muted lead-ok' }, t('roster.lead_ok', { name: n })));
    }
    if (s.status === 'refused') {
      parts.push(el('div', { class: 'refusal' }, t('roster.refused_by', { name: s.refused_by_name ?? '', reason: s.refusal ?? '' })));
    }
    return parts;
  }

  actions(s) {
    const out = [];
    if (s.can_approve) out.push(el('button', { type: 'button', class: 'approve', onclick: () => this.decide(s, 'approve') }, t('roster.approve')));
    if (s.can_refuse) {
      const form = el('form', { class: 'inline refuse', novalidate: true },
        el('label', {}, el('input', { name: 'reason', maxLength: 500, required: true, 'aria-label': t('roster.refusal_reason'), placeholder: t('roster.refusal_reason') })),
        el('button', { type: 'submit' }, t('roster.refuse')));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        this.decide(s, 'refuse', form);
      });
      out.push(form);
    }
    if (s.can_cancel) out.push(el('button', { type: 'button', class: 'cancel', onclick: () => this.decide(s, 'cancel') }, t('roster.cancel')));
    return out;
  }

  async decide(s, what, form) {
    if (form) clearErrors(form);
    try {
      await api.post(`/roster/swaps/${s.id}/${what}`, what === 'refuse' ? { reason: values(form).reason ?? '' } : {});
      notice(t(what === 'approve' ? 'roster.approved' : what === 'refuse' ? 'roster.refused' : 'roster.cancelled'));
      await Promise.all([this.loadSwaps(), this.loadWeek()]);
    } catch (err) {
      if (form) showError(form, err);
      else notice(err, true);
    }
  }
}
