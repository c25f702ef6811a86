// A complaint's own ladder on its ticket's page: the level (complaint, escalated, appeal), its due
// time and handlers, what the complaint is about (a link to the ticket or the person's name),
// every level it went through; and, for those who may work the level, the form stating the
// resolution to the customer and the customer's confirmation or refusal, with the API's
// validation errors next to the field they name.

import * as api from './api.js';
import { add, t, term, errorText } from './i18n.js';
import { el, notice, showError, clearErrors, values, timeEl, data } from './ui.js';

add({
  en: {
    'complaint.title': 'Complaint ladder',
    'complaint.level': 'Level', 'complaint.state': 'State', 'complaint.due': 'Resolution due', 'complaint.handlers': 'Handled by',
    'complaint.subject': 'About', 'complaint.no_subject': 'not named yet',
    'complaint.steps': 'Levels reached',
    'complaint.entered': 'reached by {how}', 'complaint.started': 'from', 'complaint.breached': 'limit missed',
    'complaint.resolution_by': 'Resolution stated by {name}', 'complaint.answer': 'Customer: {answer} ({who})',
    'complaint.state_resolution': 'State the resolution to the customer',
    'complaint.record_answer': 'Record the customer\'s answer',
    'complaint.confirm': 'The customer confirms', 'complaint.refuse': 'The customer refuses',
    'complaint.not_yours': 'Only the handlers of this level work it.',
    'complaint.done': 'Saved.',
    'complaint_level.complaint': 'complaint', 'complaint_level.escalated': 'escalated complaint', 'complaint_level.appeal': 'appeal',
    'complaint_state.open': 'being handled', 'complaint_state.awaiting_answer': 'awaiting the customer\'s answer',
    'complaint_state.resolved': 'resolved', 'complaint_state.unresolved': 'closed unresolved',
    'complaint_entry.registration': 'registration', 'complaint_entry.refusal': 'the customer\'s refusal', 'complaint_entry.limit': 'a missed time limit',
    'complaint_answer.confirmed': 'confirmed', 'complaint_answer.refused': 'refused',
    'complaint_kind.ticket': 'ticket', 'complaint_kind.visit': 'visit', 'complaint_kind.technician': 'technician', 'complaint_kind.staff': 'staff member',
    'field.resolution': 'Resolution', 'field.answered_by': 'Who answered', 'field.answer': 'Answer',
    'event.complaint_opened': 'complaint opened', 'event.complaint_subject': 'complaint subject named',
    'event.complaint_resolution': 'complaint resolution stated', 'event.complaint_refused': 'customer refused the resolution',
    'event.complaint_confirmed': 'customer confirmed the resolution', 'event.complaint_unresolved': 'complaint closed unresolved',
    'event.complaint_escalated': 'complaint climbed a level', 'event.complaint_limit_missed': 'complaint time limit missed',
    'preset.complaints': 'Open complaints',
    'complaint.limits': 'Complaint level limits, in working minutes',
    'complaint.limits_help': 'Each level of a complaint has this long, on the business calendar, to state a resolution to the customer; VIP tiers take the lower bound. Levels reached afterwards use the new limits.',
    'complaint.limits_default': 'shipped default',
    'complaint.limits_save': 'Save',
    'complaint.limits_saved': 'The complaint limits are saved.',
    'complaint.col.tier': 'Customer tier',
    'field.complaint_minutes': 'Complaint', 'field.escalated_minutes': 'Escalated', 'field.appeal_minutes': 'Appeal',
  },
  zh: {
    'complaint.title': '投诉处理',
    'complaint.level': '级别', 'complaint.state': '状态', 'complaint.due': '处理时限', 'complaint.handlers': '处理人',
    'complaint.subject': '投诉对象', 'complaint.no_subject': '尚未指明',
    'complaint.steps': '经历的级别',
    'complaint.entered': '因{how}进入', 'complaint.started': '开始于', 'complaint.breached': '已超时限',
    'complaint.resolution_by': '{name} 已答复处理结果', 'complaint.answer': '客户：{answer}（{who}）',
    'complaint.state_resolution': '向客户答复处理结果',
    'complaint.record_answer': '记录客户的意见',
    'complaint.confirm': '客户确认', 'complaint.refuse': '客户不接受',
    'complaint.not_yours': '只有本级处理人可以处理。',
    'complaint.done': '已保存。',
    'complaint_level.complaint': '投诉处理', 'complaint_level.escalated': '升级投诉处理', 'complaint_level.appeal': '申诉处理',
    'complaint_state.open': '处理中', 'complaint_state.awaiting_answer': '等待客户意见',
    'complaint_state.resolved': '已解决', 'complaint_state.unresolved': '未解决已关闭',
    'complaint_entry.registration': '登记', 'complaint_entry.refusal': '客户不接受', 'complaint_entry.limit': '超出时限',
    'complaint_answer.confirmed': '确认', 'complaint_answer.refused': '不接受',
    'complaint_kind.ticket': '工单', 'complaint_kind.visit': '上门服务', 'complaint_kind.technician': '工程师', 'complaint_kind.staff': '员工',
    'field.resolution': '处理结果', 'field.answered_by': '答复人', 'field.answer': '意见',
    'event.complaint_opened': '投诉已立案', 'event.complaint_subject': '已指明投诉对象',
    'event.complaint_resolution': '已答复投诉处理结果', 'event.complaint_refused': '客户不接受处理结果',
    'event.complaint_confirmed': '客户确认处理结果', 'event.complaint_unresolved': '投诉未解决已关闭',
    'event.complaint_escalated': '投诉已升级', 'event.complaint_limit_missed': '投诉处理超时',
    'preset.complaints': '未结投诉',
    'complaint.limits': '投诉各级处理时限（工作分钟）',
    'complaint.limits_help': '投诉每一级须在此时限内（按工作日历）向客户答复处理结果；VIP 等级执行下限。修改对之后进入该级的投诉生效。',
    'complaint.limits_default': '出厂默认值',
    'complaint.limits_save': '保存',
    'complaint.limits_saved': '投诉时限已保存。',
    'complaint.col.tier': '客户等级',
    'field.complaint_minutes': '投诉处理', 'field.escalated_minutes': '升级投诉处理', 'field.appeal_minutes': '申诉处理',
  },
});

