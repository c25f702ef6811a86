// Inspections: the supervisor's inspection plans (who inspects what, how often, with which skill:
// list, create, change, deactivate and activate), the upcoming inspections the generation job made
// from them, one inspection with its visit and findings, and a finding recorded from the office
// (it becomes a ticket on the ladder). Dispatchers and managers read; dispatchers also record
// findings.

import * as api from './api.js';
import { add, t, term, number, errorText } from './i18n.js';
import { el, notice, showError, clearErrors, values, data, dayEl, localDay, pager, list } from './ui.js';
import { customerPicker } from './lookup.js';
import * as names from './names.js';

const PAGE = 20;
const $ = (id) => document.getElementById(id);
/** Who changes plans (`Act::EditInspectionPlans`; an account manager has no part here). */
const EDITORS = ['admin', 'supervisor'];
/** Who records findings from the office (`Act::RecordInspectionFindings`). */
const RECORDERS = ['admin', 'supervisor', 'dispatcher'];
/** Who has the ticket desk to follow a finding's ticket. */
const DESK = ['admin', 'agent', 'remote_engineer', 'supervisor'];

add({
  en: {
    'inspections.title': 'Inspections',
    'inspections.plans': 'Inspection plans',
    'inspections.upcoming': 'Upcoming inspections',
    'inspections.pick': 'Pick a plan or an inspection.',
    'inspections.new': 'New inspection plan',
    'inspections.filter.active': 'Plans', 'inspections.filter.any': 'any', 'inspections.filter.active_only': 'active',
    'inspections.filter.inactive_only': 'deactivated', 'inspections.filter.customer': 'Customer', 'inspections.filter.submit': 'Filter',
    'inspections.filter.status': 'Status', 'inspections.filter.due_from': 'Due from', 'inspections.filter.due_to': 'Due to',
    'inspections.col.name': 'Plan', 'inspections.col.customer': 'Customer', 'inspections.col.site': 'Site', 'inspections.col.every': 'Every',
    'inspections.col.next_due': 'Next date', 'inspections.col.skill': 'Skill', 'inspections.col.status': 'Status',
    'inspections.col.due_on': 'Due', 'inspections.col.visit': 'Visit', 'inspections.col.technician': 'Technician', 'inspections.col.findings': 'Findings',
    'inspections.every_site': 'every site', 'inspections.every_asset': 'every asset at the covered sites',
    'inspections.months': 'every {n} months', 'inspections.month': 'every month',
    'inspections.skill': '(level {level} or higher)', 'inspections.no_skill': 'any technician',
    'inspections.active': 'active', 'inspections.inactive': 'deactivated', 'inspections.overdue': 'overdue',
    'inspections.none': 'None.', 'inspections.nobody': 'not booked yet',
    'inspection_status.scheduled': 'scheduled', 'inspection_status.completed': 'completed', 'inspection_status.failed': 'failed',
    'inspection_status.cancelled': 'cancelled',
    'inspections.plan.customer': 'Customer', 'inspections.plan.site': 'Site', 'inspections.plan.assets': 'Assets',
    'inspections.plan.frequency': 'How often', 'inspections.plan.starts_on': 'First date', 'inspections.plan.next_due': 'Next date',
    'inspections.plan.skill': 'Technician', 'inspections.plan.created_by': 'Planned by', 'inspections.plan.status': 'Status',
    'inspections.plan.inspections': 'Its inspections',
    'inspections.one.title': 'Inspection:',
    'inspections.one.due': 'Due', 'inspections.one.status': 'Status', 'inspections.one.visit': 'Visit', 'inspections.one.technician': 'Technician',
    'inspections.one.findings': 'Findings', 'inspections.one.plan': 'Plan',
    'inspections.step.create': 'Create the plan', 'inspections.step.edit': 'Change the plan', 'inspections.step.deactivate': 'Deactivate',
    'inspections.step.activate': 'Activate again', 'inspections.step.finding': 'Record a finding',
    'inspections.step.done': '{action}: done.',
    'inspections.step.created': 'Plan created: its inspections are made ahead of their dates.',
    'inspections.step.found': 'Finding recorded as ticket {number}.',
    'inspections.deactivate.hint': 'No more inspections are made; those whose visit has not set off are cancelled.',
    'inspections.pick_customer': 'pick the customer first',
    'inspections.stale': 'Someone changed this plan meanwhile; it has been reloaded.',
    'field.asset_ids': 'Assets', 'field.name': 'Name',
    'field.frequency_months': 'Every how many months', 'field.starts_on': 'First date', 'field.required_skill': 'Skill needed',
    'field.required_level': 'Lowest skill level', 'field.notes': 'What to check',
    'inspections.field.description': 'What was found',
    'inspections.asset.none': 'no particular asset',
  },
  zh: {
    'inspections.title': '巡检',
    'inspections.plans': '巡检计划',
    'inspections.upcoming': '即将进行的巡检',
    'inspections.pick': '选择一个计划或一次巡检。',
    'inspections.new': '新建巡检计划',
    'inspections.filter.active': '计划', 'inspections.filter.any': '全部', 'inspections.filter.active_only': '启用中',
    'inspections.filter.inactive_only': '已停用', 'inspections.filter.customer': '客户', 'inspections.filter.submit': '筛选',
    'inspections.filter.status': '状态', 'inspections.filter.due_from': '日期从', 'inspections.filter.due_to': '日期至',
    'inspections.col.name': '计划', 'inspections.col.customer': '客户', 'inspections.col.site': '地点', 'inspections.col.every': '周期',
    'inspections.col.next_due': '下次日期', 'inspections.col.skill': '技能', 'inspections.col.status': '状态',
    'inspections.col.due_on': '日期', 'inspections.col.visit': '上门', 'inspections.col.technician': '工程师', 'inspections.col.findings': '发现问题',
    'inspections.every_site': '全部地点', 'inspections.every_asset': '所覆盖地点的全部设备',
    'inspections.months': '每 {n} 个月', 'inspections.month': '每月',
    'inspections.skill': '（等级 {level} 及以上）', 'inspections.no_skill': '任何工程师',
    'inspections.active': '启用中', 'inspections.inactive': '已停用', 'inspections.overdue': '已逾期',
    'inspections.none': '无。', 'inspections.nobody': '尚未派工',
    'inspection_status.scheduled': '已安排', 'inspection_status.completed': '已完成', 'inspection_status.failed': '未完成',
    'inspection_status.cancelled': '已取消',
    'inspections.plan.customer': '客户', 'inspections.plan.site': '地点', 'inspections.plan.assets': '设备',
    'inspections.plan.frequency': '周期', 'inspections.plan.starts_on': '首次日期', 'inspections.plan.next_due': '下次日期',
    'inspections.plan.skill': '工程师', 'inspections.plan.created_by': '计划人', 'inspections.plan.status': '状态',
    'inspections.plan.inspections': '该计划的巡检',
    'inspections.one.title': '巡检：',
    'inspections.one.due': '日期', 'inspections.one.status': '状态', 'inspections.one.visit': '上门', 'inspections.one.technician': '工程师',
    'inspections.one.findings': '发现的问题', 'inspections.one.plan': '计划',
    'inspections.step.create': '创建计划', 'inspections.step.edit': '修改计划', 'inspections.step.deactivate': '停用',
    'inspections.step.activate': '重新启用', 'inspections.step.finding': '记录发现的问题',
    'inspections.step.done': '{action}：已完成。',
    'inspections.step.created': '计划已创建：巡检将在日期前自动生成。',
    'inspections.step.found': '发现的问题已记录为工单 {number}。',
    'inspections.deactivate.hint': '停用后不再生成巡检；尚未出发的巡检将被取消。',
    'inspections.pick_customer': '请先选择客户',
    'inspections.stale': '他人已修改此计划，已重新加载。',
    'field.asset_ids': '设备', 'field.name': '名称',
    'field.frequency_months': '间隔月数', 'field.starts_on': '首次日期', 'field.required_skill': '所需技能',
    'field.required_level': '最低技能等级', 'field.notes': '检查内容',
    'inspections.field.description': '发现的情况',
    'inspections.asset.none': '不指定设备',
  },
});

