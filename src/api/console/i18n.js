// The console's languages: Simplified Chinese and English. Every text the console shows comes from
// a catalogue here (each view adds its own with `add`), looked up by key with `t`; dates, times
// and numbers are formatted for the language. The language is the signed-in user's choice, or
// the browser's before they made one (Chinese for any `zh*` browser, English otherwise).
//
// What is data (names, titles, numbers) and not a text of the console is marked `translate="no"`
// (see `data`), so a test can check that every other text on a page is in the catalogue of the
// page's language.

import { browserLanguage as preferredLanguage } from './forms.js';

export const LANGUAGES = ['zh', 'en'];
const LOCALES = { zh: 'zh-CN', en: 'en-GB' };

const catalogues = { zh: {}, en: {} };

/** Keys whose Chinese text is rightly the same as the English one (codes, abbreviations). */
export const SHARED = new Set(['app.title']);
let language = browserLanguage();

/** The browser's language as one of the console's. */
export function browserLanguage() {
  return preferredLanguage(LANGUAGES);
}

/** Adds texts: `{ zh: { key: text }, en: { key: text } }`; every key must be in both. */
export function add(texts) {
  for (const l of LANGUAGES) Object.assign(catalogues[l], texts[l]);
}

/** A language's catalogue (for the tests that check the pages against it). */
export function catalogue(l) {
  return { ...catalogues[l] };
}

export function current() {
  return language;
}

export function locale() {
  return LOCALES[language];
}

/** Chooses the language (an unknown one keeps the browser's) and marks the page with it. */
export function use(l) {
  language = LANGUAGES.includes(l) ? l : browserLanguage();
  document.documentElement.lang = LOCALES[language];
  formats.clear();
}

/** Whether a key has a text. */
export function has(key) {
  return Object.hasOwn(catalogues[language], key);
}

/**
 * The text of `key` in the current language with `{name}` replaced by `params.name`. A missing
 * key shows as itself, so a forgotten text is seen (and fails the catalogue test).
 */
export function t(key, params) {
  const text = Object.hasOwn(catalogues[language], key) ? catalogues[language][key] : key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (params[name] === undefined || params[name] === null ? m : String(params[name])));
}

/** The text of an enum value (`status.in_progress`), or the value itself when it has none. */
export function term(group, value) {
  if (value === undefined || value === null || value === '') return '';
  const key = `${group}.${value}`;
  return has(key) ? t(key) : String(value);
}

const formats = new Map();

function format(kind, zone, make) {
  const key = `${kind}|${zone}`;
  if (!formats.has(key)) formats.set(key, make());
  return formats.get(key);
}

