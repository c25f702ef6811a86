// The revisit queue for the revisit callers (agents and supervisors): the week's target and each
// caller's progress, the queue with its filters and pages, one revisit with its customer, site
// and asset by name, taking it (or, for a supervisor, giving it to a colleague), and recording
// the call's outcome. An outcome that leaves the customer unsatisfied (a score of 2 or less, or a
// follow-up asked for) opens a ticket: the page links to it. The score of a satisfaction revisit
// is the closed ticket's survey answer.

import * as api from './api.js';
import { add, t, term, number, day, errorText } from './i18n.js';
import { el, notice, showError, clearErrors, values, timeEl, dayEl, data, pager, list } from './ui.js';
import { customerPicker } from './lookup.js';
import * as names from './names.js';

const PAGE = 25;
const $ = (id) => document.getElementById(id);
/** A score at or below this opens a ticket (`domain::revisit::UNSATISFIED_MAX_SCORE`). */
const UNSATISFIED_MAX = 2;

add({
  en: {
    'revisits.title': 'Revisits',
    'revisits.progress': 'This week: {week} ({from} – {to}), target {target} a caller',
    'revisits.progress.none': 'No caller this week yet.',
    'revisits.progress.mine': 'Your week: {done} of {target} done, {remaining} to go.',
    'revisits.progress.met': 'target met',
    'revisits.col.caller': 'Caller', 'revisits.col.done': 'Done', 'revisits.col.reached': 'Reached', 'revisits.col.tickets': 'Tickets opened',
    'revisits.col.remaining': 'Left to target', 'revisits.col.assigned_due': 'Assigned, still due',
    'revisits.col.due_on': 'Due', 'revisits.col.kind': 'Kind', 'revisits.col.customer': 'Customer', 'revisits.col.ticket': 'Ticket',
    'revisits.col.assigned': 'Caller', 'revisits.col.status': 'Status',
    'revisits.filter.status': 'Status', 'revisits.filter.kind': 'Kind', 'revisits.filter.agent': 'Caller', 'revisits.filter.customer': 'Customer',
    'revisits.filter.due_by': 'Due by', 'revisits.filter.submit': 'Filter', 'revisits.filter.any': 'any', 'revisits.filter.anyone': 'anyone',
    'revisits.filter.me': 'me',
    'revisits.none': 'No revisit matches.', 'revisits.pick': 'Pick a revisit to call the customer.',
    'revisits.overdue': 'overdue', 'revisits.anyone': 'anyone',
    'revisit_kind.periodic': 'periodic revisit', 'revisit_kind.satisfaction': 'satisfaction call',
    'revisit_status.due': 'due', 'revisit_status.done': 'done', 'revisit_status.missed': 'missed',
    'revisits.detail.due': 'Due', 'revisits.detail.customer': 'Customer', 'revisits.detail.site': 'Site', 'revisits.detail.asset': 'Asset',
    'revisits.detail.ticket': 'Ticket', 'revisits.detail.caller': 'Caller', 'revisits.detail.status': 'Status',
    'revisits.detail.about.satisfaction': 'Ask the customer how satisfied they are with the work on the ticket: their score is the ticket\'s survey answer.',
    'revisits.detail.about.periodic': 'A periodic call about the delivered installation: how it runs, anything to fix.',
    'revisits.outcome.title': 'Outcome',
    'revisits.outcome.reached': 'Customer reached', 'revisits.outcome.not_reached': 'Customer not reached',
    'revisits.outcome.score': 'Score: {score} of 5', 'revisits.outcome.follow_up': 'Follow-up asked for',
    'revisits.outcome.by': 'Recorded by', 'revisits.outcome.opened': 'Ticket opened from this call:',
    'revisits.step.take': 'Take it', 'revisits.step.give_back': 'Give it back', 'revisits.step.assign': 'Assign',
    'revisits.step.outcome': 'Record the outcome',
    'revisits.step.done': '{action}: done.',
    'revisits.step.opened': 'The outcome is recorded and ticket {number} is opened for the follow-up.',
    'revisits.opens_ticket': 'A score of 2 or less, or a follow-up, opens a ticket for the customer.',
    'field.reached': 'Was the customer reached?', 'field.score': 'Satisfaction score', 'field.follow_up_needed': 'Follow-up needed',
    'field.agent_id': 'Caller',
    'revisits.reached.yes': 'yes, reached', 'revisits.reached.no': 'no, not reached',
    'revisits.score.pick': 'pick a score',
    'score.1': '1 very dissatisfied', 'score.2': '2 dissatisfied', 'score.3': '3 neutral', 'score.4': '4 satisfied', 'score.5': '5 very satisfied',
  },
  zh: {
    'revisits.title': '回访',
    'revisits.progress': '本周：{week}（{from} – {to}），每人目标 {target} 个',
    'revisits.progress.none': '本周尚无回访人员。',
    'revisits.progress.mine': '您本周：已完成 {done} 个，目标 {target} 个，还差 {remaining} 个。',
    'revisits.progress.met': '已达标',
    'revisits.col.caller': '回访人', 'revisits.col.done': '已完成', 'revisits.col.reached': '已联系上', 'revisits.col.tickets': '已开工单',
    'revisits.col.remaining': '距目标', 'revisits.col.assigned_due': '已分配待回访',
    'revisits.col.due_on': '到期日', 'revisits.col.kind': '类型', 'revisits.col.customer': '客户', 'revisits.col.ticket': '工单',
    'revisits.col.assigned': '回访人', 'revisits.col.status': '状态',
    'revisits.filter.status': '状态', 'revisits.filter.kind': '类型', 'revisits.filter.agent': '回访人', 'revisits.filter.customer': '客户',
    'revisits.filter.due_by': '到期不晚于', 'revisits.filter.submit': '筛选', 'revisits.filter.any': '全部', 'revisits.filter.anyone': '任何人',
    'revisits.filter.me': '我',
    'revisits.none': '没有符合条件的回访。', 'revisits.pick': '选择一个回访，致电客户。',
    'revisits.overdue': '已逾期', 'revisits.anyone': '任何人',
    'revisit_kind.periodic': '定期回访', 'revisit_kind.satisfaction': '满意度回访',
    'revisit_status.due': '待回访', 'revisit_status.done': '已完成', 'revisit_status.missed': '已错过',
    'revisits.detail.due': '到期日', 'revisits.detail.customer': '客户', 'revisits.detail.site': '地点', 'revisits.detail.asset': '设备',
    'revisits.detail.ticket': '工单', 'revisits.detail.caller': '回访人', 'revisits.detail.status': '状态',
    'revisits.detail.about.satisfaction': '询问客户对该工单处理结果的满意度：评分即为该工单的满意度调查答复。',
    'revisits.detail.about.periodic': '对已交付设备的定期回访：运行情况、需要处理的问题。',
    'revisits.outcome.title': '回访结果',
    'revisits.outcome.reached': '已联系上客户', 'revisits.outcome.not_reached': '未联系上客户',
    'revisits.outcome.score': '评分：{score} 分（满分 5 分）', 'revisits.outcome.follow_up': '需要跟进',
    'revisits.outcome.by': '记录人：', 'revisits.outcome.opened': '由此次回访开立的工单：',
    'revisits.step.take': '领取', 'revisits.step.give_back': '退回', 'revisits.step.assign': '分配',
    'revisits.step.outcome': '记录回访结果',
    'revisits.step.done': '{action}：已完成。',
    'revisits.step.opened': '回访结果已记录，并已开立工单 {number} 以便跟进。',
    'revisits.opens_ticket': '评分 2 分及以下或需要跟进时，将为客户开立工单。',
    'field.reached': '是否联系上客户', 'field.score': '满意度评分', 'field.follow_up_needed': '需要跟进',
    'field.agent_id': '回访人',
    'revisits.reached.yes': '是，已联系上', 'revisits.reached.no': '否，未联系上',
    'revisits.score.pick': '选择评分',
    'score.1': '1 非常不满意', 'score.2': '2 不满意', 'score.3': '3 一般', 'score.4': '4 满意', 'score.5': '5 非常满意',
  },
});