const option = (value, text, selected) => el('option', { value, selected: !!selected }, text);
const label = (key, control) => el('label', {}, t(key), control);
const fact = (key, ...value) => el('li', {}, el('span', {}, t(key)), ': ', ...value);
const every = (n) => (n === 1 ? t('inspections.month') : t('inspections.months', { n: number(n) }));
const skill = (p) => (p.required_skill ? [data(p.required_skill), ' ', t('inspections.skill', { level: number(p.required_level) })] : t('inspections.no_skill'));

const table = (node, cols, rows) => list(node, 'inspections.col', cols, rows, 'inspections.none');

/** Runs a form's submit: clears its errors, disables its button, shows the API's error by the field. */
function submitting(form, work) {
  form.onsubmit = async (e) => {
    e.preventDefault();
    clearErrors(form);
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await work(values(form));
    } catch (err) {
      showError(form, err);
    } finally {
      button.disabled = false;
    }
  };
}

export class Inspections {
  constructor(user) {
    this.user = user;
    this.editor = EDITORS.includes(user.role);
    this.recorder = RECORDERS.includes(user.role);
    this.planOffset = 0;
    this.inspectionOffset = 0;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.buildFilters();
  }

  buildFilters() {
    const plans = $('plan-filters');
    this.planCustomer = customerPicker('customer_id');
    plans.replaceChildren(
      label('inspections.filter.active', el('select', { name: 'active' }, option('', t('inspections.filter.any')),
        option('true', t('inspections.filter.active_only'), true), option('false', t('inspections.filter.inactive_only')))),
      label('inspections.filter.customer', this.planCustomer.node),
      el('button', { type: 'submit' }, t('inspections.filter.submit')),
      el('p', { class: 'form-error', role: 'alert' }));
    plans.onsubmit = (e) => {
      e.preventDefault();
      this.planOffset = 0;
      this.loadPlans();
    };
    const filters = $('inspection-filters');
    this.inspectionCustomer = customerPicker('customer_id');
    this.dueFrom = el('input', { name: 'due_from', type: 'date' });
    filters.replaceChildren(
      label('inspections.filter.status', el('select', { name: 'status' }, option('', t('inspections.filter.any')),
        ...['scheduled', 'completed', 'failed', 'cancelled'].map((s) => option(s, term('inspection_status', s), s === 'scheduled')))),
      label('inspections.filter.due_from', this.dueFrom),
      label('inspections.filter.due_to', el('input', { name: 'due_to', type: 'date' })),
      label('inspections.filter.customer', this.inspectionCustomer.node),
      el('button', { type: 'submit' }, t('inspections.filter.submit')),
      el('p', { class: 'form-error', role: 'alert' }));
    filters.onsubmit = (e) => {
      e.preventDefault();
      this.inspectionOffset = 0;
      this.loadInspections();
    };
  }