/** Who may work a level, as the API's policy says (the buttons only; the API decides). */
export function mayWork(user, level, ownerId) {
  const role = user.role;
  if (role === 'admin' || role === 'manager') return true;
  if (level === 'appeal') return false;
  if (role === 'supervisor') return true;
  return level === 'complaint' && user.id === ownerId && ['agent', 'remote_engineer'].includes(role);
}

/** The complaint section of a complaint ticket's page (filled when the complaint is read). */
export function ticketComplaint(ticket, user, zone, reload) {
  const section = el('section', { class: 'ticket-complaint', id: 'ticket-complaint', 'aria-busy': 'true' });
  fill(section, ticket, user, zone, reload);
  return section;
}

async function fill(section, ticket, user, zone, reload) {
  try {
    const c = await api.get(`/tickets/${ticket.id}/complaint`);
    section.replaceChildren(...render(c, ticket, user, zone, reload));
    section.dataset.level = c.level;
    section.dataset.state = c.state;
  } catch (err) {
    section.replaceChildren(el('h3', {}, t('complaint.title')), el('p', { class: 'form-error' }, errorText(err)));
  }
  section.removeAttribute('aria-busy');
}

function subjectNode(s) {
  if (!s) return el('span', { class: 'muted' }, t('complaint.no_subject'));
  const label = [term('complaint_kind', s.kind), ' ', data(s.name)];
  return s.ticket_id ? el('a', { href: `#tickets/${s.ticket_id}`, 'data-subject': s.kind }, ...label) : el('span', { 'data-subject': s.kind }, ...label);
}

