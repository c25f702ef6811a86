// The admin's view: tabs addressed as #admin/<tab>. Here the users (create, role, disable,
// reset password; their team, supervisor, level and grants from admin_org.js, with the teams tab), the SLA policies (a table by customer tier and region class, each row
// editable) and the business calendar with its holidays, beside a preview of the due times a
// registration would get now, before and after the last change; the operations tabs (regions,
// outbox, jobs, personal data) are in admin_ops.js.

import * as api from './api.js';
import { add, t, term, minutes, day } from './i18n.js';
import { el, notice, data, timeEl, localDay, pager } from './ui.js';
import { customerPicker } from './lookup.js';
import {
  option, dataOption, field, head, body, localError, sending, step, confirmed,
  RegionsTab, OutboxTab, JobsTab, PrivacyTab,
} from './admin_ops.js';
import { TeamsTab, organisationForm } from './admin_org.js';

const TABS = ['users', 'teams', 'sla', 'calendar', 'regions', 'outbox', 'jobs', 'privacy'];
const ROLES = ['admin', 'agent', 'remote_engineer', 'dispatcher', 'technician', 'supervisor', 'account_manager', 'manager'];
const TIERS = ['standard', 'silver', 'gold', 'diamond', 'platinum'];
const PRIORITIES = ['p1', 'p2', 'p3', 'p4'];
const KINDS = ['fault', 'enquiry', 'complaint', 'suggestion'];
const CLASSES = ['urban', 'rural'];
const TARGETS = ['response', 'hotline', 'remote', 'departure', 'arrival', 'resolution'];
const DUES = ['response_due_at', 'hotline_due_at', 'remote_due_at', 'departure_due_at', 'arrival_due_at', 'resolution_due_at', 'callback_due_at'];
const PAGE = 25;
const $ = (id) => document.getElementById(id);