  async show(rest, entering) {
    if (entering && !this.started) {
      this.started = true;
      this.zone = await names.zone();
      this.dueFrom.value = localDay(new Date(), this.zone);
      $('plan-new').replaceChildren(this.editor ? this.newPlanForm() : '');
    }
    await Promise.all([this.loadPlans(), this.loadInspections()]);
    const [what, raw] = rest;
    const id = Number(raw);
    if (what === 'plan' && id) this.openPlan(id);
    if (what === 'inspection' && id) this.openInspection(id);
  }

  stop() {}

  // ------------------------------------------------------------ plans

  async loadPlans() {
    const form = $('plan-filters');
    clearErrors(form);
    try {
      const page = await api.get('/inspection-plans', { ...values(form), limit: PAGE, offset: this.planOffset });
      const [customers, sites] = await Promise.all([
        names.many(names.customer, page.items.map((p) => p.customer_id)),
        names.many(names.site, page.items.map((p) => p.site_id)),
      ]);
      table($('plan-list'), ['name', 'customer', 'site', 'every', 'next_due', 'skill', 'status'], page.items.map((p) => el('tr', {
        class: 'row', 'data-plan-id': p.id, 'data-active': String(p.active), tabIndex: 0,
        onclick: () => { location.hash = `#inspections/plan/${p.id}`; },
        onkeydown: (ev) => { if (ev.key === 'Enter') location.hash = `#inspections/plan/${p.id}`; },
      },
      el('td', {}, data(p.name)), el('td', {}, data(customers[p.customer_id] ?? '')),
      el('td', {}, p.site_id ? data(sites[p.site_id] ?? '') : t('inspections.every_site')),
      el('td', {}, every(p.frequency_months)), el('td', {}, dayEl(p.next_due)),
      el('td', {}, skill(p)),
      el('td', {}, t(p.active ? 'inspections.active' : 'inspections.inactive')))));
      pager($('plan-pager'), page, (o) => { this.planOffset = o; this.loadPlans(); });
    } catch (err) {
      showError(form, err);
    }
  }

