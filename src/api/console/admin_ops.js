// The admin's operations pages (tabs of the admin view, see admin.js): service regions (GeoJSON
// upload, the map), the e-mail outbox (pending and dead messages; send now, retry), the
// scheduled jobs (their schedule and last run, run now, the recent runs) and a contact's personal
// data (export as a JSON file, erasure). Also the small pieces the admin's tabs share: a labelled
// field, a form that shows the API's errors, a pager and a confirmation before a step that
// cannot be undone.

import * as api from './api.js';
import { add, t, term, number } from './i18n.js';
import { el, notice, showError, clearErrors, values, timeEl, data, pager } from './ui.js';
import { customerPicker } from './lookup.js';
import * as map from './map.js';
import * as named from './names.js';

add({
  en: {
    'admin.any': 'any', 'admin.all': 'all', 'admin.empty': 'Nothing to show.', 'admin.saved': 'Saved.',
    'admin.confirm.yes': 'Yes', 'admin.confirm.no': 'No, keep it',
    'admin.loading': 'Loading…', 'admin.none': 'None.',
    'admin.regions.title': 'Service regions', 'admin.regions.upload': 'Upload a region (GeoJSON)',
    'admin.regions.file': 'GeoJSON file: a Polygon, a MultiPolygon, or a Feature (or FeatureCollection) of them',
    'admin.regions.save_new': 'Upload', 'admin.regions.edit': 'Rename, reclassify or redraw',
    'admin.regions.new_file': 'New boundary (GeoJSON file, optional)', 'admin.regions.save': 'Save the region',
    'admin.regions.created': 'Region {name} added; sites inside it now belong to it.',
    'admin.regions.updated': 'Region {name} saved.', 'admin.regions.pick': 'Pick a region to change it.',
    'admin.regions.col.name': 'Name', 'admin.regions.col.class': 'Class', 'admin.regions.col.updated': 'Changed',
    'admin.regions.bad_file': 'The file is not GeoJSON.',
    'admin.outbox.title': 'E-mail outbox', 'admin.outbox.status': 'Status',
    'admin.outbox.col.created': 'Written', 'admin.outbox.col.kind': 'About', 'admin.outbox.col.to': 'To',
    'admin.outbox.col.subject': 'Subject', 'admin.outbox.col.ticket': 'Ticket', 'admin.outbox.col.customer': 'Customer',
    'admin.outbox.col.attempts': 'Failed attempts', 'admin.outbox.col.next': 'Next attempt, or sent', 'admin.outbox.col.error': 'Last error',
    'admin.outbox.col.actions': 'Actions',
    'admin.outbox.send_now': 'Send now', 'admin.outbox.retry': 'Retry',
    'admin.outbox.sent_now': 'The e-mail goes out at the relay\'s next round.',
    'admin.outbox.retried': 'The e-mail is back in the queue with its attempts reset.',
    'outbox_status.pending': 'pending', 'outbox_status.sent': 'sent', 'outbox_status.dead': 'given up (dead)', 'outbox_status.cancelled': 'cancelled',
    'mail_kind.major_fault_notice': 'major fault notice', 'mail_kind.major_fault_update': 'major fault update',
    'mail_kind.major_fault_end': 'major fault ended', 'mail_kind.fault_report': 'fault analysis report',
    'mail_kind.ticket_closed': 'ticket closed', 'mail_kind.acceptance_reminder': 'acceptance reminder',
    'mail_kind.service_report': 'service report',
    'admin.jobs.title': 'Scheduled jobs', 'admin.jobs.runs': 'Recent runs', 'admin.jobs.job': 'Job',
    'admin.jobs.col.job': 'Job', 'admin.jobs.col.does': 'What it does', 'admin.jobs.col.schedule': 'Schedule (cron, UTC)',
    'admin.jobs.col.last': 'Last started', 'admin.jobs.col.slot': 'Slot', 'admin.jobs.col.started': 'Started',
    'admin.jobs.col.finished': 'Finished', 'admin.jobs.col.examined': 'Looked at', 'admin.jobs.col.actions': 'Steps taken',
    'admin.jobs.off': 'switched off', 'admin.jobs.stale': 'late: missed its last scheduled time', 'admin.jobs.never': 'never',
    'admin.jobs.unfinished': 'running, or stopped before it finished',
    'admin.jobs.run': 'Run now', 'admin.jobs.ran': '{job} ran: {examined} looked at, {actions} steps taken.',
    'admin.jobs.claimed': '{job}: that slot was already run.',
    'job.sla_scan': 'SLA scan', 'job.ping_retention': 'Location retention', 'job.mail_relay': 'E-mail relay',
    'job.revisit_generation': 'Revisit generation', 'job.inspection_generation': 'Inspection generation',
    'job.report_mailing': 'Service report mailing', 'job.unanswered_resolutions': 'Unanswered resolutions',
    'job.personal_data_retention': 'Personal data retention', 'job.mail_intake': 'E-mail intake',
    'job_does.mail_intake': 'Reads the service mailboxes: new requests, customers\' replies, the intake queue.',
    'job_does.sla_scan': 'Alerts and escalates tickets past their due times.',
    'job_does.ping_retention': 'Removes technicians\' old location pings.',
    'job_does.mail_relay': 'Sends the e-mails waiting in the outbox, with retries.',
    'job_does.revisit_generation': 'Adds this week\'s customer revisits to the queue.',
    'job_does.inspection_generation': 'Plans the inspections that fall due.',
    'job_does.report_mailing': 'E-mails the weekly and monthly service reports.',
    'job_does.unanswered_resolutions': 'Reminds, then closes, resolved tickets the customer did not answer.',
    'job_does.personal_data_retention': 'Clears contact data from tickets closed long ago.',
    'job.quality_sample': 'Quality review sample',
    'job_does.quality_sample': 'Draws last month\'s handled tickets of each agent into the quality review queue.',
    'admin.privacy.title': 'A contact\'s personal data', 'admin.privacy.customer': 'Customer',
    'admin.privacy.pick': 'Find the customer, then pick the contact.', 'admin.privacy.no_contacts': 'This customer has no contacts.',
    'admin.privacy.col.name': 'Name', 'admin.privacy.col.phone': 'Phone', 'admin.privacy.col.email': 'E-mail',
    'admin.privacy.erased_badge': 'erased',
    'admin.privacy.export': 'Download everything held (JSON)',
    'admin.privacy.exported': 'Exported: {tickets} tickets, {surveys} survey answers, {emails} e-mails, {inbound} e-mails received, {uploads} portal files, {links} portal sign-in links, {mentions} other records. The export is recorded in the audit trail.',
    'admin.privacy.erase': 'Erase this contact\'s personal data',
    'admin.privacy.erase_help': 'The contact\'s name, phone and e-mail are removed wherever they are held: tickets, surveys, e-mails and the audit trail. Tickets stay. This cannot be undone.',
    'admin.privacy.understood': 'I understand this cannot be undone',
    'admin.privacy.erase_submit': 'Erase',
    'admin.privacy.erased': 'Erased: {tickets} tickets, {surveys} survey answers, {emails} e-mails ({cancelled} waiting ones cancelled), {inbound} e-mails received, {files} files, {links} portal sign-in links, {audit} audit events, {other} other records.',
    'error.reason.confirm_first': 'Tick the box to confirm.',
    'error.reason.not_geojson': 'The file is not GeoJSON (a Polygon or MultiPolygon).',
    'field.name': 'Name', 'field.class': 'Class', 'field.boundary': 'Boundary', 'field.status': 'Status',
    'field.understood': 'Confirmation', 'field.job': 'Job', 'field.slot': 'Slot',
  },
  zh: {
    'admin.any': '任意', 'admin.all': '全部', 'admin.empty': '没有可显示的内容。', 'admin.saved': '已保存。',
    'admin.confirm.yes': '确定', 'admin.confirm.no': '不，保留',
    'admin.loading': '加载中……', 'admin.none': '无。',
    'admin.regions.title': '服务区域', 'admin.regions.upload': '上传区域（GeoJSON）',
    'admin.regions.file': 'GeoJSON 文件：Polygon、MultiPolygon，或包含它们的 Feature（或 FeatureCollection）',
    'admin.regions.save_new': '上传', 'admin.regions.edit': '改名、改类别或重新划定',
    'admin.regions.new_file': '新边界（GeoJSON 文件，可不填）', 'admin.regions.save': '保存区域',
    'admin.regions.created': '已添加区域 {name}，其中的地点已归入该区域。',
    'admin.regions.updated': '已保存区域 {name}。', 'admin.regions.pick': '选择一个区域进行修改。',
    'admin.regions.col.name': '名称', 'admin.regions.col.class': '类别', 'admin.regions.col.updated': '修改时间',
    'admin.regions.bad_file': '该文件不是 GeoJSON。',
    'admin.outbox.title': '邮件发件箱', 'admin.outbox.status': '状态',
    'admin.outbox.col.created': '生成时间', 'admin.outbox.col.kind': '事由', 'admin.outbox.col.to': '收件人',
    'admin.outbox.col.subject': '主题', 'admin.outbox.col.ticket': '工单', 'admin.outbox.col.customer': '客户',
    'admin.outbox.col.attempts': '失败次数', 'admin.outbox.col.next': '下次尝试或发送时间', 'admin.outbox.col.error': '最近错误',
    'admin.outbox.col.actions': '操作',
    'admin.outbox.send_now': '立即发送', 'admin.outbox.retry': '重试',
    'admin.outbox.sent_now': '邮件将在发送程序下一轮发出。',
    'admin.outbox.retried': '邮件已重新排队，失败次数已清零。',
    'outbox_status.pending': '待发送', 'outbox_status.sent': '已发送', 'outbox_status.dead': '已放弃（失败）', 'outbox_status.cancelled': '已取消',
    'mail_kind.major_fault_notice': '重大故障通知', 'mail_kind.major_fault_update': '重大故障进展',
    'mail_kind.major_fault_end': '重大故障结束', 'mail_kind.fault_report': '故障分析报告',
    'mail_kind.ticket_closed': '工单关闭', 'mail_kind.acceptance_reminder': '验收提醒',
    'mail_kind.service_report': '服务报告',
    'admin.jobs.title': '定时任务', 'admin.jobs.runs': '最近运行', 'admin.jobs.job': '任务',
    'admin.jobs.col.job': '任务', 'admin.jobs.col.does': '作用', 'admin.jobs.col.schedule': '计划（cron，UTC）',
    'admin.jobs.col.last': '最近开始', 'admin.jobs.col.slot': '时段', 'admin.jobs.col.started': '开始',
    'admin.jobs.col.finished': '结束', 'admin.jobs.col.examined': '检查数', 'admin.jobs.col.actions': '处理数',
    'admin.jobs.off': '已关闭', 'admin.jobs.stale': '延误：错过了上次计划时间', 'admin.jobs.never': '从未运行',
    'admin.jobs.unfinished': '运行中，或未完成即停止',
    'admin.jobs.run': '立即运行', 'admin.jobs.ran': '{job} 已运行：检查 {examined} 项，处理 {actions} 项。',
    'admin.jobs.claimed': '{job}：该时段已运行过。',
    'job.sla_scan': 'SLA 扫描', 'job.ping_retention': '位置数据保留', 'job.mail_relay': '邮件发送',
    'job.revisit_generation': '生成回访', 'job.inspection_generation': '生成巡检',
    'job.report_mailing': '服务报告邮件', 'job.unanswered_resolutions': '未答复的解决',
    'job.personal_data_retention': '个人数据保留', 'job.mail_intake': '邮件收取',
    'job_does.mail_intake': '读取服务邮箱：新的请求、客户的回复、待处理邮件队列。',
    'job_does.sla_scan': '对超过时限的工单发出提醒并升级。',
    'job_does.ping_retention': '删除工程师过旧的位置记录。',
    'job_does.mail_relay': '发送发件箱中等待的邮件，失败时重试。',
    'job_does.revisit_generation': '将本周的客户回访加入队列。',
    'job_does.inspection_generation': '安排到期的巡检。',
    'job_does.report_mailing': '发送每周和每月的服务报告邮件。',
    'job_does.unanswered_resolutions': '对客户未答复的已解决工单先提醒、再关闭。',
    'job_does.personal_data_retention': '清除早已关闭工单中的联系人数据。',
    'job.quality_sample': '质检抽样',
    'job_does.quality_sample': '从每位客服代表上月处理的工单中抽取质检样本，放入质检队列。',
    'admin.privacy.title': '联系人的个人数据', 'admin.privacy.customer': '客户',
    'admin.privacy.pick': '先查找客户，再选择联系人。', 'admin.privacy.no_contacts': '该客户没有联系人。',
    'admin.privacy.col.name': '姓名', 'admin.privacy.col.phone': '电话', 'admin.privacy.col.email': '电子邮件',
    'admin.privacy.erased_badge': '已删除',
    'admin.privacy.export': '下载所存的全部数据（JSON）',
    'admin.privacy.exported': '已导出：{tickets} 个工单、{surveys} 条满意度答复、{emails} 封邮件、{inbound} 封来信、{uploads} 个门户上传文件、{links} 个门户登录链接、{mentions} 条其他记录。导出已记入审计日志。',
    'admin.privacy.erase': '删除该联系人的个人数据',
    'admin.privacy.erase_help': '将在所有保存之处删除联系人的姓名、电话和电子邮件：工单、满意度调查、邮件和审计日志。工单本身保留。此操作无法撤销。',
    'admin.privacy.understood': '我了解此操作无法撤销',
    'admin.privacy.erase_submit': '删除',
    'admin.privacy.erased': '已删除：{tickets} 个工单、{surveys} 条满意度答复、{emails} 封邮件（其中 {cancelled} 封待发邮件已取消）、{inbound} 封来信、{files} 个文件、{links} 个门户登录链接、{audit} 条审计事件、{other} 条其他记录。',
    'error.reason.confirm_first': '请勾选以确认。',
    'error.reason.not_geojson': '该文件不是 GeoJSON（Polygon 或 MultiPolygon）。',
    'field.name': '名称', 'field.class': '类别', 'field.boundary': '边界', 'field.status': '状态',
    'field.understood': '确认', 'field.job': '任务', 'field.slot': '时段',
  },
});