add({
  en: {
    'nav.admin': 'Administration', 'admin.hours': '{h} h',
    'admin.title': 'Administration',
    'admin.tab.users': 'Users', 'admin.tab.sla': 'SLA policies', 'admin.tab.calendar': 'Calendar and holidays',
    'admin.tab.regions': 'Regions', 'admin.tab.outbox': 'Outbox', 'admin.tab.jobs': 'Jobs', 'admin.tab.privacy': 'Personal data',
    'admin.users.role': 'Role', 'admin.users.state': 'State', 'admin.users.search': 'Name or username',
    'admin.users.active_only': 'active', 'admin.users.disabled_only': 'disabled',
    'admin.users.new': 'New user', 'admin.users.create': 'Create the user', 'admin.users.created': 'User {name} created.',
    'admin.users.col.username': 'Username', 'admin.users.col.name': 'Name', 'admin.users.col.role': 'Role',
    'admin.users.col.email': 'E-mail', 'admin.users.col.phone': 'Phone', 'admin.users.col.language': 'Language',
    'admin.users.col.state': 'State', 'admin.users.col.created': 'Created',
    'admin.users.active': 'active', 'admin.users.disabled': 'disabled',
    'admin.users.pick': 'Pick a user to change them.',
    'admin.users.you': 'This is you: you cannot change your own role or disable yourself.',
    'admin.users.change_role': 'Change the role', 'admin.users.save_role': 'Change the role',
    'admin.users.details': 'Name, e-mail, phone and language', 'admin.users.save_details': 'Save',
    'admin.users.reset_password': 'Reset the password', 'admin.users.save_password': 'Set the new password',
    'admin.users.password_help': 'At least 12 characters. The user is signed out everywhere.',
    'admin.users.disable': 'Disable', 'admin.users.enable': 'Enable',
    'admin.users.disable_q': 'Disable {name}? They are signed out and cannot sign in until enabled again.',
    'admin.users.enable_q': 'Enable {name} again?',
    'admin.users.disabled_done': '{name} is disabled.', 'admin.users.enabled_done': '{name} is enabled.',
    'admin.users.role_done': '{name} is now {role}.', 'admin.users.password_done': 'The password of {name} is set; they are signed out everywhere.',
    'admin.users.no_language': 'not chosen (follows the browser)',
    'language.zh': 'Chinese', 'language.en': 'English',
    'error.reason.passwords_differ': 'The two passwords differ.',
    'field.username': 'Username', 'field.display_name': 'Display name', 'field.email': 'E-mail', 'field.phone': 'Phone',
    'field.role': 'Role', 'field.password': 'Password', 'field.password_again': 'Password again', 'field.language': 'Language',
    'field.active': 'Active',
    'admin.sla.tier': 'Customer tier', 'admin.sla.help': 'A ticket takes the most specific row that matches it: its request kind first, then its customer tier, priority and region class. Changes apply to tickets registered afterwards.',
    'admin.sla.col.tier': 'Customer tier', 'admin.sla.col.region': 'Region class', 'admin.sla.col.priority': 'Priority', 'admin.sla.col.kind': 'Kind',
    'admin.sla.col.response': 'Response', 'admin.sla.col.hotline': 'Hotline', 'admin.sla.col.remote': 'Remote',
    'admin.sla.col.departure': 'Departure', 'admin.sla.col.arrival': 'Arrival', 'admin.sla.col.resolution': 'Resolution', 'admin.sla.col.clock': 'Clock',
    'admin.sla.pick': 'Pick a row to change its targets.',
    'admin.sla.edit': 'Targets, in minutes', 'admin.sla.save': 'Save the targets', 'admin.sla.saved': 'The targets are saved; new tickets use them.',
    'admin.sla.row': '{tier} · {region} · {priority} · {kind}',
    'clock_mode.business': 'business hours', 'clock_mode.continuous': 'around the clock',
    'tier_action.alert': 'alert', 'tier_action.climb': 'climb to the next tier',
    'field.response_minutes': 'Response', 'field.hotline_minutes': 'Hotline limit', 'field.remote_minutes': 'Remote limit',
    'field.departure_minutes': 'Departure', 'field.arrival_minutes': 'Arrival', 'field.resolution_minutes': 'Resolution',
    'field.clock_mode': 'Clock', 'field.hotline_action': 'Past the hotline limit', 'field.remote_action': 'Past the remote limit',
    'admin.cal.hours': 'Business hours', 'admin.cal.open': 'open', 'admin.cal.closed': 'closed',
    'admin.cal.makeup': 'Hours of a make-up working day', 'admin.cal.save': 'Save the calendar',
    'admin.cal.saved': 'The calendar is saved; due times set from now on use it.',
    'admin.cal.day.0': 'Monday', 'admin.cal.day.1': 'Tuesday', 'admin.cal.day.2': 'Wednesday', 'admin.cal.day.3': 'Thursday',
    'admin.cal.day.4': 'Friday', 'admin.cal.day.5': 'Saturday', 'admin.cal.day.6': 'Sunday',
    'admin.cal.holidays': 'Holidays and make-up working days', 'admin.cal.year': 'Year',
    'admin.cal.add': 'Add a holiday or make-up day', 'admin.cal.add_submit': 'Add',
    'admin.cal.added': '{name} added.', 'admin.cal.removed': '{name} removed.',
    'admin.cal.remove': 'Remove', 'admin.cal.remove_q': 'Remove {name}?',
    'admin.cal.col.day': 'Day', 'admin.cal.col.name': 'Name', 'admin.cal.col.kind': 'Kind', 'admin.cal.col.actions': 'Actions',
    'holiday_kind.holiday': 'holiday', 'holiday_kind.working': 'make-up working day',
    'admin.preview.title': 'Due times a registration would get now',
    'admin.preview.customer': 'Customer', 'admin.preview.site': 'Site', 'admin.preview.no_site': 'none',
    'admin.preview.for': '{tier} customer, {class} region, {clock}.',
    'admin.preview.no_customer': 'There is no customer yet to preview with.',
    'admin.preview.col.due': 'Due time', 'admin.preview.col.before': 'Before the change', 'admin.preview.col.now': 'Now',
    'admin.preview.moved': 'The last change moved {count} due time(s).', 'admin.preview.unmoved': 'The last change moved no due time.',
    'call.due.departure_due_at': 'Departure',
    'field.time_zone': 'Time zone', 'field.week': 'Week', 'field.makeup_hours': 'Make-up day hours', 'field.start': 'From', 'field.end': 'To',
    'field.day': 'Day', 'field.year': 'Year',
  },
  zh: {
    'nav.admin': '系统管理', 'admin.hours': '{h} 小时',
    'admin.title': '系统管理',
    'admin.tab.users': '用户', 'admin.tab.sla': 'SLA 策略', 'admin.tab.calendar': '工作日历和节假日',
    'admin.tab.regions': '区域', 'admin.tab.outbox': '发件箱', 'admin.tab.jobs': '定时任务', 'admin.tab.privacy': '个人数据',
    'admin.users.role': '角色', 'admin.users.state': '状态', 'admin.users.search': '姓名或用户名',
    'admin.users.active_only': '启用', 'admin.users.disabled_only': '停用',
    'admin.users.new': '新建用户', 'admin.users.create': '创建用户', 'admin.users.created': '已创建用户 {name}。',
    'admin.users.col.username': '用户名', 'admin.users.col.name': '姓名', 'admin.users.col.role': '角色',
    'admin.users.col.email': '电子邮件', 'admin.users.col.phone': '电话', 'admin.users.col.language': '语言',
    'admin.users.col.state': '状态', 'admin.users.col.created': '创建时间',
    'admin.users.active': '启用', 'admin.users.disabled': '已停用',
    'admin.users.pick': '选择一个用户进行修改。',
    'admin.users.you': '这是您本人：不能修改自己的角色或停用自己。',
    'admin.users.change_role': '修改角色', 'admin.users.save_role': '修改角色',
    'admin.users.details': '姓名、电子邮件、电话和语言', 'admin.users.save_details': '保存',
    'admin.users.reset_password': '重置密码', 'admin.users.save_password': '设置新密码',
    'admin.users.password_help': '至少 12 个字符。该用户将在所有设备上退出登录。',
    'admin.users.disable': '停用', 'admin.users.enable': '启用',
    'admin.users.disable_q': '停用 {name}？该用户将退出登录，重新启用前无法登录。',
    'admin.users.enable_q': '重新启用 {name}？',
    'admin.users.disabled_done': '已停用 {name}。', 'admin.users.enabled_done': '已启用 {name}。',
    'admin.users.role_done': '{name} 的角色已改为{role}。', 'admin.users.password_done': '已为 {name} 设置新密码，该用户已在所有设备上退出登录。',
    'admin.users.no_language': '未选择（跟随浏览器）',
    'language.zh': '中文', 'language.en': '英文',
    'error.reason.passwords_differ': '两次输入的密码不一致。',
    'field.username': '用户名', 'field.display_name': '显示名称', 'field.email': '电子邮件', 'field.phone': '电话',
    'field.role': '角色', 'field.password': '密码', 'field.password_again': '再次输入密码', 'field.language': '语言',
    'field.active': '启用',
    'admin.sla.tier': '客户等级', 'admin.sla.help': '工单采用与其匹配的最具体的一行：先看请求类别，再看客户等级、优先级和区域类别。修改只对之后登记的工单生效。',
    'admin.sla.col.tier': '客户等级', 'admin.sla.col.region': '区域类别', 'admin.sla.col.priority': '优先级', 'admin.sla.col.kind': '类别',
    'admin.sla.col.response': '响应', 'admin.sla.col.hotline': '热线', 'admin.sla.col.remote': '远程',
    'admin.sla.col.departure': '出发', 'admin.sla.col.arrival': '到场', 'admin.sla.col.resolution': '解决', 'admin.sla.col.clock': '计时',
    'admin.sla.pick': '选择一行修改其时限。',
    'admin.sla.edit': '时限（分钟）', 'admin.sla.save': '保存时限', 'admin.sla.saved': '时限已保存，新工单将采用。',
    'admin.sla.row': '{tier} · {region} · {priority} · {kind}',
    'clock_mode.business': '工作时间', 'clock_mode.continuous': '全天候',
    'tier_action.alert': '提醒', 'tier_action.climb': '升级到下一层级',
    'field.response_minutes': '响应', 'field.hotline_minutes': '热线时限', 'field.remote_minutes': '远程时限',
    'field.departure_minutes': '出发', 'field.arrival_minutes': '到场', 'field.resolution_minutes': '解决',
    'field.clock_mode': '计时', 'field.hotline_action': '超过热线时限时', 'field.remote_action': '超过远程时限时',
    'admin.cal.hours': '工作时间', 'admin.cal.open': '上班', 'admin.cal.closed': '休息',
    'admin.cal.makeup': '调休上班日的工作时间', 'admin.cal.save': '保存日历',
    'admin.cal.saved': '日历已保存，此后设定的时限将按此计算。',
    'admin.cal.day.0': '星期一', 'admin.cal.day.1': '星期二', 'admin.cal.day.2': '星期三', 'admin.cal.day.3': '星期四',
    'admin.cal.day.4': '星期五', 'admin.cal.day.5': '星期六', 'admin.cal.day.6': '星期日',
    'admin.cal.holidays': '节假日和调休上班日', 'admin.cal.year': '年份',
    'admin.cal.add': '添加节假日或调休上班日', 'admin.cal.add_submit': '添加',
    'admin.cal.added': '已添加 {name}。', 'admin.cal.removed': '已删除 {name}。',
    'admin.cal.remove': '删除', 'admin.cal.remove_q': '删除 {name}？',
    'admin.cal.col.day': '日期', 'admin.cal.col.name': '名称', 'admin.cal.col.kind': '类型', 'admin.cal.col.actions': '操作',
    'holiday_kind.holiday': '节假日', 'holiday_kind.working': '调休上班日',
    'admin.preview.title': '若现在登记，工单的时限',
    'admin.preview.customer': '客户', 'admin.preview.site': '地点', 'admin.preview.no_site': '无',
    'admin.preview.for': '{tier}客户，{class}区域，{clock}计时。',
    'admin.preview.no_customer': '尚无客户可用于预览。',
    'admin.preview.col.due': '时限', 'admin.preview.col.before': '修改前', 'admin.preview.col.now': '现在',
    'admin.preview.moved': '上次修改使 {count} 个时限发生变化。', 'admin.preview.unmoved': '上次修改没有改变任何时限。',
    'call.due.departure_due_at': '出发',
    'field.time_zone': '时区', 'field.week': '每周', 'field.makeup_hours': '调休日工作时间', 'field.start': '从', 'field.end': '至',
    'field.day': '日期', 'field.year': '年份',
  },
});