  /** The fields of a plan; `p` prefills them for a change (customer, site and assets stay). */
  planFields(p) {
    return [
      label('field.name', el('input', { name: 'name', maxLength: 200, value: p?.name ?? '' })),
      label('field.frequency_months', el('input', { name: 'frequency_months', type: 'number', min: 1, max: 60, value: p?.frequency_months ?? 3 })),
      label('field.starts_on', el('input', { name: 'starts_on', type: 'date', value: p?.starts_on ?? '' })),
      label('field.required_skill', el('input', { name: 'required_skill', maxLength: 50, value: p?.required_skill ?? '' })),
      label('field.required_level', el('select', { name: 'required_level' }, [1, 2, 3, 4, 5].map((n) => option(String(n), number(n), n === (p?.required_level ?? 1))))),
      label('field.notes', el('textarea', { name: 'notes', rows: 3, maxLength: 4000 }, p?.notes ?? '')),
    ];
  }

  newPlanForm() {
    const customer = customerPicker('customer_id');
    const site = el('select', { name: 'site_id', disabled: true }, option('', t('inspections.pick_customer')));
    const assets = el('fieldset', { class: 'choices', id: 'plan-assets' }, el('legend', {}, t('field.asset_ids')), el('p', { class: 'muted' }, t('inspections.pick_customer')));
    let all = [];
    const drawAssets = () => {
      const at = site.value ? all.filter((a) => String(a.site_id) === site.value) : all;
      assets.replaceChildren(el('legend', {}, t('field.asset_ids')),
        el('p', { class: 'muted' }, t('inspections.every_asset')),
        ...at.map((a) => el('label', { class: 'inline' }, el('span', {}, el('input', { type: 'checkbox', name: 'asset_ids', value: a.id }), ' ', data(`${a.model} ${a.serial_number}`)))));
    };
    customer.onPick(async (m) => {
      const [sites, assetList] = await Promise.all([
        api.getAll('/sites', { customer_id: m.customer_id }).catch(() => []),
        api.getAll('/assets', { customer_id: m.customer_id }).catch(() => []),
      ]);
      all = assetList;
      site.replaceChildren(option('', t('inspections.every_site')), ...sites.map((s) => el('option', { value: s.id, translate: 'no' }, s.name)));
      site.disabled = false;
      drawAssets();
    });
    site.onchange = drawAssets;
    const form = el('form', { noValidate: true, 'data-action': 'create-plan' },
      label('field.customer_id', customer.node),
      label('field.site_id', site),
      ...this.planFields(null),
      assets,
      el('button', { type: 'submit', class: 'primary' }, t('inspections.step.create')),
      el('p', { class: 'form-error', role: 'alert' }));
    submitting(form, async (v) => {
      const body = {
        customer_id: v.customer_id ? Number(v.customer_id) : null,
        name: v.name ?? '',
        frequency_months: v.frequency_months ? Number(v.frequency_months) : null,
        starts_on: v.starts_on ?? null,
        required_level: Number(v.required_level),
        asset_ids: [...form.querySelectorAll('input[name="asset_ids"]:checked')].map((c) => Number(c.value)),
      };
      if (v.site_id) body.site_id = Number(v.site_id);
      if (v.required_skill) body.required_skill = v.required_skill;
      if (v.notes) body.notes = v.notes;
      const plan = await api.post('/inspection-plans', body);
      notice(t('inspections.step.created'));
      form.reset();
      customer.clear();
      details.open = false;
      this.planOffset = 0;
      await this.loadPlans();
      location.hash = `#inspections/plan/${plan.id}`;
    });
    const details = el('details', { class: 'step panel', 'data-step': 'new-plan' }, el('summary', {}, t('inspections.new')), form);
    return details;
  }