const option = (value, text, selected) => el('option', { value, selected: !!selected }, text);
const label = (key, control) => el('label', {}, t(key), control);
const fact = (key, ...value) => el('li', {}, el('span', {}, t(key)), ': ', ...value);

/** Who may hand a revisit to someone else (`policy::followup::Act::AssignRevisitToOthers`). */
const ASSIGNERS = ['admin', 'supervisor'];

export class RevisitQueue {
  constructor(user) {
    this.user = user;
    this.offset = 0;
    this.selected = null;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.buildFilters();
  }

  buildFilters() {
    const form = $('revisit-filters');
    const any = () => option('', t('revisits.filter.any'));
    this.customer = customerPicker('customer_id');
    this.agentSelect = el('select', { name: 'agent_id' }, option('', t('revisits.filter.anyone')), option(String(this.user.id), t('revisits.filter.me')));
    form.replaceChildren(
      label('revisits.filter.status', el('select', { name: 'status' }, any(), ...['due', 'done', 'missed'].map((s) => option(s, term('revisit_status', s), s === 'due')))),
      label('revisits.filter.kind', el('select', { name: 'kind' }, any(), ...['periodic', 'satisfaction'].map((s) => option(s, term('revisit_kind', s))))),
      label('revisits.filter.agent', this.agentSelect),
      label('revisits.filter.customer', this.customer.node),
      label('revisits.filter.due_by', el('input', { name: 'due_by', type: 'date' })),
      el('button', { type: 'submit' }, t('revisits.filter.submit')),
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
      if (ASSIGNERS.includes(this.user.role)) {
        const callers = (await names.colleagues()).filter((u) => ['agent', 'supervisor'].includes(u.role) && u.id !== this.user.id);
        this.agentSelect.append(...callers.map((u) => el('option', { value: u.id, translate: 'no' }, u.display_name)));
      }
    }
    this.loadProgress();
    await this.load();
    const id = Number(rest[0]);
    if (id) this.open(id);
  }