/** A target in minutes as people read it: whole hours without "0 min". */
const span = (m) => (m >= 60 && m % 60 === 0 ? t('admin.hours', { h: m / 60 }) : minutes(m));

/** Whether two previews' due times differ for `key`. */
const moved = (a, b, key) => (a && b ? (a[key] || null) !== (b[key] || null) : false);

export class AdminView {
  constructor(user) {
    this.user = user;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.tab = null;
    this.tabs = {};
    $('admin-tabs').replaceChildren(...TABS.map((id) => el('a', { href: `#admin/${id}`, role: 'tab', 'data-tab': id }, t(`admin.tab.${id}`))));
  }

  async show(rest) {
    if (!this.calendar) {
      this.calendar = await api.get('/calendar').catch(() => null);
      if (this.calendar) this.zone = this.calendar.time_zone;
    }
    const id = TABS.includes(rest[0]) ? rest[0] : TABS[0];
    for (const a of $('admin-tabs').children) a.setAttribute('aria-selected', String(a.dataset.tab === id));
    this.tab = id;
    const box = $('admin-body');
    box.dataset.tab = id;
    if (!this.tabs[id]) this.tabs[id] = this.make(id);
    await this.tabs[id].render(box, rest.slice(1));
  }

  make(id) {
    switch (id) {
      case 'users': return new UsersTab(this.user, this.zone);
      case 'teams': return new TeamsTab();
      case 'sla': return new SlaTab();
      case 'calendar': return new CalendarTab(this);
      case 'regions': return new RegionsTab(this.zone);
      case 'outbox': return new OutboxTab(this.zone);
      case 'jobs': return new JobsTab(this.zone);
      default: return new PrivacyTab(this.zone);
    }
  }