  async openPlan(id) {
    const panel = $('inspection-detail');
    for (const r of document.querySelectorAll('#plan-list tr.row')) r.classList.toggle('selected', Number(r.dataset.planId) === id);
    try {
      const [p, its] = await Promise.all([
        api.get(`/inspection-plans/${id}`),
        api.get('/inspections', { plan_id: id, limit: 10 }),
      ]);
      const [customer, site, creator, assetNames] = await Promise.all([
        names.customer(p.customer_id), names.site(p.site_id), names.user(p.created_by), names.many(names.asset, p.asset_ids),
      ]);
      panel.replaceChildren(...[
        el('h2', { id: 'plan-heading', 'data-plan-id': p.id, 'data-active': String(p.active), 'data-version': p.version }, data(p.name)),
        el('ul', { class: 'facts' },
          fact('inspections.plan.status', t(p.active ? 'inspections.active' : 'inspections.inactive')),
          fact('inspections.plan.customer', data(customer ?? '')),
          fact('inspections.plan.site', p.site_id ? data(site ?? '') : t('inspections.every_site')),
          fact('inspections.plan.assets', p.asset_ids.length ? data(p.asset_ids.map((a) => assetNames[a] ?? '').join(', ')) : t('inspections.every_asset')),
          fact('inspections.plan.frequency', every(p.frequency_months)),
          fact('inspections.plan.starts_on', dayEl(p.starts_on)),
          p.next_due ? fact('inspections.plan.next_due', dayEl(p.next_due)) : null,
          fact('inspections.plan.skill', skill(p)),
          fact('inspections.plan.created_by', data(creator ?? ''))),
        p.notes ? data(p.notes, 'p', { class: 'pre' }) : null,
        this.editor ? el('div', { class: 'actions', id: 'plan-actions' }, this.planSteps(p)) : null,
        el('h3', {}, t('inspections.plan.inspections')),
        await this.inspectionTable(its, 'plan-inspections'),
      ].filter(Boolean));
    } catch (err) {
      panel.replaceChildren(el('p', { class: 'form-error' }, errorText(err)));
    }
  }

