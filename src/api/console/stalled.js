// Stalled work (工单滞留 / 督办): the chases addressed to me, to answer; the stalled list of the
// work I may see (all of it for supervisors and managers, my people's for a lead), each with
// its chase or a form to chase it; and the stall rules (an admin changes them).

import * as api from './api.js';
import { add, t, term, number } from './i18n.js';
import { el, notice, timeEl, data, pager, list, showError, clearErrors, values, instant } from './ui.js';

const PAGE = 50;
const $ = (id) => document.getElementById(id);

const STATES = {
  en: {
    hotline_new: 'Hotline, new', hotline_in_progress: 'Hotline, in progress', remote_new: 'Remote, new', remote_in_progress: 'Remote, in progress',
    onsite_new: 'On site, no visit yet', onsite_in_progress: 'On site, in progress', reopened: 'Reopened', waiting_on_customer: 'Waiting on the customer',
    visit_scheduled: 'Visit not assigned', visit_assigned: 'Visit assigned, not accepted', visit_accepted: 'Visit accepted, not on the way',
    visit_en_route: 'Technician on the way', visit_on_site: 'Technician on site',
  },
  zh: {
    hotline_new: '热线·新建', hotline_in_progress: '热线·处理中', remote_new: '远程·新建', remote_in_progress: '远程·处理中',
    onsite_new: '现场·未派工', onsite_in_progress: '现场·处理中', reopened: '已重开', waiting_on_customer: '等待客户',
    visit_scheduled: '上门未派工', visit_assigned: '上门已派、未接单', visit_accepted: '已接单、未出发',
    visit_en_route: '工程师在途', visit_on_site: '工程师在现场',
  },
};
const WAITS = {
  en: { holder: 'its holder', customer: 'the customer', dispatcher: 'a dispatcher', technician_acceptance: 'the technician to accept', technician: 'the technician' },
  zh: { holder: '处理人', customer: '客户', dispatcher: '调度员', technician_acceptance: '工程师接单', technician: '工程师' },
};
const CHASE = {
  en: { open: 'chased, waiting for an answer', climbed: 'unanswered, passed to the supervisor', answered: 'answered' },
  zh: { open: '已催办，待答复', climbed: '逾期未答复，已报上级', answered: '已答复' },
};
const prefixed = (p, o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p}.${k}`, v]));

add({
  en: {
    ...prefixed('stall_state', STATES.en),
    ...prefixed('waits_for', WAITS.en),
    ...prefixed('chase_status', CHASE.en),
    'nav.stalled': 'Stalled work',
    'stalled.title': 'Stalled work',
    'stalled.mine': 'Chases to answer',
    'stalled.mine_none': 'No chase waits for your answer.',
    'stalled.list': 'Work stalled past its rule',
    'stalled.none': 'No stalled work.',
    'stalled.team': 'Team', 'stalled.holder': 'Holder', 'stalled.all': 'All',
    'stalled.col.work': 'Work', 'stalled.col.customer': 'Customer', 'stalled.col.state': 'State', 'stalled.col.stalled': 'Stalled (working hours)',
    'stalled.col.holder': 'Holder', 'stalled.col.team': 'Team', 'stalled.col.waits': 'Waits for', 'stalled.col.chase': 'Chase',
    'stalled.col.note': 'Note', 'stalled.col.by': 'Chased by', 'stalled.col.due': 'Answer by', 'stalled.col.answer': 'Your answer',
    'stalled.hours': '{hours} of {limit}',
    'stalled.visit': 'visit {id}',
    'stalled.chase': 'Chase',
    'stalled.chase_title': 'Chase {work}',
    'stalled.send': 'Send the chase',
    'stalled.cancel': 'Cancel',
    'stalled.chased': 'The chase is sent.',
    'stalled.answer': 'Answer',
    'stalled.answered': 'Your answer is sent.',
    'stalled.due_hint': 'Empty: four working hours from now',
    'stalled.chase_due': '{status}, answer by {due}',
    'stalled.rules': 'Stall rules',
    'stalled.rules_hint': 'Working hours without a timeline event that make work in a state stalled; empty: never.',
    'stalled.col.rule_state': 'State', 'stalled.col.rule_hours': 'Working hours', 'stalled.col.rule_default': 'Default', 'stalled.col.rule_by': 'Changed by',
    'stalled.save': 'Save',
    'stalled.saved': 'The rule is saved.',
    'field.due_at': 'Answer by', 'field.hours': 'Working hours',
    // The job that passes unanswered chases on, as the admin's jobs page names it.
    'job.chase_climb': 'Unanswered chases', 'job_does.chase_climb': 'Passes each chase unanswered past its due time to the holder\'s supervisor, once.',
    'event.chased': 'chased', 'event.chase_answered': 'chase answered', 'event.chase_climbed': 'unanswered chase passed to the supervisor',
  },
  zh: {
    ...prefixed('stall_state', STATES.zh),
    ...prefixed('waits_for', WAITS.zh),
    ...prefixed('chase_status', CHASE.zh),
    'nav.stalled': '滞留督办',
    'stalled.title': '滞留工单督办',
    'stalled.mine': '待我答复的催办',
    'stalled.mine_none': '没有待您答复的催办。',
    'stalled.list': '超过滞留规则的工作',
    'stalled.none': '没有滞留的工作。',
    'stalled.team': '班组', 'stalled.holder': '处理人', 'stalled.all': '全部',
    'stalled.col.work': '工作', 'stalled.col.customer': '客户', 'stalled.col.state': '状态', 'stalled.col.stalled': '滞留（工作小时）',
    'stalled.col.holder': '处理人', 'stalled.col.team': '班组', 'stalled.col.waits': '等待', 'stalled.col.chase': '催办',
    'stalled.col.note': '催办内容', 'stalled.col.by': '催办人', 'stalled.col.due': '答复时限', 'stalled.col.answer': '您的答复',
    'stalled.hours': '{hours} / {limit}',
    'stalled.visit': '上门 {id}',
    'stalled.chase': '催办',
    'stalled.chase_title': '催办 {work}',
    'stalled.send': '发出催办',
    'stalled.cancel': '取消',
    'stalled.chased': '催办已发出。',
    'stalled.answer': '答复',
    'stalled.answered': '答复已发出。',
    'stalled.due_hint': '留空：从现在起四个工作小时',
    'stalled.chase_due': '{status}，{due} 前答复',
    'stalled.rules': '滞留规则',
    'stalled.rules_hint': '在某状态下多少个工作小时没有时间线事件即为滞留；留空：不计滞留。',
    'stalled.col.rule_state': '状态', 'stalled.col.rule_hours': '工作小时', 'stalled.col.rule_default': '默认', 'stalled.col.rule_by': '修改人',
    'stalled.save': '保存',
    'stalled.saved': '规则已保存。',
    'field.due_at': '答复时限', 'field.hours': '工作小时',
    'job.chase_climb': '催办逾期上报', 'job_does.chase_climb': '催办逾期未答复的，报处理人的上级一次。',
    'event.chased': '催办', 'event.chase_answered': '催办已答复', 'event.chase_climbed': '催办逾期，已报上级',
  },
});

/** The work a row or a chase is about: its ticket number, and the visit when it is one. */
function work(x) {
  const visit = x.visit_id ? t('stalled.visit', { id: x.visit_id }) : null;
  if (x.ticket_number) return visit ? `${x.ticket_number} · ${visit}` : x.ticket_number;
  return visit || '';
}

export class StalledView {
  constructor(user) {
    this.user = user;
    this.offset = 0;
    this.filter = {};
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.teams = new Map();
    this.holders = new Map();
    this.canList = user.role !== 'technician' && user.role !== 'account_manager';
    $('stalled-list-box').hidden = !this.canList;
    for (const id of ['stalled-team', 'stalled-holder']) {
      $(id).onchange = () => {
        this.filter = { team_id: $('stalled-team').value || undefined, holder_id: $('stalled-holder').value || undefined };
        this.offset = 0;
        this.loadList();
      };
    }
    $('stalled-chase-form').addEventListener('submit', (e) => this.sendChase(e));
    $('stalled-chase-cancel').onclick = () => { $('stalled-chase-box').hidden = true; };
  }

  async show() {
    if (!this.zoneRead) {
      const cal = await api.get('/calendar').catch(() => null);
      if (cal) {
        this.zone = cal.time_zone;
        this.zoneRead = true;
      }
    }
    await Promise.all([this.loadMine(), this.canList ? this.loadList() : null, this.loadRules()]);
  }

  async loadMine() {
    try {
      const page = await api.get('/chases/mine', { open: true, limit: PAGE });
      const rows = page.items.map((c) => {
        const form = el('form', { class: 'inline answer', 'data-chase-id': c.id },
          el('label', {}, el('input', { name: 'note', maxLength: 2000, required: true, 'aria-label': t('stalled.col.answer') })),
          el('button', { type: 'submit' }, t('stalled.answer')));
        form.addEventListener('submit', (e) => this.answer(e, c));
        return el('tr', { 'data-chase-id': c.id, 'data-status': c.status },
          el('td', {}, c.ticket_id ? el('a', { href: `#tickets/${c.ticket_id}` }, data(work(c))) : data(work(c))),
          el('td', {}, data(c.note)), el('td', {}, data(c.chased_by_name)),
          el('td', {}, timeEl(c.due_at, this.zone, true), ' ', term('chase_status', c.status)),
          el('td', {}, form));
      });
      list($('stalled-mine'), 'stalled.col', ['work', 'note', 'by', 'due', 'answer'], rows, 'stalled.mine_none');
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  async answer(e, c) {
    e.preventDefault();
    const form = e.target;
    clearErrors(form);
    try {
      await api.post(`/chases/${c.id}/answer`, { note: values(form).note ?? '' });
      notice(t('stalled.answered'));
      await this.loadMine();
      if (this.canList) await this.loadList();
    } catch (err) {
      showError(form, err);
    }
  }

  async loadList() {
    try {
      const page = await api.get('/stalled', { ...this.filter, limit: PAGE, offset: this.offset });
      this.options(page.items);
      const rows = page.items.map((x) => el('tr', { 'data-ticket-id': x.ticket_id ?? '', 'data-visit-id': x.visit_id ?? '', 'data-state': x.state },
        el('td', {}, x.ticket_id ? el('a', { href: `#tickets/${x.ticket_id}` }, data(work(x))) : data(work(x)), x.title ? data(x.title, 'div', { class: 'muted' }) : null),
        el('td', {}, data(x.customer_name ?? '')),
        el('td', {}, term('stall_state', x.state)),
        el('td', { class: 'num' }, t('stalled.hours', { hours: number(x.stalled_hours), limit: number(x.limit_hours) })),
        el('td', {}, data(x.holder_name)),
        el('td', {}, data(x.team_name ?? '')),
        el('td', {}, term('waits_for', x.waits_for)),
        el('td', { class: 'chase' }, x.open_chase
          ? el('span', { 'data-chase-status': x.open_chase.status }, t('stalled.chase_due', { status: term('chase_status', x.open_chase.status), due: timeEl(x.open_chase.due_at, this.zone, true).textContent }))
          : el('button', { type: 'button', class: 'chase-button', onclick: () => this.openChase(x) }, t('stalled.chase')))));
      list($('stalled-list'), 'stalled.col', ['work', 'customer', 'state', 'stalled', 'holder', 'team', 'waits', 'chase'], rows, 'stalled.none');
      pager($('stalled-pager'), page, (o) => { this.offset = o; this.loadList(); });
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  /** The team and holder filters offer those met in the list so far. */
  options(items) {
    for (const x of items) {
      if (x.team_id) this.teams.set(String(x.team_id), x.team_name);
      this.holders.set(String(x.holder_id), x.holder_name);
    }
    for (const [id, map] of [['stalled-team', this.teams], ['stalled-holder', this.holders]]) {
      const select = $(id);
      const chosen = select.value;
      select.replaceChildren(el('option', { value: '' }, t('stalled.all')),
        ...[...map].map(([k, name]) => el('option', { value: k, selected: k === chosen }, name)));
    }
  }

  openChase(x) {
    this.chasing = x;
    const form = $('stalled-chase-form');
    form.reset();
    clearErrors(form);
    $('stalled-chase-title').textContent = t('stalled.chase_title', { work: work(x) });
    $('stalled-chase-box').hidden = false;
    form.querySelector('[name="note"]').focus();
  }

  async sendChase(e) {
    e.preventDefault();
    const form = e.target;
    clearErrors(form);
    const v = values(form);
    const x = this.chasing;
    const body = { note: v.note ?? '', due_at: instant(v.due_at) };
    if (x.visit_id) body.visit_id = x.visit_id;
    else body.ticket_id = x.ticket_id;
    try {
      await api.post('/chases', body);
      $('stalled-chase-box').hidden = true;
      notice(t('stalled.chased'));
      await this.loadList();
    } catch (err) {
      showError(form, err);
    }
  }

  async loadRules() {
    try {
      const rules = await api.get('/stall-rules');
      const admin = this.user.role === 'admin';
      const rows = rules.map((r) => {
        const input = el('input', { name: 'hours', type: 'number', min: 1, max: 400, value: r.hours ?? '', disabled: !admin, 'aria-label': t('field.hours') });
        const form = el('form', { class: 'inline', 'data-state': r.state },
          el('label', {}, input), admin ? el('button', { type: 'submit' }, t('stalled.save')) : null);
        form.addEventListener('submit', async (e) => {
          e.preventDefault();
          clearErrors(form);
          try {
            const raw = input.value.trim();
            await api.put(`/stall-rules/${r.state}`, { hours: raw === '' ? null : Number(raw) });
            notice(t('stalled.saved'));
            await this.loadRules();
          } catch (err) {
            showError(form, err);
          }
        });
        return el('tr', { 'data-state': r.state },
          el('td', {}, term('stall_state', r.state)), el('td', {}, form),
          el('td', { class: 'num' }, r.default_hours ?? ''), el('td', {}, data(r.updated_by_name ?? '')));
      });
      list($('stalled-rules'), 'stalled.col', ['rule_state', 'rule_hours', 'rule_default', 'rule_by'], rows, 'stalled.none');
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }
}