  stop() {}
}

// ------------------------------------------------------------------ users

class UsersTab {
  constructor(me, zone) {
    this.me = me;
    this.zone = zone;
    this.offset = 0;
    this.filters = {};
    this.selected = null;
  }

  async render(box) {
    this.filters = {};
    this.offset = 0;
    const filters = sending({ id: 'admin-user-filters', class: 'filters' }, [
      field('role', el('select', { name: 'role' }, option('', t('admin.any')), ROLES.map((r) => option(r, term('role', r)))), t('admin.users.role')),
      field('active', el('select', { name: 'active' }, option('', t('admin.any')), option('true', t('admin.users.active_only')), option('false', t('admin.users.disabled_only'))), t('admin.users.state')),
      field('q', el('input', { name: 'q', type: 'search', maxLength: 100 }), t('admin.users.search')),
    ], async () => {});
    filters.onchange = () => this.filter(filters);
    filters.onsubmit = (e) => { e.preventDefault(); this.filter(filters); };
    box.replaceChildren(
      filters,
      el('div', { class: 'desk' },
        el('div', {},
          step('create-user', t('admin.users.new'), this.createForm()),
          el('table', { id: 'admin-users', class: 'list' }),
          el('div', { id: 'admin-users-pager' })),
        el('div', { id: 'admin-user-panel', class: 'panel' }, el('p', { class: 'muted' }, t('admin.users.pick')))));
    await this.load();
  }

  filter(form) {
    const v = Object.fromEntries(new FormData(form).entries());
    this.filters = v;
    this.offset = 0;
    this.load();
  }