  planSteps(p) {
    const edit = el('form', { noValidate: true, 'data-action': 'edit-plan' }, ...this.planFields(p),
      el('button', { type: 'submit', class: 'primary' }, t('inspections.step.edit')), el('p', { class: 'form-error', role: 'alert' }));
    submitting(edit, async (v) => {
      // Only what changed: a new frequency or first date restarts the plan's dates.
      const body = {};
      if ((v.name ?? '') !== p.name) body.name = v.name ?? '';
      if (Number(v.frequency_months) !== p.frequency_months) body.frequency_months = v.frequency_months ? Number(v.frequency_months) : null;
      if ((v.starts_on ?? '') !== p.starts_on) body.starts_on = v.starts_on ?? null;
      if ((v.required_skill ?? '') !== (p.required_skill ?? '')) body.required_skill = v.required_skill ?? '';
      if (Number(v.required_level) !== p.required_level) body.required_level = Number(v.required_level);
      if ((v.notes ?? '') !== (p.notes ?? '')) body.notes = v.notes ?? '';
      await this.changePlan(p, () => api.call('PATCH', `/inspection-plans/${p.id}`, body, undefined, { 'If-Match': `"${p.version}"` }), 'edit');
    });
    const toggle = p.active ? 'deactivate' : 'activate';
    const active = el('form', { noValidate: true, 'data-action': `${toggle}-plan` },
      p.active ? el('p', { class: 'muted' }, t('inspections.deactivate.hint')) : null,
      label('field.reason', el('input', { name: 'reason', maxLength: 2000 })),
      el('button', { type: 'submit', class: 'primary' }, t(`inspections.step.${toggle}`)), el('p', { class: 'form-error', role: 'alert' }));
    submitting(active, (v) => this.changePlan(p, () => api.postIf(`/inspection-plans/${p.id}/${toggle}`, { reason: v.reason }, p.version), toggle));
    return [
      el('details', { class: 'step', 'data-step': 'edit-plan' }, el('summary', {}, t('inspections.step.edit')), edit),
      el('details', { class: 'step', 'data-step': `${toggle}-plan` }, el('summary', {}, t(`inspections.step.${toggle}`)), active),
    ];
  }

  async changePlan(p, send, key) {
    try {
      await send();
    } catch (err) {
      if (err.code !== 'precondition_failed') throw err;
      notice(t('inspections.stale'), true);
      await this.openPlan(p.id);
      return;
    }
    notice(t('inspections.step.done', { action: t(`inspections.step.${key}`) }));
    await Promise.all([this.loadPlans(), this.loadInspections(), this.openPlan(p.id)]);
  }

  // ------------------------------------------------------------ inspections

  async inspectionTable(page, id) {
    const [customers, sites, techs] = await Promise.all([
      names.many(names.customer, page.items.map((i) => i.customer_id)),
      names.many(names.site, page.items.map((i) => i.site_id)),
      names.many(names.user, page.items.map((i) => i.technician_id)),
    ]);
    const node = el('table', { class: 'list', id });
    table(node, ['due_on', 'name', 'customer', 'site', 'status', 'visit', 'technician', 'findings'], page.items.map((i) => el('tr', {
      class: 'row', 'data-inspection-id': i.id, 'data-status': i.status, tabIndex: 0,
      onclick: () => { location.hash = `#inspections/inspection/${i.id}`; },
      onkeydown: (ev) => { if (ev.key === 'Enter') location.hash = `#inspections/inspection/${i.id}`; },
    },
    el('td', {}, dayEl(i.due_on)), el('td', {}, data(i.plan_name)), el('td', {}, data(customers[i.customer_id] ?? '')),
    el('td', {}, data(sites[i.site_id] ?? '')),
    el('td', {}, term('inspection_status', i.status), i.overdue ? [' ', el('span', { class: 'badge slack-breached' }, t('inspections.overdue'))] : ''),
    el('td', {}, i.visit_status ? term('visit_status', i.visit_status) : ''),
    el('td', {}, i.technician_id ? data(techs[i.technician_id] ?? '') : el('span', { class: 'muted' }, t('inspections.nobody'))),
    el('td', {}, number(i.findings.length)))));
    return node;
  }