const $ = (id) => document.getElementById(id);
const PAGE = 25;
export const JOBS = ['sla_scan', 'mail_relay', 'unanswered_resolutions', 'revisit_generation', 'inspection_generation', 'report_mailing', 'ping_retention', 'personal_data_retention'];

/** An option of a select: a text of the catalogue. */
export const option = (value, text, selected) => el('option', { value, selected: !!selected }, text);
/** An option whose text is data (a name). */
export const dataOption = (value, text, selected) => el('option', { value, translate: 'no', selected: !!selected }, text);
/** A labelled control; the label's text is `field.<key>` unless `text` is given. */
export const field = (key, control, text) => el('label', {}, text ?? t(`field.${key}`), control);
/** A table head from catalogue keys. */
export const head = (prefix, cols) => el('thead', {}, el('tr', {}, cols.map((c) => el('th', {}, t(`${prefix}.${c}`)))));
/** A table body, or one row saying there is nothing. */
export const body = (rows, cols) => el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colSpan: cols }, t('admin.empty'))));

/** A client-side error shaped like the API's, shown by the field like one. */
export const localError = (field, reason) => ({ field, reason, code: 'validation_failed', status: 422 });

/**
 * A form that sends itself: `act(values, form)` runs on submit with the button disabled; an
 * error (the API's, or one thrown with `localError`) shows by its field.
 */