  stop() {}

  async loadProgress() {
    const box = $('revisit-progress');
    let p;
    try {
      p = await api.get('/revisits/progress');
    } catch (err) {
      // Not every caller may read the week's progress.
      box.replaceChildren();
      if (err.status !== 403) box.append(el('p', { class: 'form-error' }, errorText(err)));
      return;
    }
    const heading = el('h2', {}, t('revisits.progress', { week: p.week, from: day(p.starts_on), to: day(p.ends_on), target: number(p.target) }));
    const mine = p.agents.find((a) => a.agent_id === this.user.id);
    const rows = p.agents.map((a) => el('tr', { 'data-agent-id': a.agent_id, 'data-target-met': String(a.target_met) },
      el('td', {}, data(a.display_name)),
      el('td', {}, number(a.done)), el('td', {}, number(a.reached)), el('td', {}, number(a.tickets_opened)),
      el('td', {}, a.target_met ? el('span', { class: 'badge slack-ok' }, t('revisits.progress.met')) : number(a.remaining)),
      el('td', {}, number(a.assigned_due)),
      el('td', {}, el('meter', { min: 0, max: a.target || 1, value: Math.min(a.done, a.target || 1) }))));
    box.replaceChildren(
      heading,
      mine ? el('p', { id: 'revisit-mine' }, t('revisits.progress.mine', { done: number(mine.done), target: number(mine.target), remaining: number(mine.remaining) })) : '',
      el('table', { class: 'list' },
        el('thead', {}, el('tr', {}, ['caller', 'done', 'reached', 'tickets', 'remaining', 'assigned_due'].map((h) => el('th', {}, t(`revisits.col.${h}`))), el('th'))),
        el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colSpan: 7 }, t('revisits.progress.none'))))),
    );
  }

  async load() {
    const form = $('revisit-filters');
    clearErrors(form);
    try {
      const page = await api.get('/revisits', { ...values(form), limit: PAGE, offset: this.offset });
      const callers = await names.many(names.user, page.items.map((r) => r.assigned_to));
      this.renderList(page, callers);
    } catch (err) {
      showError(form, err);
    }
  }

  renderList(page, callers) {
    const cols = ['due_on', 'kind', 'customer', 'ticket', 'assigned', 'status'];
    const rows = page.items.map((r) => el('tr', {
      class: `row${r.id === this.selected ? ' selected' : ''}`, 'data-revisit-id': r.id, 'data-status': r.status, tabIndex: 0,
      onclick: () => { location.hash = `#revisits/${r.id}`; },
      onkeydown: (ev) => { if (ev.key === 'Enter') location.hash = `#revisits/${r.id}`; },
    },
    el('td', {}, dayEl(r.due_on)),
    el('td', {}, term('revisit_kind', r.kind)),
    el('td', {}, data(r.customer_name)),
    el('td', {}, r.ticket_number ? data(r.ticket_number) : ''),
    el('td', {}, r.assigned_to ? data(callers[r.assigned_to] ?? '') : el('span', { class: 'muted' }, t('revisits.anyone'))),
    el('td', {}, term('revisit_status', r.status), r.overdue ? [' ', el('span', { class: 'badge slack-breached' }, t('revisits.overdue'))] : '')));
    list($('revisit-list'), 'revisits.col', cols, rows, 'revisits.none');
    pager($('revisit-pager'), page, (o) => { this.offset = o; this.load(); });
  }

  async open(id) {
    this.selected = id;
    const panel = $('revisit-detail');
    try {
      const r = await api.get(`/revisits/${id}`);
      const [site, asset, caller, doneBy, opened] = await Promise.all([
        names.site(r.site_id), names.asset(r.asset_id), names.user(r.assigned_to), names.user(r.done_by),
        r.opened_ticket_id ? api.get(`/tickets/${r.opened_ticket_id}`).catch(() => null) : null,
      ]);
      this.renderDetail(r, { site, asset, caller, doneBy, opened });
      for (const row of document.querySelectorAll('#revisit-list tr.row')) row.classList.toggle('selected', Number(row.dataset.revisitId) === id);
    } catch (err) {
      panel.replaceChildren(el('p', { class: 'form-error' }, errorText(err)));
    }
  }

  renderDetail(r, n) {
    const due = r.status === 'due';
    $('revisit-detail').replaceChildren(...[
      el('h2', {}, term('revisit_kind', r.kind), ' · ', data(r.customer_name)),
      el('p', { class: 'muted' }, t(`revisits.detail.about.${r.kind}`)),
      el('ul', { class: 'facts', id: 'revisit-facts', 'data-status': r.status },
        fact('revisits.detail.status', term('revisit_status', r.status), r.overdue ? [' ', el('span', { class: 'badge slack-breached' }, t('revisits.overdue'))] : ''),
        fact('revisits.detail.due', dayEl(r.due_on)),
        fact('revisits.detail.customer', data(r.customer_name)),
        n.site ? fact('revisits.detail.site', data(n.site)) : null,
        n.asset ? fact('revisits.detail.asset', data(n.asset)) : null,
        r.ticket_number ? fact('revisits.detail.ticket', el('a', { href: `#tickets/${r.ticket_id}` }, data(r.ticket_number))) : null,
        fact('revisits.detail.caller', r.assigned_to ? data(n.caller ?? '') : t('revisits.anyone'))),
      r.status === 'done' ? this.outcome(r, n) : null,
      due ? el('div', { class: 'actions', id: 'revisit-actions' }, this.steps(r)) : null,
    ].filter(Boolean));
  }

  outcome(r, n) {
    return el('section', { id: 'revisit-outcome', 'data-reached': String(!!r.reached) },
      el('h3', {}, t('revisits.outcome.title')),
      el('ul', {},
        el('li', {}, t(r.reached ? 'revisits.outcome.reached' : 'revisits.outcome.not_reached')),
        r.score ? el('li', {}, t('revisits.outcome.score', { score: number(r.score) })) : null,
        r.follow_up_needed ? el('li', {}, t('revisits.outcome.follow_up')) : null,
        r.done_at ? el('li', {}, t('revisits.outcome.by'), ' ', data(n.doneBy ?? ''), ' ', timeEl(r.done_at, this.zone, true)) : null),
      r.comment ? data(r.comment, 'p') : null,
      r.opened_ticket_id
        ? el('p', {}, t('revisits.outcome.opened'), ' ',
          el('a', { href: `#tickets/${r.opened_ticket_id}`, 'data-opened-ticket': r.opened_ticket_id }, data(n.opened?.number ?? `#${r.opened_ticket_id}`)),
          n.opened ? [' · ', data(n.opened.title)] : null)
        : null);
  }

  steps(r) {
    const out = [];
    const mine = r.assigned_to === this.user.id;
    const assigner = ASSIGNERS.includes(this.user.role);
    if (!r.assigned_to && !assigner) out.push(this.step(r, 'assign', 'take', [], () => ({ agent_id: this.user.id }), true));
    if (mine) out.push(this.step(r, 'assign', 'give_back', [], () => ({ agent_id: null }), true));
    if (assigner) {
      const who = el('select', { name: 'agent_id' }, option('', t('revisits.anyone')));
      names.colleagues().then((all) => who.append(...all
        .filter((u) => ['agent', 'supervisor'].includes(u.role))
        .map((u) => el('option', { value: u.id, translate: 'no', selected: u.id === r.assigned_to }, `${u.display_name} · ${term('role', u.role)}`))));
      out.push(this.step(r, 'assign', 'assign', [label('field.agent_id', who)], (v) => ({ agent_id: v.agent_id ? Number(v.agent_id) : null })));
    }
    if (!r.assigned_to || mine || assigner) out.push(this.outcomeStep(r));
    return out;
  }

  outcomeStep(r) {
    const reached = el('select', { name: 'reached' }, option('true', t('revisits.reached.yes')), option('false', t('revisits.reached.no')));
    const score = el('select', { name: 'score' }, option('', t('revisits.score.pick')), ...[5, 4, 3, 2, 1].map((s) => option(String(s), t(`score.${s}`))));
    const follow = el('input', { type: 'checkbox', name: 'follow_up_needed', value: 'true' });
    const hint = el('p', { class: 'muted', id: 'revisit-hint' }, t('revisits.opens_ticket'));
    const scoreLabel = label('field.score', score);
    const form = el('form', { noValidate: true, 'data-action': 'outcome' },
      label('field.reached', reached),
      scoreLabel,
      el('label', { class: 'inline' }, el('span', {}, follow, ' ', t('field.follow_up_needed'))),
      label('field.comment', el('textarea', { name: 'comment', rows: 3, maxLength: 2000 })),
      hint,
      el('button', { type: 'submit', class: 'primary' }, t('revisits.step.outcome')),
      el('p', { class: 'form-error', role: 'alert' }));
    const mark = () => {
      scoreLabel.hidden = reached.value !== 'true';
      const low = reached.value === 'true' && score.value && Number(score.value) <= UNSATISFIED_MAX;
      hint.classList.toggle('form-error', !!(low || follow.checked));
    };
    reached.onchange = mark;
    score.onchange = mark;
    follow.onchange = mark;
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      const v = values(form);
      const body = { reached: v.reached === 'true', follow_up_needed: follow.checked };
      if (body.reached && v.score) body.score = Number(v.score);
      if (body.reached && !v.score) body.score = null;
      if (v.comment) body.comment = v.comment;
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      try {
        const done = await api.post(`/revisits/${r.id}/outcome`, body);
        if (done.opened_ticket_id) {
          const ticket = await api.get(`/tickets/${done.opened_ticket_id}`).catch(() => null);
          notice(t('revisits.step.opened', { number: ticket?.number ?? '' }));
        } else {
          notice(t('revisits.step.done', { action: t('revisits.step.outcome') }));
        }
        await Promise.all([this.load(), this.open(r.id), this.loadProgress()]);
      } catch (err) {
        button.disabled = false;
        showError(form, err);
      }
    };
    return el('details', { class: 'step', 'data-step': 'outcome', open: true }, el('summary', {}, t('revisits.step.outcome')), form);
  }

  /** A step posting to `/revisits/{id}/{action}`; `direct`: a button, no form to open. */
  step(r, action, key, fields, shape, direct = false) {
    const title = t(`revisits.step.${key}`);
    const form = el('form', { noValidate: true, 'data-action': key },
      ...fields,
      el('button', { type: 'submit', class: direct ? '' : 'primary' }, title),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      try {
        await api.post(`/revisits/${r.id}/${action}`, shape(values(form)));
        notice(t('revisits.step.done', { action: title }));
        await Promise.all([this.load(), this.open(r.id), this.loadProgress()]);
      } catch (err) {
        button.disabled = false;
        showError(form, err);
      }
    };
    if (direct) {
      form.classList.add('direct');
      return form;
    }
    return el('details', { class: 'step', 'data-step': key }, el('summary', {}, title), form);
  }
}
