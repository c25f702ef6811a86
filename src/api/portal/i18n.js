// The portal's languages: Simplified Chinese and English, as the console's. Every text the
// portal shows comes from the catalogue here, looked up by key with `t`; times are written in
// the service's business zone, for the language. The language is the signed-in contact's, or
// the browser's before they sign in (Chinese for any `zh*` browser, English otherwise); the
// header's selector changes it for this tab.

import { browserLanguage as preferredLanguage } from './forms.js';

export const LANGUAGES = ['zh', 'en'];
const LOCALES = { zh: 'zh-CN', en: 'en-GB' };

const catalogues = {
  en: {
    'app.title': 'Service portal',
    'app.language': 'Language',
    'app.sign_out': 'Sign out',
    'nav.tickets': 'Our requests',
    'nav.request': 'New request',
    'nav.visits': 'Upcoming visits',
    'signin.title': 'Sign in',
    'signin.intro': 'Give the e-mail address your service team knows you by: we send you a link to sign in with.',
    'signin.submit': 'Send me a sign-in link',
    'signin.sent': 'If the address is one we know, a sign-in link is on its way. It can be used once, for a short while.',
    'signin.signing_in': 'Signing you in…',
    'signin.signed_out': 'You are signed out.',
    'signin.expired': 'Your session ended: sign in again.',
    'field.email': 'E-mail address',
    'field.site_id': 'Site',
    'field.asset_id': 'Equipment',
    'field.kind': 'Kind of request',
    'field.title': 'Subject',
    'field.description': 'What happened',
    'field.note': 'Note (optional)',
    'field.reason': 'Why you decline',
    'field.comment': 'What is still wrong',
    'field.score': 'Score',
    'field.survey_comment': 'Comment (optional)',
    'field.files': 'Photos and files (optional)',
    'tickets.title': 'Our requests',
    'tickets.open_only': 'Open only',
    'tickets.empty': 'No requests yet.',
    'col.number': 'Number',
    'col.title': 'Subject',
    'col.site': 'Site',
    'col.status': 'Status',
    'col.opened': 'Opened',
    'col.updated': 'Updated',
    'col.awaiting': 'Waits for you',
    'col.when': 'When',
    'col.technician': 'Technician',
    'col.ticket': 'Request',
    'col.item': 'Item',
    'col.amount': 'Quantity × price = amount',
    'pager.previous': 'Previous',
    'pager.next': 'Next',
    'pager.range': '{from}–{to} of {total}',
    'ticket.back': 'Back to our requests',
    'ticket.awaiting': 'What we need from you',
    'ticket.nothing': 'Nothing waits for you on this request.',
    'ticket.description': 'Description',
    'ticket.equipment': 'Equipment',
    'ticket.timeline': 'What happened so far',
    'ticket.visits': 'Visits',
    'ticket.quotes': 'Quotes',
    'ticket.service_team': 'Service team',
    'ticket.no_visits': 'No visits.',
    'ticket.survey_given': 'Your score: {score} of 5. Thank you!',
    'ticket.files': 'Files',
    'ticket.no_files': 'No files.',
    'ticket.add_files': 'Add photos or files',
    'ticket.files_added': 'The files are added.',
    'action.authorize.title': 'Remote work needs your authorization',
    'action.authorize.text': 'To solve this remotely, an engineer connects to your system. Do you allow it?',
    'action.authorize.submit': 'Authorize remote work',
    'action.authorize.done': 'Thank you: remote work is authorized.',
    'action.quote.title': 'A quote waits for your answer',
    'action.quote.total': 'Total: {amount} {currency}',
    'action.quote.approve': 'Approve the quote',
    'action.quote.decline': 'Decline the quote',
    'action.quote.done': 'Thank you: your answer to the quote is recorded.',
    'action.accept.title': 'Is the result right for you?',
    'action.accept.text': 'The service team solved this request. Accept the result to close it, or tell us what is still wrong to reopen it.',
    'action.accept.submit': 'Accept the result',
    'action.reject.submit': 'Not solved: reopen it',
    'action.accept.done': 'Thank you: the request is closed.',
    'action.reject.done': 'The request is reopened; the service team goes on with it.',
    'action.survey.title': 'How did we do?',
    'action.survey.text': 'Give us a score from 1 (very dissatisfied) to 5 (very satisfied).',
    'action.survey.submit': 'Send my score',
    'action.survey.done': 'Thank you for your answer.',
    'awaiting.remote_authorization': 'remote authorization',
    'awaiting.quote_answer': 'quote',
    'awaiting.acceptance': 'acceptance',
    'awaiting.survey': 'survey',
    'request.title': 'New request',
    'request.no_site': '(no particular site)',
    'request.no_asset': '(no particular equipment)',
    'request.attachments': 'They are sent once the request is registered.',
    'request.files_refused': 'Your request {number} is registered, but some files were not taken (see beside the field). You can add files on the request\'s page.',
    'request.open': 'Open the request',
    'request.submit': 'Send the request',
    'request.done': 'Thank you: your request {number} is registered.',
    'visits.title': 'Upcoming visits',
    'visits.empty': 'No visits are planned.',
    'visits.unassigned': 'to be assigned',
    'status.new': 'registered',
    'status.in_progress': 'in progress',
    'status.waiting_on_customer': 'waiting for you',
    'status.resolved': 'solved, waits for your acceptance',
    'status.closed': 'closed',
    'status.reopened': 'reopened',
    'status.cancelled': 'cancelled',
    'kind.enquiry': 'enquiry',
    'kind.fault': 'fault',
    'kind.complaint': 'complaint',
    'kind.suggestion': 'suggestion',
    'tier.hotline': 'hotline',
    'tier.remote': 'remote service',
    'tier.onsite': 'on-site service',
    'quote.proposed': 'waiting for your answer',
    'quote.approved': 'approved',
    'quote.declined': 'declined',
    'visit.scheduled': 'planned',
    'visit.assigned': 'technician assigned',
    'visit.accepted': 'confirmed',
    'visit.en_route': 'technician on the way',
    'visit.on_site': 'technician on site',
    'visit.completed': 'done',
    'visit.failed': 'not done',
    'visit.needs_revisit': 'another visit needed',
    'visit.cancelled': 'cancelled',
    'visit.declined_by_customer': 'declined',
    'event.registered': 'Request registered',
    'event.started': 'Work started',
    'event.waiting': 'Waiting for you',
    'event.resumed': 'Work resumed',
    'event.escalated': 'Passed on to {to}',
    'event.authorization': 'Remote work authorized',
    'event.onsite_requested': 'On-site visit requested',
    'event.visit_created': 'Visit planned',
    'event.visit_assigned': 'Technician assigned',
    'event.visit_reassigned': 'Another technician assigned',
    'event.visit_rescheduled': 'Visit moved',
    'event.visit_cancelled': 'Visit cancelled',
    'event.visit_en_route': 'Technician on the way',
    'event.visit_checked_in': 'Technician on site',
    'event.visit_completed': 'Visit done',
    'event.visit_failed': 'Visit could not be done',
    'event.visit_needs_revisit': 'Another visit needed',
    'event.visit_declined_by_customer': 'Visit declined',
    'event.quote_made': 'Quote made',
    'event.quote_approved': 'Quote approved',
    'event.quote_declined': 'Quote declined',
    'event.arrived': 'Arrived on site',
    'event.resolved': 'Solved',
    'event.accepted': 'Result accepted',
    'event.reopened': 'Reopened',
    'event.cancelled': 'Cancelled',
    'event.closed_without_answer': 'Closed without your answer',
    'event.customer_contact': 'Your message',
    'event.survey_answered': 'Survey answered',
    'event.file_added': 'File added',
    'error.network': 'The service cannot be reached; try again.',
    'error.required': 'Fill this in.',
    'error.generic': 'That did not work: {detail}',
    'error.not_found': 'Not found: it is not one of your organisation\'s records.',
    'error.link_used': 'This sign-in link was used already: ask for a new one.',
    'error.link_expired': 'This sign-in link expired: ask for a new one.',
    'error.file_too_large': 'The file is larger than the service takes.',
    'error.too_many_files': 'The request holds as many files as it can take.',
    'error.file_empty': 'The file is empty.',
  },
  zh: {
    'app.title': '客户服务门户',
    'app.language': '语言',
    'app.sign_out': '退出',
    'nav.tickets': '我们的请求',
    'nav.request': '新建请求',
    'nav.visits': '即将上门',
    'signin.title': '登录',
    'signin.intro': '请输入服务团队登记的您的电子邮箱：我们会把登录链接发送给您。',
    'signin.submit': '发送登录链接',
    'signin.sent': '如果该邮箱已登记，登录链接已发出。链接只能使用一次，有效期很短。',
    'signin.signing_in': '正在登录…',
    'signin.signed_out': '您已退出。',
    'signin.expired': '登录已失效，请重新登录。',
    'field.email': '电子邮箱',
    'field.site_id': '站点',
    'field.asset_id': '设备',
    'field.kind': '请求类型',
    'field.title': '主题',
    'field.description': '情况描述',
    'field.note': '备注（可选）',
    'field.reason': '拒绝原因',
    'field.comment': '仍存在的问题',
    'field.score': '评分',
    'field.survey_comment': '意见（可选）',
    'field.files': '照片和文件（可选）',
    'tickets.title': '我们的请求',
    'tickets.open_only': '只看未关闭的',
    'tickets.empty': '暂无请求。',
    'col.number': '编号',
    'col.title': '主题',
    'col.site': '站点',
    'col.status': '状态',
    'col.opened': '提交时间',
    'col.updated': '更新时间',
    'col.awaiting': '待您处理',
    'col.when': '时间',
    'col.technician': '工程师',
    'col.ticket': '请求',
    'col.item': '项目',
    'col.amount': '数量 × 单价 = 金额',
    'pager.previous': '上一页',
    'pager.next': '下一页',
    'pager.range': '第 {from}–{to} 条，共 {total} 条',
    'ticket.back': '返回请求列表',
    'ticket.awaiting': '需要您处理的事项',
    'ticket.nothing': '此请求目前没有需要您处理的事项。',
    'ticket.description': '描述',
    'ticket.equipment': '设备',
    'ticket.timeline': '处理经过',
    'ticket.visits': '上门服务',
    'ticket.quotes': '报价',
    'ticket.service_team': '服务团队',
    'ticket.no_visits': '暂无上门安排。',
    'ticket.survey_given': '您的评分：{score} 分（满分 5 分）。谢谢！',
    'ticket.files': '文件',
    'ticket.no_files': '暂无文件。',
    'ticket.add_files': '添加照片或文件',
    'ticket.files_added': '文件已添加。',
    'action.authorize.title': '远程处理需要您的授权',
    'action.authorize.text': '为远程解决问题，工程师需要连接您的系统。您是否同意？',
    'action.authorize.submit': '授权远程处理',
    'action.authorize.done': '谢谢：已授权远程处理。',
    'action.quote.title': '有一份报价等待您答复',
    'action.quote.total': '合计：{amount} {currency}',
    'action.quote.approve': '同意报价',
    'action.quote.decline': '拒绝报价',
    'action.quote.done': '谢谢：已记录您对报价的答复。',
    'action.accept.title': '处理结果是否令您满意？',
    'action.accept.text': '服务团队已处理完此请求。确认结果即可关闭请求；如仍有问题，请说明，请求将重新打开。',
    'action.accept.submit': '确认结果',
    'action.reject.submit': '未解决：重新打开',
    'action.accept.done': '谢谢：请求已关闭。',
    'action.reject.done': '请求已重新打开，服务团队将继续处理。',
    'action.survey.title': '请评价我们的服务',
    'action.survey.text': '请打分，从 1 分（非常不满意）到 5 分（非常满意）。',
    'action.survey.submit': '提交评分',
    'action.survey.done': '感谢您的评价。',
    'awaiting.remote_authorization': '远程授权',
    'awaiting.quote_answer': '报价',
    'awaiting.acceptance': '结果确认',
    'awaiting.survey': '满意度评价',
    'request.title': '新建请求',
    'request.no_site': '（不指定站点）',
    'request.no_asset': '（不指定设备）',
    'request.attachments': '文件将在请求登记后上传。',
    'request.files_refused': '您的请求 {number} 已登记，但部分文件未被接收（见字段旁的说明）。您可以在请求页面上再添加文件。',
    'request.open': '查看请求',
    'request.submit': '提交请求',
    'request.done': '谢谢：您的请求 {number} 已登记。',
    'visits.title': '即将上门',
    'visits.empty': '暂无上门安排。',
    'visits.unassigned': '待安排',
    'status.new': '已登记',
    'status.in_progress': '处理中',
    'status.waiting_on_customer': '等待您的答复',
    'status.resolved': '已解决，待您确认',
    'status.closed': '已关闭',
    'status.reopened': '已重新打开',
    'status.cancelled': '已取消',
    'kind.enquiry': '咨询',
    'kind.fault': '故障',
    'kind.complaint': '投诉',
    'kind.suggestion': '建议',
    'tier.hotline': '热线',
    'tier.remote': '远程服务',
    'tier.onsite': '上门服务',
    'quote.proposed': '等待您答复',
    'quote.approved': '已同意',
    'quote.declined': '已拒绝',
    'visit.scheduled': '已计划',
    'visit.assigned': '已派工程师',
    'visit.accepted': '已确认',
    'visit.en_route': '工程师在途中',
    'visit.on_site': '工程师已到场',
    'visit.completed': '已完成',
    'visit.failed': '未能完成',
    'visit.needs_revisit': '需再次上门',
    'visit.cancelled': '已取消',
    'visit.declined_by_customer': '已拒绝',
    'event.registered': '请求已登记',
    'event.started': '开始处理',
    'event.waiting': '等待您的答复',
    'event.resumed': '继续处理',
    'event.escalated': '转交{to}',
    'event.authorization': '已授权远程处理',
    'event.onsite_requested': '已申请上门服务',
    'event.visit_created': '已安排上门',
    'event.visit_assigned': '已派工程师',
    'event.visit_reassigned': '已改派工程师',
    'event.visit_rescheduled': '上门时间已调整',
    'event.visit_cancelled': '上门已取消',
    'event.visit_en_route': '工程师在途中',
    'event.visit_checked_in': '工程师已到场',
    'event.visit_completed': '上门服务完成',
    'event.visit_failed': '上门服务未能完成',
    'event.visit_needs_revisit': '需再次上门',
    'event.visit_declined_by_customer': '上门已被拒绝',
    'event.quote_made': '已提供报价',
    'event.quote_approved': '报价已同意',
    'event.quote_declined': '报价已拒绝',
    'event.arrived': '已到达现场',
    'event.resolved': '已解决',
    'event.accepted': '结果已确认',
    'event.reopened': '已重新打开',
    'event.cancelled': '已取消',
    'event.closed_without_answer': '未收到您的答复，已关闭',
    'event.customer_contact': '您的留言',
    'event.survey_answered': '已评价',
    'event.file_added': '已添加文件',
    'error.network': '无法连接服务，请重试。',
    'error.required': '请填写此项。',
    'error.generic': '操作未成功：{detail}',
    'error.not_found': '未找到：这不是贵单位的记录。',
    'error.link_used': '此登录链接已使用过，请重新申请。',
    'error.link_expired': '此登录链接已过期，请重新申请。',
    'error.file_too_large': '文件超过了允许的大小。',
    'error.too_many_files': '此请求的文件数量已达上限。',
    'error.file_empty': '文件为空。',
  },
};