export function sending(attrs, children, act) {
  const form = el('form', { noValidate: true, ...attrs }, ...children, el('p', { class: 'form-error', role: 'alert' }));
  form.onsubmit = async (e) => {
    e.preventDefault();
    clearErrors(form);
    const button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    try {
      await act(values(form), form);
    } catch (err) {
      if (err.status === 401) return;
      showError(form, err);
    } finally {
      if (button && button.isConnected) button.disabled = false;
    }
  };
  return form;
}

/** A step that opens on demand: `<details data-step>` around its form. */
export const step = (name, title, form, attrs = {}) => el('details', { class: 'step', 'data-step': name, ...attrs }, el('summary', {}, title), form);

/**
 * A button for a step that cannot be undone: a click asks `question` beside it, and only "Yes"
 * does it (`act`, whose error shows in the question's place).
 */
export function confirmed(label, question, act, attrs = {}) {
  const box = el('span', { class: 'confirm' });
  const ask = () => {
    const yes = el('button', { type: 'button', class: 'primary', 'data-confirm': 'yes' }, t('admin.confirm.yes'));
    const line = el('span', { class: 'question', role: 'alert' }, question, ' ', yes, ' ',
      el('button', { type: 'button', 'data-confirm': 'no', onclick: () => box.replaceChildren(first) }, t('admin.confirm.no')));
    yes.onclick = async () => {
      yes.disabled = true;
      try {
        await act();
      } catch (err) {
        if (err.status === 401) return;
        notice(err, true);
        box.replaceChildren(first);
      }
    };
    box.replaceChildren(line);
    yes.focus();
  };
  const first = el('button', { type: 'button', ...attrs, onclick: ask }, label);
  box.append(first);
  return box;
}