/** A moment as a time of day (with the date when `withDate`) in a time zone, for the language. */
export function time(iso, zone, withDate) {
  if (!iso) return '';
  const f = format(`time:${withDate ? 1 : 0}`, zone, () => {
    const opts = { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    if (withDate) Object.assign(opts, { month: 'short', day: 'numeric' });
    return new Intl.DateTimeFormat(locale(), opts);
  });
  return f.format(new Date(iso));
}

/** A calendar day (`YYYY-MM-DD`) as the language writes it, with the weekday. */
export function day(ymd) {
  const f = format('day', 'UTC', () => new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric' }));
  return f.format(new Date(`${ymd}T00:00:00Z`));
}

/** A number as the language writes it. */
export function number(n, digits) {
  if (n === undefined || n === null) return '–';
  const f = format(`number:${digits ?? ''}`, '', () => new Intl.NumberFormat(locale(), digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  return f.format(n);
}

/** A duration in minutes as hours and minutes. */
export function minutes(m) {
  const total = Math.round(Math.abs(m));
  return total >= 60 ? t('common.hours_minutes', { h: Math.floor(total / 60), m: total % 60 }) : t('common.minutes', { m: total });
}

/** Translates the page's fixed texts: `data-i18n` (text), `data-i18n-label` (aria-label). */
export function translatePage(root = document) {
  for (const n of root.querySelectorAll('[data-i18n]')) n.textContent = t(n.dataset.i18n);
  for (const n of root.querySelectorAll('[data-i18n-label]')) n.setAttribute('aria-label', t(n.dataset.i18nLabel));
  document.title = t('app.title');
}

/** A field's name as people read it (`field.to_user_id`), or the API's name when it has none. */
export function fieldName(field) {
  if (!field) return '';
  const last = String(field).replace(/\[\d+\]/g, '').split('.').pop();
  return has(`field.${last}`) ? t(`field.${last}`) : last;
}

/**
 * An API error in the language: the finer reason (with its parameters) when the console knows it,
 * else the error's code, else the status. The API's own `detail` stays English and is not shown.
 */
export function errorText(err) {
  const params = { ...(err.params || {}), field: fieldName(err.field) };
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) params[k] = v.join(', ');
    else if (v === null) params[k] = '∞';
  }
  if (params.other) params.other = fieldName(params.other);
  const unit = params.unit && `error.reason.${err.reason}.${params.unit}`;
  if (unit && has(unit)) return t(unit, params);
  if (err.reason && has(`error.reason.${err.reason}`)) return t(`error.reason.${err.reason}`, params);
  if (err.code && has(`error.code.${err.code}`)) return t(`error.code.${err.code}`, params);
  if (!err.status) return t('error.network');
  return t('error.status', { status: err.status });
}

add({
  en: {
    'app.title': 'Fieldline console',
    'app.language': 'Language',
    'common.hours_minutes': '{h} h {m} min',
    'common.minutes': '{m} min',
    'error.with_field': '{field}: {error}',
    'error.network': 'The service cannot be reached; check the connection and try again.',
    'error.status': 'The service answered {status}.',
    'error.code.validation_failed': 'This value is not valid.',
    'error.code.unauthorized': 'Sign in first.',
    'error.code.invalid_credentials': 'Wrong username or password.',
    'error.code.token_expired': 'Your sign-in has ended; sign in again.',
    'error.code.forbidden': 'Your role may not do this.',
    'error.code.not_found': 'Not found: it may have been removed.',
    'error.code.conflict': 'This clashes with the record as it is now; reload and try again.',
    'error.code.duplicate': 'This already exists.',
    'error.code.invalid_transition': 'This step is not possible in the ticket\'s current state.',
    'error.code.precondition_failed': 'Someone changed this meanwhile; it has been reloaded, try again.',
    'error.code.rate_limited': 'Too many attempts; wait a moment and try again.',
    'error.code.technician_booked': 'The technician is already booked at that time.',
    'error.code.open_tickets_exist': 'This asset already has open tickets: link the call to one, or say why it is a new fault.',
    'error.code.quote_not_approved': 'The customer has not approved the quote yet.',
    'error.code.internal': 'Something went wrong in the service; try again.',
    'error.code.unavailable': 'The service is busy; try again shortly.',
    'error.reason.required': 'Required.',
    'error.reason.missing_field': 'Required.',
    'error.reason.unknown_field': 'Not a field of this form.',
    'error.reason.wrong_type': 'Wrong kind of value (expected {expected}).',
    'error.reason.unknown_value': 'Must be one of: {allowed}.',
    'error.reason.too_long': 'At most {max} characters.',
    'error.reason.too_long.hours': 'At most {max} hours long.',
    'error.reason.too_short': 'At least {min} characters.',
    'error.reason.out_of_range': 'Must be between {min} and {max}.',
    'error.reason.date_out_of_range': 'Must be between {min} and {max}.',
    'error.reason.in_future': 'Must not lie in the future.',
    'error.reason.too_old': 'At most {max_days} days back.',
    'error.reason.control_characters': 'Must not hold control characters.',
    'error.reason.invalid_email': 'Not a valid e-mail address.',
    'error.reason.invalid_phone': 'Not a valid phone number.',
    'error.reason.invalid_format': 'Not in the expected form.',
    'error.reason.window_end_before_start': 'The end must come after the start.',
    'error.reason.window_in_past': 'The window must not lie in the past.',
    'error.reason.not_found': 'No such record.',
    'error.reason.mismatch': 'It belongs to another customer or site.',
    'error.reason.exclusive': 'Give either this or {other}, not both.',
    'error.reason.not_allowed': 'Not allowed here.',
    'error.reason.invalid': 'This value is not valid.',
    'status.new': 'new',
    'status.in_progress': 'in progress',
    'status.waiting_on_customer': 'waiting on the customer',
    'status.resolved': 'resolved',
    'status.closed': 'closed',
    'status.reopened': 'reopened',
    'status.cancelled': 'cancelled',
    'tier.hotline': 'hotline',
    'tier.remote': 'remote',
    'tier.onsite': 'on-site',
    'priority.p1': 'P1 urgent',
    'priority.p2': 'P2 high',
    'priority.p3': 'P3 normal',
    'priority.p4': 'P4 low',
    'channel.phone': 'phone',
    'channel.email': 'e-mail',
    'channel.web': 'web',
    'channel.mobile': 'mobile',
    'channel.inspection': 'inspection',
    'channel.revisit': 'revisit',
    'kind.enquiry': 'enquiry',
    'kind.fault': 'fault',
    'kind.complaint': 'complaint',
    'kind.suggestion': 'suggestion',
    'role.admin': 'admin',
    'role.agent': 'hotline agent',
    'role.remote_engineer': 'remote engineer',
    'role.dispatcher': 'dispatcher',
    'role.technician': 'technician',
    'role.supervisor': 'supervisor',
    'role.account_manager': 'account manager',
    'role.manager': 'manager',
    'visit_status.scheduled': 'not booked',
    'visit_status.assigned': 'booked',
    'visit_status.accepted': 'accepted',
    'visit_status.en_route': 'on the way',
    'visit_status.on_site': 'on site',
    'visit_status.completed': 'completed',
    'visit_status.failed': 'failed',
    'visit_status.needs_revisit': 'needs another visit',
    'visit_status.cancelled': 'cancelled',
    'visit_status.declined_by_customer': 'declined by the customer',
    'customer_tier.standard': 'standard',
    'customer_tier.silver': 'silver',
    'customer_tier.gold': 'gold',
    'customer_tier.diamond': 'diamond',
    'customer_tier.platinum': 'platinum',
    'region_class.urban': 'urban',
    'region_class.rural': 'rural',
    'auth_method.phone': 'by phone',
    'auth_method.email': 'by e-mail',
    'auth_method.signed_form': 'signed form',
    'agreed_via.phone': 'phone',
    'agreed_via.email': 'e-mail',
    'agreed_via.on_site': 'on site',
    'agreed_via.web': 'web',
    'onsite_status.open': 'waiting for dispatch',
    'onsite_status.scheduled': 'visit planned',
    'onsite_status.cancelled': 'cancelled',
    'onsite_status.done': 'done',
    'plan_status.planning': 'planning',
    'plan_status.ready': 'ready to apply',
    'plan_status.failed': 'failed',
    'plan_status.applied': 'applied',
    'plan_status.stale': 'stale: plan again',
    'unplaced_reason.skill': 'nobody on duty has the skill',
    'unplaced_reason.window': 'nobody can arrive inside the window',
    'unplaced_reason.capacity': 'those who could go have no visit left that day',
    'unplaced_reason.shift': 'it fits into nobody\'s working hours or duty shift',
    'unplaced_reason.pinned': 'pinned to a technician who cannot take it',
    'unplaced_reason.no_technician': 'nobody is on duty that day',
    'unplaced_reason.other': 'it cannot be planned (for example, no site)',
    'field.region_id': 'Region',
    'field.budget_seconds': 'Planning time (seconds)',
    'field.pinned': 'Pinned visits',
    'field.excluded': 'Left-out visits',
  },
  zh: {
    'app.title': 'Fieldline 控制台',
    'app.language': '语言',
    'common.hours_minutes': '{h} 小时 {m} 分钟',
    'common.minutes': '{m} 分钟',
    'error.with_field': '{field}：{error}',
    'error.network': '无法连接服务，请检查网络后重试。',
    'error.status': '服务返回 {status}。',
    'error.code.validation_failed': '此值无效。',
    'error.code.unauthorized': '请先登录。',
    'error.code.invalid_credentials': '用户名或密码错误。',
    'error.code.token_expired': '登录已失效，请重新登录。',
    'error.code.forbidden': '您的角色无权执行此操作。',
    'error.code.not_found': '未找到，可能已被删除。',
    'error.code.conflict': '与当前记录冲突，请刷新后重试。',
    'error.code.duplicate': '该记录已存在。',
    'error.code.invalid_transition': '工单当前状态下不能执行此步骤。',
    'error.code.precondition_failed': '他人已修改此记录，已重新加载，请重试。',
    'error.code.rate_limited': '尝试次数过多，请稍候再试。',
    'error.code.technician_booked': '该工程师在此时段已有安排。',
    'error.code.open_tickets_exist': '该设备已有未关闭的工单：请关联其中一个，或说明为何是新故障。',
    'error.code.quote_not_approved': '客户尚未批准报价。',
    'error.code.internal': '服务出错，请重试。',
    'error.code.unavailable': '服务繁忙，请稍后再试。',
    'error.reason.required': '必填。',
    'error.reason.missing_field': '必填。',
    'error.reason.unknown_field': '此表单没有该字段。',
    'error.reason.wrong_type': '值的类型不对（应为 {expected}）。',
    'error.reason.unknown_value': '须为以下之一：{allowed}。',
    'error.reason.too_long': '最多 {max} 个字符。',
    'error.reason.too_long.hours': '最长 {max} 小时。',
    'error.reason.too_short': '至少 {min} 个字符。',
    'error.reason.out_of_range': '须在 {min} 至 {max} 之间。',
    'error.reason.date_out_of_range': '须在 {min} 至 {max} 之间。',
    'error.reason.in_future': '不能是将来的时间。',
    'error.reason.too_old': '最多只能追溯 {max_days} 天。',
    'error.reason.control_characters': '不能包含控制字符。',
    'error.reason.invalid_email': '不是有效的电子邮件地址。',
    'error.reason.invalid_phone': '不是有效的电话号码。',
    'error.reason.invalid_format': '格式不正确。',
    'error.reason.window_end_before_start': '结束时间须晚于开始时间。',
    'error.reason.window_in_past': '时间段不能在过去。',
    'error.reason.not_found': '没有此记录。',
    'error.reason.mismatch': '它属于其他客户或地点。',
    'error.reason.exclusive': '此项与{other}只能填一个。',
    'error.reason.not_allowed': '此处不允许。',
    'error.reason.invalid': '此值无效。',
    'status.new': '新建',
    'status.in_progress': '处理中',
    'status.waiting_on_customer': '等待客户',
    'status.resolved': '已解决',
    'status.closed': '已关闭',
    'status.reopened': '重新打开',
    'status.cancelled': '已取消',
    'tier.hotline': '热线',
    'tier.remote': '远程',
    'tier.onsite': '现场',
    'priority.p1': 'P1 紧急',
    'priority.p2': 'P2 高',
    'priority.p3': 'P3 普通',
    'priority.p4': 'P4 低',
    'channel.phone': '电话',
    'channel.email': '电子邮件',
    'channel.web': '网页',
    'channel.mobile': '手机',
    'channel.inspection': '巡检',
    'channel.revisit': '回访',
    'kind.enquiry': '咨询',
    'kind.fault': '故障',
    'kind.complaint': '投诉',
    'kind.suggestion': '建议',
    'role.admin': '管理员',
    'role.agent': '热线坐席',
    'role.remote_engineer': '远程工程师',
    'role.dispatcher': '调度员',
    'role.technician': '工程师',
    'role.supervisor': '主管',
    'role.account_manager': '客户经理',
    'role.manager': '经理',
    'visit_status.scheduled': '未派工',
    'visit_status.assigned': '已派工',
    'visit_status.accepted': '已接单',
    'visit_status.en_route': '在途',
    'visit_status.on_site': '在现场',
    'visit_status.completed': '已完成',
    'visit_status.failed': '未完成',
    'visit_status.needs_revisit': '需再次上门',
    'visit_status.cancelled': '已取消',
    'visit_status.declined_by_customer': '客户拒绝',
    'customer_tier.standard': '标准',
    'customer_tier.silver': '银卡',
    'customer_tier.gold': '金卡',
    'customer_tier.diamond': '钻石',
    'customer_tier.platinum': '白金',
    'region_class.urban': '城区',
    'region_class.rural': '郊区',
    'auth_method.phone': '电话授权',
    'auth_method.email': '邮件授权',
    'auth_method.signed_form': '签字授权书',
    'agreed_via.phone': '电话',
    'agreed_via.email': '电子邮件',
    'agreed_via.on_site': '现场',
    'agreed_via.web': '网页',
    'onsite_status.open': '待调度',
    'onsite_status.scheduled': '已安排上门',
    'onsite_status.cancelled': '已取消',
    'onsite_status.done': '已完成',
    'plan_status.planning': '规划中',
    'plan_status.ready': '待应用',
    'plan_status.failed': '规划失败',
    'plan_status.applied': '已应用',
    'plan_status.stale': '已过时，请重新规划',
    'unplaced_reason.skill': '在班人员中无人具备所需技能',
    'unplaced_reason.window': '无人能在约定时段内到达',
    'unplaced_reason.capacity': '能去的人当天已排满',
    'unplaced_reason.shift': '不在任何人的工作时间或值班班次内',
    'unplaced_reason.pinned': '已锁定给一位无法承接的工程师',
    'unplaced_reason.no_technician': '当天无人在班',
    'unplaced_reason.other': '无法规划（例如没有地点）',
    'field.region_id': '区域',
    'field.budget_seconds': '规划时长（秒）',
    'field.pinned': '锁定的上门',
    'field.excluded': '排除的上门',
  },
});