function render(c, ticket, user, zone, reload) {
  const fact = (key, ...value) => el('li', {}, el('span', {}, t(`complaint.${key}`)), ': ', ...value);
  const closed = c.state === 'resolved' || c.state === 'unresolved';
  const out = [
    el('h3', {}, t('complaint.title')),
    el('ul', { class: 'facts', id: 'complaint-facts' },
      fact('level', el('strong', { id: 'complaint-level' }, term('complaint_level', c.level))),
      fact('state', el('span', { id: 'complaint-state' }, term('complaint_state', c.state))),
      closed ? null : fact('due', timeEl(c.level_due_at, zone, true)),
      closed ? null : fact('handlers', el('span', { id: 'complaint-handlers' }, data(c.handlers.map((h) => h.display_name).join(', ')))),
      fact('subject', subjectNode(c.subject))),
    el('h4', {}, t('complaint.steps')),
    el('ol', { class: 'complaint-steps' }, c.steps.map((s) => el('li', { 'data-level': s.level },
      el('strong', {}, term('complaint_level', s.level)), ' · ',
      t('complaint.entered', { how: term('complaint_entry', s.entered_by) }), ' · ',
      t('complaint.started'), ' ', timeEl(s.started_at, zone, true), ' → ', timeEl(s.due_at, zone, true),
      s.breached_at ? [' ', el('span', { class: 'badge slack-breached' }, t('complaint.breached'))] : null,
      s.resolution ? el('div', {}, t('complaint.resolution_by', { name: s.resolution_by_name ?? '' }), ': ', data(s.resolution)) : null,
      s.answer ? el('div', { class: 'muted' }, t('complaint.answer', { answer: term('complaint_answer', s.answer), who: s.answered_by ?? '' }),
        s.answer_comment ? [' — ', data(s.answer_comment)] : null) : null))),
  ];
  if (closed) return out;
  if (!mayWork(user, c.level, c.owner_id)) {
    out.push(el('p', { class: 'muted' }, t('complaint.not_yours')));
    return out;
  }
  if (c.state === 'open') {
    out.push(form('complaint-resolution', t('complaint.state_resolution'), [
      el('label', {}, t('field.resolution'), el('textarea', { name: 'resolution', rows: 3, cols: 40, maxLength: 4000 })),
    ], [el('button', { type: 'submit', class: 'primary' }, t('complaint.state_resolution'))],
    (v) => api.post(`/tickets/${ticket.id}/complaint/resolution`, { resolution: v.resolution ?? '' }), reload));
  } else if (c.state === 'awaiting_answer') {
    const buttons = ['confirmed', 'refused'].map((a) => el('button', {
      type: 'submit', name: 'answer', value: a, class: a === 'confirmed' ? 'primary' : '', 'data-answer': a,
    }, t(a === 'confirmed' ? 'complaint.confirm' : 'complaint.refuse')));
    out.push(form('complaint-answer', t('complaint.record_answer'), [
      el('label', {}, t('field.answered_by'), el('input', { name: 'answered_by', value: ticket.contact_name ?? '', maxLength: 200 })),
      el('label', {}, t('field.comment'), el('input', { name: 'comment', maxLength: 2000 })),
    ], buttons, (v, submitter) => api.post(`/tickets/${ticket.id}/complaint/answer`, {
      answer: submitter?.value, answered_by: v.answered_by ?? '', comment: v.comment || undefined,
    }), reload));
  }
  return out;
}

function form(id, legend, fields, buttons, send, reload) {
  const f = el('form', { id, noValidate: true },
    el('fieldset', {}, el('legend', {}, legend), ...fields, el('div', { class: 'buttons' }, ...buttons)),
    el('p', { class: 'form-error', role: 'alert' }));
  f.onsubmit = async (e) => {
    e.preventDefault();
    clearErrors(f);
    for (const b of buttons) b.disabled = true;
    try {
      await send(values(f), e.submitter);
      notice(t('complaint.done'));
      await reload();
    } catch (err) {
      for (const b of buttons) b.disabled = false;
      showError(f, err);
    }
  };
  return f;
}

const LIMITS = ['complaint_minutes', 'escalated_minutes', 'appeal_minutes'];

/** The complaint level limits of every customer tier, each row a form (admins save them). */
export function complaintLimits() {
  const section = el('section', { id: 'complaint-limits', 'aria-busy': 'true' });
  fillLimits(section);
  return section;
}

async function fillLimits(section) {
  try {
    const list = await api.get('/sla/complaint-limits');
    section.replaceChildren(
      el('h2', {}, t('complaint.limits')),
      el('p', { class: 'muted' }, t('complaint.limits_help')),
      ...list.map((l) => limitForm(l, () => fillLimits(section))));
  } catch (err) {
    section.replaceChildren(el('p', { class: 'form-error' }, errorText(err)));
  }
  section.removeAttribute('aria-busy');
}

function limitForm(l, reload) {
  const f = el('form', { class: 'call', noValidate: true, 'data-tier': l.customer_tier, 'data-default': String(!l.updated_at) },
    el('strong', {}, term('customer_tier', l.customer_tier)),
    l.updated_at ? null : el('span', { class: 'muted' }, ' ', t('complaint.limits_default')),
    ...LIMITS.map((k) => el('label', {}, t(`field.${k}`),
      el('input', { name: k, type: 'number', min: 1, max: 43200, step: 1, value: l[k] }))),
    el('button', { type: 'submit', class: 'primary' }, t('complaint.limits_save')),
    el('p', { class: 'form-error', role: 'alert' }));
  f.onsubmit = async (e) => {
    e.preventDefault();
    clearErrors(f);
    const v = values(f);
    try {
      await api.put(`/sla/complaint-limits/${l.customer_tier}`, Object.fromEntries(LIMITS.map((k) => [k, v[k] === undefined ? null : Number(v[k])])));
      notice(t('complaint.limits_saved'));
      await reload();
    } catch (err) {
      showError(f, err);
    }
  };
  return f;
}