// ------------------------------------------------------------------ regions

/** A boundary from an uploaded GeoJSON file's text (a FeatureCollection's polygons become one MultiPolygon). */
export function boundaryFrom(text) {
  let g;
  try {
    g = JSON.parse(text);
  } catch {
    throw localError('boundary', 'not_geojson');
  }
  if (g && g.type === 'FeatureCollection' && Array.isArray(g.features)) {
    const polys = g.features.map((f) => f && f.geometry).filter(Boolean);
    if (polys.length === 1) return polys[0];
    if (polys.length && polys.every((p) => p.type === 'Polygon' || p.type === 'MultiPolygon')) {
      return { type: 'MultiPolygon', coordinates: polys.flatMap((p) => (p.type === 'Polygon' ? [p.coordinates] : p.coordinates)) };
    }
    throw localError('boundary', 'not_geojson');
  }
  if (!g || !['Polygon', 'MultiPolygon', 'Feature'].includes(g.type)) throw localError('boundary', 'not_geojson');
  return g;
}

const readFile = (input) => (input.files && input.files[0] ? input.files[0].text() : Promise.resolve(null));

export class RegionsTab {
  constructor(zone) {
    this.zone = zone;
    this.offset = 0;
    this.selected = null;
  }

  async render(box) {
    this.box = box;
    const classes = () => ['urban', 'rural'].map((c) => option(c, term('region_class', c)));
    const file = el('input', { type: 'file', name: 'boundary', accept: '.geojson,.json,application/geo+json,application/json' });
    const upload = sending({ 'data-action': 'create-region' }, [
      field('name', el('input', { name: 'name', maxLength: 200 })),
      field('class', el('select', { name: 'class' }, classes())),
      field('boundary', file, t('admin.regions.file')),
      el('button', { type: 'submit', class: 'primary' }, t('admin.regions.save_new')),
    ], async (v, form) => {
      const text = await readFile(file);
      if (text === null) throw localError('boundary', 'required');
      const r = await api.post('/regions', { name: v.name ?? '', class: v.class, boundary: boundaryFrom(text) });
      form.reset();
      form.closest('details').open = false;
      notice(t('admin.regions.created', { name: r.name }));
      this.selected = r.id;
      await this.load();
    });
    box.replaceChildren(
      el('div', { class: 'desk' },
        el('div', {},
          step('create-region', t('admin.regions.upload'), upload),
          el('table', { id: 'admin-regions', class: 'list' }),
          el('div', { id: 'admin-regions-pager' }),
          el('div', { id: 'admin-region-panel', class: 'panel' }, el('p', { class: 'muted' }, t('admin.regions.pick')))),
        el('div', {}, el('div', { id: 'admin-map', class: 'map', role: 'region', 'aria-label': t('map.label') }))));
    await this.load();
  }