  async loadInspections() {
    const form = $('inspection-filters');
    clearErrors(form);
    try {
      const page = await api.get('/inspections', { ...values(form), limit: PAGE, offset: this.inspectionOffset });
      const node = await this.inspectionTable(page, 'inspection-list');
      $('inspection-list').replaceChildren(...node.childNodes);
      pager($('inspection-pager'), page, (o) => { this.inspectionOffset = o; this.loadInspections(); });
    } catch (err) {
      showError(form, err);
    }
  }

  async openInspection(id) {
    const panel = $('inspection-detail');
    try {
      const i = await api.get(`/inspections/${id}`);
      const [customer, site, tech, assets] = await Promise.all([
        names.customer(i.customer_id), names.site(i.site_id), names.user(i.technician_id),
        this.recorder ? api.getAll('/assets', { site_id: i.site_id }).catch(() => []) : [],
      ]);
      const desk = DESK.includes(this.user.role);
      panel.replaceChildren(...[
        el('h2', { id: 'inspection-heading', 'data-inspection-id': i.id, 'data-status': i.status }, t('inspections.one.title'), ' ', data(i.plan_name)),
        el('ul', { class: 'facts' },
          fact('inspections.one.status', term('inspection_status', i.status), i.overdue ? [' ', el('span', { class: 'badge slack-breached' }, t('inspections.overdue'))] : ''),
          fact('inspections.one.due', dayEl(i.due_on)),
          fact('inspections.plan.customer', data(customer ?? '')),
          fact('inspections.plan.site', data(site ?? '')),
          i.visit_status ? fact('inspections.one.visit', term('visit_status', i.visit_status)) : null,
          fact('inspections.one.technician', tech ? data(tech) : t('inspections.nobody')),
          fact('inspections.one.plan', el('a', { href: `#inspections/plan/${i.plan_id}` }, data(i.plan_name)))),
        el('h3', {}, t('inspections.one.findings')),
        el('ul', { id: 'inspection-findings' }, i.findings.length
          ? i.findings.map((f) => el('li', { 'data-ticket-id': f.ticket_id },
            desk ? el('a', { href: `#tickets/${f.ticket_id}` }, data(f.ticket_number)) : data(f.ticket_number)))
          : el('li', { class: 'muted' }, t('inspections.none'))),
        this.recorder && i.status !== 'cancelled' && i.visit_id ? el('div', { class: 'actions' }, this.findingStep(i, assets)) : null,
      ].filter(Boolean));
    } catch (err) {
      panel.replaceChildren(el('p', { class: 'form-error' }, errorText(err)));
    }
  }

  findingStep(i, assets) {
    const form = el('form', { noValidate: true, 'data-action': 'finding' },
      label('field.title', el('input', { name: 'title', maxLength: 200 })),
      label('inspections.field.description', el('textarea', { name: 'description', rows: 3, maxLength: 10000 })),
      label('field.priority', el('select', { name: 'priority' }, ['p1', 'p2', 'p3', 'p4'].map((p) => option(p, term('priority', p), p === 'p3')))),
      label('field.asset_id', el('select', { name: 'asset_id' }, option('', t('inspections.asset.none')),
        ...assets.map((a) => el('option', { value: a.id, translate: 'no' }, `${a.model} ${a.serial_number}`)))),
      el('button', { type: 'submit', class: 'primary' }, t('inspections.step.finding')),
      el('p', { class: 'form-error', role: 'alert' }));
    submitting(form, async (v) => {
      const body = { title: v.title ?? '', description: v.description ?? '', priority: v.priority };
      if (v.asset_id) body.asset_id = Number(v.asset_id);
      const found = await api.post(`/inspections/${i.id}/findings`, body);
      notice(t('inspections.step.found', { number: found.ticket_number }));
      await Promise.all([this.loadInspections(), this.openInspection(i.id)]);
    });
    return el('details', { class: 'step', 'data-step': 'finding' }, el('summary', {}, t('inspections.step.finding')), form);
  }
}