  createForm() {
    return sending({ 'data-action': 'create-user', class: 'call' }, [
      field('username', el('input', { name: 'username', maxLength: 64, autocomplete: 'off' })),
      field('display_name', el('input', { name: 'display_name', maxLength: 200 })),
      field('email', el('input', { name: 'email', type: 'email', maxLength: 254 })),
      field('phone', el('input', { name: 'phone', type: 'tel', maxLength: 40 })),
      field('role', el('select', { name: 'role' }, ROLES.map((r) => option(r, term('role', r), r === 'agent')))),
      field('language', el('select', { name: 'language' }, option('', t('admin.users.no_language')), option('zh', t('language.zh')), option('en', t('language.en')))),
      field('password', el('input', { name: 'password', type: 'password', autocomplete: 'new-password', maxLength: 256 })),
      field('password_again', el('input', { name: 'password_again', type: 'password', autocomplete: 'new-password', maxLength: 256 })),
      el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t('admin.users.create'))),
    ], async (v, form) => {
      const raw = new FormData(form);
      if ((raw.get('password') || '') !== (raw.get('password_again') || '')) throw localError('password_again', 'passwords_differ');
      const u = await api.post('/users', {
        username: v.username ?? '', display_name: v.display_name ?? '', email: v.email, phone: v.phone,
        role: v.role, password: raw.get('password') || '', language: v.language,
      });
      form.reset();
      form.closest('details').open = false;
      notice(t('admin.users.created', { name: u.display_name }));
      this.selected = u.id;
      await this.load();
    });
  }

  async load() {
    try {
      const page = await api.get('/users', { ...this.filters, limit: PAGE, offset: this.offset });
      const cols = ['username', 'name', 'role', 'email', 'phone', 'language', 'state', 'created'];
      $('admin-users').replaceChildren(head('admin.users.col', cols), body(page.items.map((u) =>
        el('tr', {
          class: `row${u.id === this.selected ? ' selected' : ''}`, tabIndex: 0, 'data-user-id': u.id, 'data-username': u.username,
          'data-status': u.active ? 'active' : 'disabled', 'data-role': u.role,
          onclick: () => this.pick(u), onkeydown: (e) => e.key === 'Enter' && this.pick(u),
        },
        el('td', {}, data(u.username)), el('td', {}, data(u.display_name)), el('td', {}, term('role', u.role)),
        el('td', {}, data(u.email)), el('td', {}, data(u.phone)),
        el('td', {}, u.language ? t(`language.${u.language}`) : ''),
        el('td', {}, el('span', { class: `badge ${u.active ? 'active' : 'disabled'}` }, t(u.active ? 'admin.users.active' : 'admin.users.disabled'))),
        el('td', {}, timeEl(u.created_at, this.zone, true)))), cols.length));
      pager($('admin-users-pager'), page, (o) => { this.offset = o; this.load(); });
      const chosen = page.items.find((u) => u.id === this.selected);
      if (chosen) this.pick(chosen);
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  pick(u) {
    this.selected = u.id;
    for (const row of document.querySelectorAll('#admin-users tr.row')) row.classList.toggle('selected', Number(row.dataset.userId) === u.id);
    const self = u.id === this.me.id;
    const save = async (changes, done) => {
      const saved = await api.patch(`/users/${u.id}`, changes);
      notice(done(saved));
      await this.load();
    };
    const role = sending({ 'data-action': 'change-role' }, [
      field('role', el('select', { name: 'role' }, ROLES.map((r) => option(r, term('role', r), r === u.role)))),
      el('button', { type: 'submit', class: 'primary' }, t('admin.users.save_role')),
    ], (v) => save({ role: v.role }, (s) => t('admin.users.role_done', { name: s.display_name, role: term('role', s.role) })));
    const details = sending({ 'data-action': 'edit-user' }, [
      field('display_name', el('input', { name: 'display_name', maxLength: 200, value: u.display_name })),
      field('email', el('input', { name: 'email', type: 'email', maxLength: 254, value: u.email ?? '' })),
      field('phone', el('input', { name: 'phone', type: 'tel', maxLength: 40, value: u.phone ?? '' })),
      field('language', el('select', { name: 'language' },
        u.language ? '' : option('', t('admin.users.no_language'), true),
        ['zh', 'en'].map((l) => option(l, t(`language.${l}`), l === u.language)))),
      el('button', { type: 'submit', class: 'primary' }, t('admin.users.save_details')),
    ], (v) => {
      const changes = {};
      if ((v.display_name ?? '') !== u.display_name) changes.display_name = v.display_name ?? '';
      if ((v.email ?? '') !== (u.email ?? '')) changes.email = v.email ?? '';
      if ((v.phone ?? '') !== (u.phone ?? '')) changes.phone = v.phone ?? '';
      if (v.language && v.language !== u.language) changes.language = v.language;
      return save(changes, () => t('admin.saved'));
    });
    const password = sending({ 'data-action': 'reset-password' }, [
      el('p', { class: 'muted' }, t('admin.users.password_help')),
      field('password', el('input', { name: 'password', type: 'password', autocomplete: 'new-password', maxLength: 256 })),
      field('password_again', el('input', { name: 'password_again', type: 'password', autocomplete: 'new-password', maxLength: 256 })),
      el('button', { type: 'submit', class: 'primary' }, t('admin.users.save_password')),
    ], (v, form) => {
      const raw = new FormData(form);
      if ((raw.get('password') || '') !== (raw.get('password_again') || '')) throw localError('password_again', 'passwords_differ');
      return save({ password: raw.get('password') || '' }, (s) => t('admin.users.password_done', { name: s.display_name }));
    });
    const toggle = u.active
      ? confirmed(t('admin.users.disable'), t('admin.users.disable_q', { name: u.display_name }),
        () => save({ active: false }, (s) => t('admin.users.disabled_done', { name: s.display_name })), { 'data-action': 'disable', class: 'danger', disabled: self })
      : confirmed(t('admin.users.enable'), t('admin.users.enable_q', { name: u.display_name }),
        () => save({ active: true }, (s) => t('admin.users.enabled_done', { name: s.display_name })), { 'data-action': 'enable' });
    $('admin-user-panel').replaceChildren(el('div', { 'data-user-id': u.id, 'data-status': u.active ? 'active' : 'disabled', class: 'actions' },
      el('h2', {}, data(u.display_name), ' ', el('span', { class: 'muted' }, term('role', u.role))),
      self ? el('p', { class: 'muted' }, t('admin.users.you')) : '',
      el('div', { class: 'buttons' }, toggle),
      self ? '' : step('change-role', t('admin.users.change_role'), role),
      step('edit-user', t('admin.users.details'), details),
      step('reset-password', t('admin.users.reset_password'), password)));
    organisationForm(u, () => this.load())
      .then((form) => { if (this.selected === u.id) $('admin-user-panel').firstChild?.append(form); })
      .catch((err) => notice(err, true));
  }
}

// ------------------------------------------------------------------ SLA policies

const order = (list, v) => (v === null || v === undefined ? -1 : list.indexOf(v));

class SlaTab {
  constructor() {
    this.tier = '';
    this.selected = null;
  }

  async render(box) {
    const tier = el('select', { id: 'admin-sla-tier', onchange: (e) => { this.tier = e.target.value; this.load(); } },
      option('', t('admin.all')), TIERS.map((x) => option(x, term('customer_tier', x), x === this.tier)));
    box.replaceChildren(
      el('div', { class: 'toolbar' }, el('label', {}, t('admin.sla.tier'), tier)),
      el('p', { class: 'muted' }, t('admin.sla.help')),
      el('table', { id: 'admin-sla', class: 'list' }),
      el('div', { id: 'admin-sla-panel', class: 'panel' }, el('p', { class: 'muted' }, t('admin.sla.pick'))));
    await this.load();
  }

  async load() {
    try {
      const list = await api.get('/sla/policies', { customer_tier: this.tier });
      list.sort((a, b) => order(TIERS, a.customer_tier) - order(TIERS, b.customer_tier)
        || order(CLASSES, a.region_class) - order(CLASSES, b.region_class)
        || order(PRIORITIES, a.priority) - order(PRIORITIES, b.priority)
        || order(KINDS, a.kind) - order(KINDS, b.kind));
      const any = (group, v) => (v ? term(group, v) : el('span', { class: 'muted' }, t('admin.any')));
      const cols = ['tier', 'region', 'priority', 'kind', ...TARGETS, 'clock'];
      $('admin-sla').replaceChildren(head('admin.sla.col', cols), body(list.map((p) =>
        el('tr', { class: `row${p.id === this.selected ? ' selected' : ''}`, tabIndex: 0, 'data-policy-id': p.id, onclick: () => this.pick(p, true), onkeydown: (e) => e.key === 'Enter' && this.pick(p, true) },
          el('td', {}, any('customer_tier', p.customer_tier)), el('td', {}, any('region_class', p.region_class)),
          el('td', {}, any('priority', p.priority)), el('td', {}, any('kind', p.kind)),
          TARGETS.map((k) => el('td', { 'data-target': k }, span(p[`${k}_minutes`]))),
          el('td', {}, term('clock_mode', p.clock_mode)))), cols.length));
      const chosen = list.find((p) => p.id === this.selected);
      if (chosen) this.pick(chosen);
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  pick(p, reveal) {
    this.selected = p.id;
    for (const row of document.querySelectorAll('#admin-sla tr.row')) row.classList.toggle('selected', Number(row.dataset.policyId) === p.id);
    const anyText = (group, v) => (v ? term(group, v) : t('admin.any'));
    const form = sending({ 'data-action': 'update-policy', class: 'call' }, [
      TARGETS.map((k) => field(`${k}_minutes`, el('input', { name: `${k}_minutes`, type: 'number', min: 1, max: 129600, step: 1, value: p[`${k}_minutes`] }))),
      field('clock_mode', el('select', { name: 'clock_mode' }, ['business', 'continuous'].map((m) => option(m, term('clock_mode', m), m === p.clock_mode)))),
      field('hotline_action', el('select', { name: 'hotline_action' }, ['alert', 'climb'].map((m) => option(m, term('tier_action', m), m === p.hotline_action)))),
      field('remote_action', el('select', { name: 'remote_action' }, ['alert', 'climb'].map((m) => option(m, term('tier_action', m), m === p.remote_action)))),
      el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t('admin.sla.save'))),
    ], async (v) => {
      const changes = {};
      for (const k of TARGETS) {
        const name = `${k}_minutes`;
        const n = v[name] === undefined ? NaN : Number(v[name]);
        if (!Number.isInteger(n)) throw localError(name, 'required');
        if (n !== p[name]) changes[name] = n;
      }
      for (const k of ['clock_mode', 'hotline_action', 'remote_action']) if (v[k] !== p[k]) changes[k] = v[k];
      await api.patch(`/sla/policies/${p.id}`, changes);
      notice(t('admin.sla.saved'));
      await this.load();
    });
    $('admin-sla-panel').replaceChildren(
      el('h2', {}, t('admin.sla.row', { tier: anyText('customer_tier', p.customer_tier), region: anyText('region_class', p.region_class), priority: anyText('priority', p.priority), kind: anyText('kind', p.kind) })),
      el('h3', {}, t('admin.sla.edit')), form);
    if (reveal) {
      $('admin-sla-panel').scrollIntoView({ block: 'nearest' });
      form.querySelector('input')?.focus({ preventScroll: true });
    }
  }
}

// ------------------------------------------------------------------ calendar, holidays, preview

class CalendarTab {
  constructor(view) {
    this.view = view;
    this.year = null;
    this.preview = null;
    this.before = null;
  }

  get zone() {
    return this.view.zone;
  }

  async render(box) {
    const cal = await api.get('/calendar').catch((err) => { notice(err, true); return null; });
    if (!cal) return;
    this.view.calendar = cal;
    this.view.zone = cal.time_zone;
    const thisYear = Number(localDay(new Date(), this.zone).slice(0, 4));
    this.year = this.year ?? thisYear;
    const years = [thisYear - 1, thisYear, thisYear + 1, thisYear + 2];
    box.replaceChildren(el('div', { class: 'desk' },
      el('div', {},
        el('h2', {}, t('admin.cal.hours')), this.calendarForm(cal),
        el('div', { class: 'toolbar' }, el('h2', {}, t('admin.cal.holidays')),
          el('label', {}, t('admin.cal.year'), el('select', { id: 'admin-holiday-year', onchange: (e) => { this.year = Number(e.target.value); this.loadHolidays(); } },
            years.map((y) => dataOption(y, String(y), y === this.year))))),
        step('add-holiday', t('admin.cal.add'), this.holidayForm()),
        el('table', { id: 'admin-holidays', class: 'list' })),
      el('div', { id: 'admin-preview', class: 'panel' })));
    await Promise.all([this.loadHolidays(), this.buildPreview()]);
  }

  calendarForm(cal) {
    const time = (name, value) => el('input', { type: 'time', name, value: value ?? '', step: 60 });
    const rows = cal.week.map((h, i) => el('tr', { 'data-weekday': i },
      el('th', {}, t(`admin.cal.day.${i}`)),
      el('td', {}, el('label', { class: 'inline' }, el('input', { type: 'checkbox', name: `open_${i}`, value: 'yes', checked: !!h }), t('admin.cal.open'))),
      el('td', {}, time(`start_${i}`, h ? h.start : '08:30')), el('td', {}, time(`end_${i}`, h ? h.end : '17:00'))));
    return sending({ 'data-action': 'save-calendar' }, [
      field('time_zone', el('input', { name: 'time_zone', value: cal.time_zone, maxLength: 64, translate: 'no' })),
      el('table', { class: 'list week' }, el('thead', {}, el('tr', {}, el('th', {}, t('field.day')), el('th', {}, t('admin.cal.open')), el('th', {}, t('field.start')), el('th', {}, t('field.end')))), el('tbody', {}, rows)),
      el('fieldset', {}, el('legend', {}, t('admin.cal.makeup')),
        field('start', time('makeup_start', cal.makeup_hours.start)), field('end', time('makeup_end', cal.makeup_hours.end))),
      el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t('admin.cal.save'))),
    ], async (v) => {
      const week = [0, 1, 2, 3, 4, 5, 6].map((i) => (v[`open_${i}`] ? { start: v[`start_${i}`] ?? '', end: v[`end_${i}`] ?? '' } : null));
      const saved = await api.call('PUT', '/calendar', { time_zone: v.time_zone ?? '', week, makeup_hours: { start: v.makeup_start ?? '', end: v.makeup_end ?? '' } });
      this.view.calendar = saved;
      this.view.zone = saved.time_zone;
      notice(t('admin.cal.saved'));
      await this.refreshPreview(true);
    });
  }

  holidayForm() {
    return sending({ 'data-action': 'add-holiday' }, [
      field('day', el('input', { type: 'date', name: 'day', id: 'admin-holiday-day' })),
      field('name', el('input', { name: 'name', maxLength: 100 })),
      field('kind', el('select', { name: 'kind' }, ['holiday', 'working'].map((k) => option(k, term('holiday_kind', k))))),
      el('button', { type: 'submit', class: 'primary' }, t('admin.cal.add_submit')),
    ], async (v, form) => {
      const h = await api.post('/calendar/holidays', { day: v.day, name: v.name ?? '', kind: v.kind });
      form.reset();
      notice(t('admin.cal.added', { name: h.name }));
      this.year = Number(h.day.slice(0, 4));
      const year = $('admin-holiday-year');
      if (year && [...year.options].some((o) => Number(o.value) === this.year)) year.value = String(this.year);
      await Promise.all([this.loadHolidays(), this.refreshPreview(true)]);
    });
  }

  async loadHolidays() {
    try {
      const list = await api.get('/calendar/holidays', { year: this.year });
      list.sort((a, b) => a.day.localeCompare(b.day));
      const cols = ['day', 'name', 'kind', 'actions'];
      $('admin-holidays').replaceChildren(head('admin.cal.col', cols), body(list.map((h) =>
        el('tr', { 'data-holiday-id': h.id, 'data-day': h.day, 'data-kind': h.kind },
          el('td', {}, el('time', { dateTime: h.day }, day(h.day))), el('td', {}, data(h.name)), el('td', {}, term('holiday_kind', h.kind)),
          el('td', {}, confirmed(t('admin.cal.remove'), t('admin.cal.remove_q', { name: h.name }), async () => {
            await api.del(`/calendar/holidays/${h.id}`);
            notice(t('admin.cal.removed', { name: h.name }));
            await Promise.all([this.loadHolidays(), this.refreshPreview(true)]);
          }, { 'data-action': 'remove-holiday' })))), cols.length));
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  /** The preview's controls: a customer (the first one to start with), its site, the priority and kind. */
  async buildPreview() {
    const panel = $('admin-preview');
    this.picker = customerPicker('customer_id', { id: 'admin-preview-customer' });
    this.picker.onPick((m) => this.chooseCustomer(m.customer_id, m.customer_name, m.site_id));
    const site = el('select', { id: 'admin-preview-site', onchange: () => this.refreshPreview(false) });
    const priority = el('select', { id: 'admin-preview-priority', onchange: () => this.refreshPreview(false) }, PRIORITIES.map((p) => option(p, term('priority', p), p === 'p3')));
    const kind = el('select', { id: 'admin-preview-kind', onchange: () => this.refreshPreview(false) }, KINDS.map((k) => option(k, term('kind', k))));
    panel.replaceChildren(
      el('h2', {}, t('admin.preview.title')),
      el('div', { class: 'filters' },
        field('customer_id', this.picker.node, t('admin.preview.customer')), field('site_id', site, t('admin.preview.site')),
        field('priority', priority), field('kind', kind)),
      el('p', { id: 'admin-preview-for', class: 'muted' }),
      el('table', { id: 'admin-preview-dues', class: 'list' }),
      el('p', { id: 'admin-preview-moved', role: 'status' }));
    if (this.customer) {
      await this.chooseCustomer(this.customer.id, this.customer.name, this.site);
      return;
    }
    const first = await api.get('/customers', { limit: 1 }).catch(() => null);
    const c = first && first.items[0];
    if (!c) {
      $('admin-preview-for').replaceChildren(t('admin.preview.no_customer'));
      return;
    }
    await this.chooseCustomer(c.id, c.name);
  }

  async chooseCustomer(id, name, siteId) {
    this.customer = { id, name };
    this.picker.input.value = name;
    const sites = await api.getAll('/sites', { customer_id: id }).catch(() => []);
    const select = $('admin-preview-site');
    if (!select) return;
    select.replaceChildren(option('', t('admin.preview.no_site')), ...sites.map((s) => dataOption(s.id, s.name)));
    const chosen = siteId ?? (sites[0] && sites[0].id);
    if (chosen) select.value = String(chosen);
    this.preview = null;
    this.before = null;
    await this.refreshPreview(false);
  }

  /** Asks for the due times again; after a change (`changed`), the ones shown become "before". */
  async refreshPreview(changed) {
    if (!this.customer || !$('admin-preview-dues')) return;
    this.site = $('admin-preview-site').value ? Number($('admin-preview-site').value) : undefined;
    const ask = {
      customer_id: this.customer.id, site_id: this.site, channel: 'phone',
      priority: $('admin-preview-priority').value, kind: $('admin-preview-kind').value, title: '-', description: '-',
    };
    try {
      const p = await api.post('/tickets/preview', ask);
      this.before = changed ? this.preview : null;
      this.preview = p;
      this.drawPreview();
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  drawPreview() {
    const p = this.preview;
    const b = this.before;
    $('admin-preview-for').replaceChildren(t('admin.preview.for', { tier: term('customer_tier', p.customer_tier), class: term('region_class', p.region_class), clock: term('clock_mode', p.clock_mode) }));
    const keys = DUES.filter((k) => p[k] || (b && b[k]));
    const cols = b ? ['due', 'before', 'now'] : ['due', 'now'];
    $('admin-preview-dues').replaceChildren(head('admin.preview.col', cols), body(keys.map((k) =>
      el('tr', { 'data-due': k, 'data-moved': String(moved(b, p, k)), 'data-at': p[k] || '', class: moved(b, p, k) ? 'moved' : '' },
        el('th', {}, t(`call.due.${k}`)),
        b ? el('td', {}, timeEl(b[k], this.zone, true)) : '',
        el('td', {}, timeEl(p[k], this.zone, true)))), cols.length));
    const count = b ? keys.filter((k) => moved(b, p, k)).length : null;
    const line = $('admin-preview-moved');
    line.dataset.moved = count === null ? '' : String(count);
    line.replaceChildren(count === null ? '' : count ? t('admin.preview.moved', { count }) : t('admin.preview.unmoved'));
  }
}