let language = browserLanguage();
let zone;

/** The browser's language as one of the portal's. */
export function browserLanguage() {
  return preferredLanguage(LANGUAGES);
}

/** Adds a page's own texts to the catalogues (each key in both languages). */
export function add(texts) {
  for (const l of LANGUAGES) Object.assign(catalogues[l], texts[l]);
}

/** A language's catalogue (for the tests that compare the two). */
export function catalogue(l) {
  return { ...catalogues[l] };
}

export function current() {
  return language;
}

/** Chooses the language (an unknown one keeps the browser's) and marks the page with it. */
export function use(l) {
  language = LANGUAGES.includes(l) ? l : browserLanguage();
  document.documentElement.lang = LOCALES[language];
}

/** The zone times are shown in (the service's business calendar). */
export function useZone(z) {
  zone = z || undefined;
}

/** The text of a key, with `{name}` parameters filled in. */
export function t(key, params) {
  let s = catalogues[language][key] ?? catalogues.en[key] ?? key;
  for (const [k, v] of Object.entries(params || {})) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** A moment as a local date and time in the business zone. */
export function time(iso) {
  if (!iso) return '';
  const f = new Intl.DateTimeFormat(LOCALES[language], {
    timeZone: zone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
  });
  return f.format(new Date(iso));
}

/** A window: its day and both ends' times. */
export function window(start, end) {
  const t2 = new Intl.DateTimeFormat(LOCALES[language], { timeZone: zone, hour: '2-digit', minute: '2-digit' });
  return `${time(start)}–${t2.format(new Date(end))}`;
}

/** A number (an amount) for the language. */
export function number(n) {
  return new Intl.NumberFormat(LOCALES[language], { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
}

/** Fills the page's `data-i18n` elements with their texts. */
export function translatePage(root = document) {
  for (const e of root.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
}

/** What an API error says, in the language. */
export function errorText(err) {
  if (!err) return '';
  if (err.code === 'network') return t('error.network');
  if (err.code === 'not_found') return t('error.not_found');
  if (err.code === 'link_used') return t('error.link_used');
  if (err.code === 'link_expired') return t('error.link_expired');
  if (err.reason === 'required') return t('error.required');
  return t('error.generic', { detail: err.message });
}