  async load() {
    try {
      const page = await api.get('/regions', { limit: PAGE, offset: this.offset });
      this.regions = page.items;
      const cols = ['name', 'class', 'updated'];
      $('admin-regions').replaceChildren(head('admin.regions.col', cols), body(page.items.map((r) =>
        el('tr', { class: `row${r.id === this.selected ? ' selected' : ''}`, tabIndex: 0, 'data-region-id': r.id, onclick: () => this.pick(r) },
          el('td', {}, data(r.name)), el('td', {}, term('region_class', r.class)), el('td', {}, timeEl(r.updated_at, this.zone, true)))), cols.length));
      pager($('admin-regions-pager'), page, (o) => { this.offset = o; this.load(); });
      map.draw($('admin-map'), { regions: page.items, visits: [], technicians: [] });
      const chosen = page.items.find((r) => r.id === this.selected);
      if (chosen) this.pick(chosen);
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  pick(r) {
    this.selected = r.id;
    for (const row of document.querySelectorAll('#admin-regions tr.row')) row.classList.toggle('selected', Number(row.dataset.regionId) === r.id);
    for (const p of document.querySelectorAll('#admin-map path.region')) p.classList.toggle('chosen', Number(p.dataset.regionId) === r.id);
    const file = el('input', { type: 'file', name: 'boundary', accept: '.geojson,.json,application/geo+json,application/json' });
    const form = sending({ 'data-action': 'update-region' }, [
      field('name', el('input', { name: 'name', maxLength: 200, value: r.name })),
      field('class', el('select', { name: 'class' }, ['urban', 'rural'].map((c) => option(c, term('region_class', c), c === r.class)))),
      field('boundary', file, t('admin.regions.new_file')),
      el('button', { type: 'submit', class: 'primary' }, t('admin.regions.save')),
    ], async (v) => {
      const text = await readFile(file);
      const changes = { name: v.name ?? '', class: v.class };
      if (text !== null) changes.boundary = boundaryFrom(text);
      const saved = await api.patch(`/regions/${r.id}`, changes);
      notice(t('admin.regions.updated', { name: saved.name }));
      await this.load();
    });
    $('admin-region-panel').replaceChildren(el('h2', {}, data(r.name)), el('h3', {}, t('admin.regions.edit')), form);
  }
}

// ------------------------------------------------------------------ outbox

const OUTBOX = ['pending', 'dead', 'sent', 'cancelled'];

export class OutboxTab {
  constructor(zone) {
    this.zone = zone;
    this.status = 'pending';
    this.offset = 0;
  }

  async render(box, rest) {
    if (OUTBOX.includes(rest[0])) this.status = rest[0];
    this.offset = 0;
    const status = el('select', { id: 'admin-outbox-status', onchange: (e) => { location.hash = `#admin/outbox/${e.target.value}`; } },
      OUTBOX.map((s) => option(s, term('outbox_status', s), s === this.status)));
    box.replaceChildren(
      el('div', { class: 'toolbar' }, el('label', {}, t('admin.outbox.status'), status)),
      el('table', { id: 'admin-outbox', class: 'list' }),
      el('div', { id: 'admin-outbox-pager' }));
    await this.load();
  }

  async load() {
    try {
      const page = await api.get('/outbox', { status: this.status, limit: PAGE, offset: this.offset });
      const [tickets, customers] = await Promise.all([
        Promise.all(page.items.map((m) => named.ticket(m.ticket_id))),
        Promise.all(page.items.map((m) => named.customer(m.customer_id))),
      ]);
      const cols = ['created', 'kind', 'to', 'subject', 'ticket', 'customer', 'attempts', 'next', 'error', 'actions'];
      $('admin-outbox').replaceChildren(head('admin.outbox.col', cols), body(page.items.map((m, i) =>
        el('tr', { 'data-message-id': m.id, 'data-status': m.status },
          el('td', {}, timeEl(m.created_at, this.zone, true)),
          el('td', {}, term('mail_kind', m.kind)),
          el('td', {}, data(m.recipients.join(', '))),
          el('td', {}, data(m.subject)),
          el('td', {}, tickets[i] ? el('a', { href: `#tickets/${m.ticket_id}` }, data(tickets[i])) : ''),
          el('td', {}, customers[i] ? data(customers[i]) : ''),
          el('td', {}, data(number(m.attempts))),
          el('td', {}, m.status === 'pending' ? timeEl(m.next_attempt_at, this.zone, true) : timeEl(m.sent_at, this.zone, true)),
          el('td', {}, m.last_error ? data(m.last_error, 'span', { class: 'muted' }) : ''),
          el('td', {}, this.actions(m)))), cols.length));
      pager($('admin-outbox-pager'), page, (o) => { this.offset = o; this.load(); });
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  actions(m) {
    const act = (path, done, label, name) => el('button', {
      type: 'button', 'data-action': name,
      onclick: async (e) => {
        e.target.disabled = true;
        try {
          await api.post(`/outbox/${m.id}/${path}`);
          notice(t(done));
          await this.load();
        } catch (err) {
          e.target.disabled = false;
          if (err.status !== 401) notice(err, true);
        }
      },
    }, t(label));
    if (m.status === 'pending') return act('send-now', 'admin.outbox.sent_now', 'admin.outbox.send_now', 'send-now');
    if (m.status === 'dead') return act('retry', 'admin.outbox.retried', 'admin.outbox.retry', 'retry');
    return '';
  }
}

// ------------------------------------------------------------------ jobs

export class JobsTab {
  constructor(zone) {
    this.zone = zone;
    this.offset = 0;
    this.job = '';
  }

  async render(box) {
    this.offset = 0;
    const filter = el('select', { id: 'admin-jobs-filter', onchange: (e) => { this.job = e.target.value; this.offset = 0; this.loadRuns(); } },
      option('', t('admin.all')), JOBS.map((j) => option(j, term('job', j), j === this.job)));
    box.replaceChildren(
      el('table', { id: 'admin-jobs', class: 'list' }),
      el('div', { class: 'toolbar' }, el('h2', {}, t('admin.jobs.runs')), el('label', {}, t('admin.jobs.job'), filter)),
      el('table', { id: 'admin-job-runs', class: 'list' }),
      el('div', { id: 'admin-job-runs-pager' }));
    await Promise.all([this.loadJobs(), this.loadRuns()]);
  }

  async loadJobs() {
    let health = [];
    try {
      const ready = await api.ready();
      health = (ready.detail && ready.detail.jobs) || [];
    } catch (err) {
      if (err.status === 401) return;
    }
    const known = new Map(health.map((j) => [j.job, j]));
    const names = [...JOBS.filter((j) => known.has(j) || !health.length), ...health.map((j) => j.job).filter((j) => !JOBS.includes(j))];
    const cols = ['job', 'does', 'schedule', 'last', 'actions'];
    $('admin-jobs').replaceChildren(head('admin.jobs.col', cols), body(names.map((name) => {
      const h = known.get(name) || {};
      return el('tr', { 'data-job': name, 'data-stale': h.stale ? 'true' : 'false' },
        el('td', {}, term('job', name)),
        el('td', {}, t(`job_does.${name}`)),
        el('td', {}, h.schedule ? data(h.schedule, 'code') : t('admin.jobs.off')),
        el('td', {}, h.last_started_at ? timeEl(h.last_started_at, this.zone, true) : t('admin.jobs.never'),
          h.stale ? [' ', el('span', { class: 'badge stale' }, t('admin.jobs.stale'))] : ''),
        el('td', {}, el('button', { type: 'button', 'data-action': 'run', onclick: (e) => this.run(name, e.target) }, t('admin.jobs.run'))));
    }), cols.length));
  }

  async run(name, button) {
    button.disabled = true;
    try {
      const r = await api.post(`/jobs/${encodeURIComponent(name)}/run`, {});
      notice(r.ran ? t('admin.jobs.ran', { job: term('job', name), examined: number(r.examined), actions: number(r.actions) }) : t('admin.jobs.claimed', { job: term('job', name) }));
      await Promise.all([this.loadJobs(), this.loadRuns()]);
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    } finally {
      if (button.isConnected) button.disabled = false;
    }
  }

  async loadRuns() {
    try {
      const page = await api.get('/jobs/runs', { job: this.job, limit: PAGE, offset: this.offset });
      const cols = ['job', 'slot', 'started', 'finished', 'examined', 'actions'];
      $('admin-job-runs').replaceChildren(head('admin.jobs.col', cols), body(page.items.map((r) =>
        el('tr', { 'data-run-id': r.id, 'data-job': r.job },
          el('td', {}, term('job', r.job)), el('td', {}, data(r.slot, 'code')),
          el('td', {}, timeEl(r.started_at, this.zone, true)),
          el('td', {}, r.finished_at ? timeEl(r.finished_at, this.zone, true) : el('span', { class: 'muted' }, t('admin.jobs.unfinished'))),
          el('td', {}, data(number(r.examined))), el('td', {}, data(number(r.actions))))), cols.length));
      pager($('admin-job-runs-pager'), page, (o) => { this.offset = o; this.loadRuns(); });
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }
}

// ------------------------------------------------------------------ personal data

export class PrivacyTab {
  constructor(zone) {
    this.zone = zone;
  }

  async render(box) {
    this.picker = customerPicker('customer_id', { id: 'admin-privacy-customer' });
    this.picker.onPick((m) => this.contacts(m.customer_id, m.contact_id));
    box.replaceChildren(
      el('p', { class: 'muted' }, t('admin.privacy.pick')),
      field('customer_id', this.picker.node, t('admin.privacy.customer')),
      el('table', { id: 'admin-contacts', class: 'list' }),
      el('div', { id: 'admin-contact-panel' }));
  }

  async contacts(customerId, contactId) {
    try {
      const list = await api.getAll(`/customers/${customerId}/contacts`);
      const cols = ['name', 'phone', 'email'];
      $('admin-contacts').replaceChildren(head('admin.privacy.col', cols), el('tbody', {}, list.length ? list.map((c) =>
        el('tr', { class: 'row', tabIndex: 0, 'data-contact-id': c.id, onclick: () => this.pick(c), onkeydown: (e) => e.key === 'Enter' && this.pick(c) },
          el('td', {}, data(c.name)), el('td', {}, data(c.phone)), el('td', {}, data(c.email)))) : el('tr', {}, el('td', { colSpan: 3 }, t('admin.privacy.no_contacts')))));
      $('admin-contact-panel').replaceChildren();
      const chosen = list.find((c) => c.id === contactId) || (list.length === 1 ? list[0] : null);
      if (chosen) this.pick(chosen);
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  pick(c) {
    for (const row of document.querySelectorAll('#admin-contacts tr.row')) row.classList.toggle('selected', Number(row.dataset.contactId) === c.id);
    const result = el('p', { id: 'admin-privacy-result', role: 'status' });
    const exportButton = el('button', { type: 'button', 'data-action': 'export', onclick: () => this.export(c, result) }, t('admin.privacy.export'));
    const erase = sending({ 'data-action': 'erase' }, [
      el('p', { class: 'muted' }, t('admin.privacy.erase_help')),
      field('reason', el('textarea', { name: 'reason', rows: 2, cols: 40, maxLength: 1000 })),
      el('label', { class: 'inline' }, el('input', { type: 'checkbox', name: 'understood', value: 'yes' }), t('admin.privacy.understood')),
      el('button', { type: 'submit', class: 'primary danger' }, t('admin.privacy.erase_submit')),
    ], async (v) => {
      if (v.understood !== 'yes') throw localError('understood', 'confirm_first');
      const r = await api.post(`/contacts/${c.id}/erasure`, { reason: v.reason ?? '' });
      const n = r.counts;
      notice(t('admin.privacy.erased', { tickets: number(n.tickets), surveys: number(n.surveys), emails: number(n.emails), cancelled: number(n.emails_cancelled), inbound: number(n.inbound_emails), files: number(n.attachments), links: number(n.portal_links), audit: number(n.audit_events), other: number(n.other_records) }));
      await this.contacts(c.customer_id, c.id);
    });
    $('admin-contact-panel').replaceChildren(el('div', { class: 'panel', 'data-contact-id': c.id },
      el('h2', {}, data(c.name)),
      el('div', { class: 'buttons' }, exportButton), result,
      step('erase', t('admin.privacy.erase'), erase)));
  }

  async export(c, result) {
    try {
      const x = await api.get(`/contacts/${c.id}/personal-data`);
      const blob = new Blob([JSON.stringify(x, null, 2)], { type: 'application/json' });
      const a = el('a', { href: URL.createObjectURL(blob), download: `contact-${c.id}-personal-data.json`, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
      result.dataset.exported = 'true';
      result.replaceChildren(t('admin.privacy.exported', { tickets: number(x.tickets.length), surveys: number(x.surveys.length), emails: number(x.emails.length), inbound: number(x.inbound_emails.length), uploads: number(x.uploads.length), links: number(x.portal_links.length), mentions: number(x.mentions.length) }));
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }
}
